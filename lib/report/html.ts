/**
 * A self-contained HTML report of a study: the ADEMP description, and per
 * parameter histograms of the estimators' sampling distributions (with the
 * share of boundary estimates at 0), coverage with Monte Carlo error bars,
 * zip plots of every condition x method x interval method (Morris, White &
 * Crowther 2019, Fig. 5), nested-loop plots of bias and coverage with
 * Monte Carlo bands (Rücker & Schwarzer 2014), power curves of the tests
 * (when the study has tests) and tables of the key measures. The plots are
 * Vega-Lite specifications rendered to inline SVG when the report is built,
 * so the file needs no network and no script to view.
 *
 * @module
 */

import type { ResultStore } from "../store/store.ts";
import type { MissingReplicate } from "../store/missing_replicates.ts";
import type { Ademp } from "../study/study.ts";
import type { MeasureRow, NonconvergedRule } from "./measure_row.ts";
import { type Config, readStudy, sampleEstimates, type StudyData } from "./_report_data.ts";
import { zipPanels } from "./_zip_data.ts";
import { ChartSet } from "./_charts.ts";
import { distributionSpec } from "./_distribution_chart.ts";
import { coverageSpec } from "./_coverage_chart.ts";
import { zipSpec } from "./_zip_chart.ts";
import { nestedLoopSpec } from "./_nested_loop_chart.ts";
import { powerSpec } from "./_power_chart.ts";
import {
  anchor,
  CSS,
  esc,
  headerHtml,
  measureTable,
  pct,
  testLevel,
  testsTable,
} from "./_html_page.ts";

import { type ComparisonRow, pairedComparisons } from "./paired_comparisons.ts";
import { _comparisonPart } from "./_comparison_part.ts";

export { vegaLiteSvg } from "./_charts.ts";

/** Options of {@linkcode htmlReport}. */
export interface HtmlReportOptions {
  /** Page title. @default `vcsim study <name>` */
  title?: string;
  /**
   * ADEMP text; fields missing here are taken from the manifest's config
   * (`config.ademp`) when recorded there, else described from the design.
   */
  ademp?: Partial<Ademp>;
  /** Estimates per condition x method drawn in the sampling distributions. @default 2000 */
  maxEstimates?: number;
  /** Intervals per zip plot (condition x method x interval method). @default 200 */
  maxIntervals?: number;
  /**
   * The parameters with zip plots.
   * @default the variance components other than `Residual`
   */
  zipParameters?: readonly string[];
  /** Half-length of the coverage error bars and rejection bands in Monte Carlo SEs. @default 1.96 */
  mcseMultiplier?: number;
  /** Time printed as the report's creation time. @default now */
  generatedAt?: Date;
  /**
   * The `nonconverged` rule `performanceMeasures` computed `rows` with; the
   * notes under the tables of key measures say which it was.
   * @default "use"
   */
  nonconverged?: NonconvergedRule;
  /**
   * Paired comparisons of the methods (see pairedComparisons), one table
   * per parameter. @default computed from the store with the `nonconverged` rule
   */
  comparisons?: readonly ComparisonRow[];
  /** The store's missing replicates, when already computed (else they are computed here). */
  missing?: readonly MissingReplicate[];
}

/**
 * The study in `store` as one self-contained HTML page. `rows` are its
 * performance measures (coverage, bias, rejection rates and the table
 * measures are read from them); per-replicate estimates and intervals are
 * read from the store with SQL, sampled to at most `maxEstimates` per
 * condition x method and `maxIntervals` per zip plot (the first replicates
 * by index, which are as random as any).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { htmlReport } from "./html.ts";
 * import { openStore } from "../store/store.ts";
 * const store = openStore(":memory:");
 * const html = await htmlReport(store, [], { title: "Empty study" });
 * assert.match(html, /^<!DOCTYPE html>/);
 * assert.match(html, /<title>Empty study<\/title>/);
 * store.close();
 * ```
 */
