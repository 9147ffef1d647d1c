/**
 * A self-contained HTML report of a study: the ADEMP description, and per
 * parameter the sampling distributions of the estimators, coverage with
 * Monte Carlo error bars, zip plots (Morris, White & Crowther 2019, Fig. 3),
 * nested-loop plots (Rücker & Schwarzer 2014), power curves of the tests
 * (when the study has tests) and tables of the key measures. The plots are Vega-Lite specifications rendered to inline SVG
 * when the report is built, so the file needs no network and no script to
 * view.
 *
 * @module
 */

import type { ResultStore } from "../store/store.ts";
import type { Ademp } from "../study/study.ts";
import type { MeasureRow, NonconvergedRule } from "./measure_row.ts";
import {
  type Config,
  readStudy,
  sampleEstimates,
  type StudyData,
  zipData,
} from "./_report_data.ts";
import {
  ChartSet,
  coverageSpec,
  distributionSpec,
  nestedLoopSpec,
  powerSpec,
  zipSpec,
} from "./_charts.ts";
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
  /** Intervals per zip plot. @default 1000 */
  maxIntervals?: number;
  /** Condition of the zip plots. @default the first condition in design order */
  zipCondition?: string;
  /** Estimation method of the zip plots. @default the first method */
  zipMethod?: string;
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
}

/**
 * The study in `store` as one self-contained HTML page. `rows` are its
 * performance measures (coverage, bias, rejection rates and the table
 * measures are read from them); per-replicate estimates and intervals are read from the
 * store with SQL, sampled to at most `maxEstimates` per condition x method
 * and `maxIntervals` per zip plot (the first replicates by index, which are
 * as random as any).
 */
export async function htmlReport(
  store: ResultStore,
  rows: readonly MeasureRow[],
  options: HtmlReportOptions = {},
): Promise<string> {
  const data = readStudy(store);
  const manifest = data.manifest;
  const title = options.title ?? `vcsim study ${manifest?.study ?? "(no manifest)"}`;
  const nominal = numberOr((manifest?.config as Config | undefined)?.level, 0.95);
  const mcseK = options.mcseMultiplier ?? 1.96;
  const charts = new ChartSet();

  const sections: string[] = [];
  for (const parameter of data.parameters) {
    const parts: string[] = [`<h2 id="${anchor(parameter)}">${esc(parameter)}</h2>`];

    const estimates = sampleEstimates(store, parameter, options.maxEstimates ?? 2000);
    if (estimates.length > 0) {
      parts.push(
        `<h3>Sampling distributions</h3>`,
        `<p class="note">Box plots of up to ${options.maxEstimates ?? 2000} estimates per ` +
          `condition and method (whiskers 1.5 IQR); black diamond: mean; red line: true value.</p>`,
        await charts.add(distributionSpec(estimates, data)),
      );
    }

    const coverage = rows.filter((r) =>
      r.parameter === parameter && r.measure === "coverage" && r.value !== null &&
      r.interval !== null
    );
    if (coverage.length > 0) {
      parts.push(
        `<h3>Coverage</h3>`,
        `<p class="note">Coverage of nominal ${pct(nominal)} intervals with &plusmn;${mcseK} ` +
          `Monte Carlo SE bars; dashed line: nominal level.</p>`,
        await charts.add(coverageSpec(coverage, data, nominal, mcseK)),
      );
    }

    const zip = zipData(store, data, parameter, options);
    if (zip.rows.length > 0) {
      parts.push(
        `<h3>Zip plots</h3>`,
        `<p class="note">Condition <code>${esc(zip.condition)}</code>, method ${
          esc(zip.method)
        }: up to ${options.maxIntervals ?? 1000} intervals ranked by how far the truth lies ` +
          `from their centre relative to their half-width (|z| = |estimate &minus; truth| / SE ` +
          `for Wald intervals); y: fractional centile of that rank. Red intervals miss the ` +
          `truth (vertical line); dashed line: nominal level. Limits beyond the 1st and 99th ` +
          `centiles, or more than 3 IQRs beyond the quartiles, are clipped.</p>`,
        await charts.add(zipSpec(zip.rows, zip.truth, nominal)),
      );
    }

    if (data.loop.factors.length >= 2) {
      const bias = rows.filter((r) =>
        r.parameter === parameter && r.measure === "bias" && r.interval === null
      );
      if (bias.some((r) => r.value !== null)) {
        parts.push(
          `<h3>Nested-loop plot: bias</h3>`,
          await charts.add(
            nestedLoopSpec(bias.map((r) => ({ ...r, panel: "bias" })), data, "bias", 0),
          ),
        );
      }
      if (coverage.length > 0) {
        parts.push(
          `<h3>Nested-loop plot: coverage</h3>`,
          await charts.add(
            nestedLoopSpec(
              coverage.map((r) => ({ ...r, panel: r.interval ?? "" })),
              data,
              "coverage",
              nominal,
            ),
          ),
        );
      }
    }

    parts.push(...await testsPart(rows, data, { parameter, charts, mcseK }));
    parts.push(
      `<h3>Key measures</h3>`,
      measureTable(rows, data, { parameter, nonconverged: options.nonconverged }),
    );
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

/** The power curves and tests table of one parameter; nothing when it has no tests. */
async function testsPart(
  rows: readonly MeasureRow[],
  data: StudyData,
  options: { parameter: string; charts: ChartSet; mcseK: number },
): Promise<string[]> {
  const { parameter, mcseK } = options;
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
      await options.charts.add(spec),
    );
  }
  parts.push(table);
  return parts;
}

function numberOr(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}