export async function htmlReport(
  store: ResultStore,
  rows: readonly MeasureRow[],
  options: HtmlReportOptions = {},
): Promise<string> {
  const data = readStudy(store, { missing: options.missing });
  const manifest = data.manifest;
  const title = options.title ?? `vcsim study ${manifest?.study ?? "(no manifest)"}`;
  const context: SectionContext = {
    store,
    rows,
    data,
    options,
    nominal: numberOr((manifest?.config as Config | undefined)?.level, 0.95),
    mcseK: options.mcseMultiplier ?? 1.96,
    charts: new ChartSet(),
    zipParameters: options.zipParameters ??
      data.variances.filter((p) => p !== "Residual"),
  };
  const comparisons = options.comparisons ??
    pairedComparisons(store, { nonconverged: options.nonconverged });
  const sections: string[] = [];
  for (const parameter of data.parameters) {
    const parts = [
      `<h2 id="${anchor(parameter)}">${esc(parameter)}</h2>`,
      ...await distributionPart(parameter, context),
      ...await coveragePart(parameter, context),
      ...await zipPart(parameter, context),
      ...await loopPart(parameter, context),
      ...await testsPart(parameter, context),
      ..._comparisonPart(comparisons, parameter),
      `<h3>Key measures</h3>`,
      measureTable(rows, data, { parameter, nonconverged: options.nonconverged }),
    ];
    sections.push(`<section>${parts.join("\n")}</section>`);
  }
  const nav = data.parameters.map((p) => `<a href="#${anchor(p)}">${esc(p)}</a>`).join(" · ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="vcsim ${esc(String(manifest?.versions?.vcsim ?? ""))}">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${esc(title)}</h1>
${headerHtml(data, rows, options)}
<nav>Parameters: ${nav}</nav>
${sections.join("\n")}
</body>
</html>
`;
}

/** What every part of a parameter's section reads. */
interface SectionContext {
  store: ResultStore;
  rows: readonly MeasureRow[];
  data: StudyData;
  options: HtmlReportOptions;
  nominal: number;
  mcseK: number;
  charts: ChartSet;
  zipParameters: readonly string[];
}

/** The histograms of the parameter's estimates; nothing when it has none. */
async function distributionPart(parameter: string, c: SectionContext): Promise<string[]> {
  const max = c.options.maxEstimates ?? 2000;
  const estimates = sampleEstimates(c.store, parameter, max);
  if (estimates.length === 0) return [];
  const variance = c.data.variances.includes(parameter);
  return [
    `<h3>Sampling distributions</h3>`,
    `<p class="note">Histograms of up to ${max} estimates per condition (row) and method ` +
    `(column), in percent of the estimates, on bins shared by the row` +
    (variance
      ? `; black spike: estimates exactly 0 (boundary fits, share printed above the panel ` +
        `and the spike cut at the top of the plot), orange: negative estimates`
      : "") +
    `; red line: true value; dashed line: mean. Estimates beyond the row's 0.1% and 99.5% ` +
    `quantiles are counted as off scale, not drawn.</p>`,
    await c.charts.add(distributionSpec(estimates, c.data, { variance })),
  ];
}

/** The parameter's `coverage` rows with a value. */
function coverageRows(parameter: string, c: SectionContext): MeasureRow[] {
  return c.rows.filter((r) =>
    r.parameter === parameter && r.measure === "coverage" && r.value !== null &&
    r.interval !== null
  );
}

/** The coverage chart; nothing without coverage. */
async function coveragePart(parameter: string, c: SectionContext): Promise<string[]> {
  const coverage = coverageRows(parameter, c);
  if (coverage.length === 0) return [];
  return [
    `<h3>Coverage</h3>`,
    `<p class="note">Coverage of nominal ${pct(c.nominal)} intervals (undefined ones count as ` +
    `misses) with &plusmn;${c.mcseK} Monte Carlo SE bars; dashed line: nominal level.</p>`,
    await c.charts.add(coverageSpec(coverage, c.data, { nominal: c.nominal, k: c.mcseK })),
  ];
}

/** The zip plots of every condition x method x interval method; nothing without intervals. */
async function zipPart(parameter: string, c: SectionContext): Promise<string[]> {
  const max = c.options.maxIntervals ?? 200;
  if (!c.zipParameters.includes(parameter)) {
    const drawn = c.zipParameters.filter((p) => c.data.parameters.includes(p));
    return coverageRows(parameter, c).length > 0 && drawn.length > 0
      ? [
        `<p class="note">Zip plots are drawn for ${drawn.map(esc).join(", ")} ` +
        `(option <code>zipParameters</code>).</p>`,
      ]
      : [];
  }
  const panels = zipPanels(c.store, parameter, { maxIntervals: max });
  if (!panels.some((p) => p.ranked.length > 0)) return [];
  return [
    `<h3>Zip plots</h3>`,
    `<p class="note">Per condition, a row per estimation method and a column per interval ` +
    `method: up to ${max} intervals ranked by how far the truth (vertical line) lies from ` +
    `their centre relative to their half-width (|z| = |estimate &minus; truth| / SE for ` +
    `Wald intervals); y: fractional centile of that rank among all attempted intervals, so ` +
    `the blue intervals (which cover) end at the coverage; red: intervals that miss; grey ` +
    `band on top: undefined or failed intervals; dashed line: nominal level. The x axis is ` +
    `shared within a condition; limits beyond it are clipped and marked black at its ` +
    `edge.</p>`,
    await c.charts.add(zipSpec(panels, c.data, { nominal: c.nominal, parameter })),
  ];
}

/**
 * The nested-loop plots of bias (relative bias, in percent, when the true
 * value differs between conditions and is nowhere 0) and coverage; nothing
 * unless two or more factors vary.
 */
async function loopPart(parameter: string, c: SectionContext): Promise<string[]> {
  if (c.data.loop.factors.length < 2) return [];
  const truths = new Set(
    [...c.data.truths.get(parameter)?.values() ?? []].filter((t) => t !== null),
  );
  const relative = truths.size > 1 && !truths.has(0);
  const name = relative ? "relative bias" : "bias";
  const bias = c.rows.filter((r) =>
    r.parameter === parameter && r.measure === (relative ? "relative_bias" : "bias") &&
    r.interval === null
  );
  const levels = c.data.loop.factors.map((f) => esc(f.name)).join(", ");
  const bands = `with &plusmn;${c.mcseK} Monte Carlo SE bands`;
  const parts: string[] = [];
  if (bias.some((r) => r.value !== null)) {
    parts.push(
      `<h3>Nested-loop plot: ${name}</h3>`,
      `<p class="note">${
        relative
          ? "Relative bias (bias over the true value, which differs between conditions)"
          : "Bias"
      } of each method over the conditions in nested-loop order (x labels: the levels of ` +
        `${levels}), ${bands}; grey step lines below: the factors' levels.</p>`,
      await c.charts.add(
        nestedLoopSpec(bias.map((r) => ({ ...r, panel: name })), c.data, {
          yTitle: name,
          reference: 0,
          k: c.mcseK,
          percent: relative,
        }),
      ),
    );
  }
  const coverage = coverageRows(parameter, c);
  if (coverage.length === 0) return parts;
  const rows = coverage.map((r) => ({ ...r, panel: r.interval ?? "" }));
  return [
    ...parts,
    `<h3>Nested-loop plot: coverage</h3>`,
    `<p class="note">Coverage of each interval method (a panel each) ${bands}; dashed line: ` +
    `nominal level.</p>`,
    await c.charts.add(nestedLoopSpec(rows, c.data, {
      yTitle: "coverage",
      reference: c.nominal,
      k: c.mcseK,
      percent: true,
      clamp: [0, 1],
    })),
  ];
}

/** The power curves and tests table of one parameter; nothing when it has no tests. */
async function testsPart(parameter: string, c: SectionContext): Promise<string[]> {
  const { rows, data, mcseK } = c;
  const rejection = rows.filter((r) =>
    r.parameter === parameter && r.measure === "rejection" && r.value !== null &&
    r.test !== undefined
  );
  const table = testsTable(rows, data, { parameter });
  if (rejection.length === 0 && table === "") return [];
  const alpha = testLevel(data.manifest?.config as Config | undefined);
  const parts = [`<h3>Tests: rejection rates</h3>`];
  if (rejection.length > 0) {
    const { spec, factor } = powerSpec(rejection, data, { alpha, k: mcseK });
    parts.push(
      `<p class="note">Rejection rate (among the ok tests) of each test of H<sub>0</sub>: ` +
        `${esc(parameter)} = 0 ` +
        `against ${
          factor === null ? "the condition" : `the design factor <code>${esc(factor)}</code>`
        }, with &plusmn;${mcseK} Monte Carlo SE bands; squares: sizes (true value 0), circles: ` +
        `powers; dashed line: alpha = ${pct(alpha)}.</p>`,
      await c.charts.add(spec),
    );
  }
  parts.push(table);
  return parts;
}

function numberOr(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}
