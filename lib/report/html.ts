/**
 * A self-contained HTML report of a study: the ADEMP description, and per
 * parameter the sampling distributions of the estimators, coverage with
 * Monte Carlo error bars, zip plots (Morris, White & Crowther 2019, Fig. 3),
 * nested-loop plots (Rücker & Schwarzer 2014) and tables of the key
 * measures. The plots are Vega-Lite specifications rendered to inline SVG
 * when the report is built, so the file needs no network and no script to
 * view.
 *
 * @module
 */

import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { Manifest, ResultStore, StoredCondition } from "../store/store.ts";
import type { Ademp } from "../study/study.ts";
import type { MeasureRow } from "./measure_row.ts";

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
  /** Half-length of the coverage error bars in Monte Carlo SEs. @default 1.96 */
  mcseMultiplier?: number;
  /** Time printed as the report's creation time. @default now */
  generatedAt?: Date;
}

/** A Vega-Lite specification rendered to an SVG string, headless (no canvas, no DOM). */
export async function vegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const COLORS = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#9d755d", "#e45756", "#72b7b2"];
const TRUTH_COLOR = "#d62728";

/**
 * The study in `store` as one self-contained HTML page. `rows` are its
 * performance measures (coverage, bias and the table measures are read
 * from them); per-replicate estimates and intervals are read from the
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

    parts.push(`<h3>Key measures</h3>`, measureTable(rows, data, parameter));
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

// ---------------------------------------------------------------------------
// Reading the store

type Config = {
  factors?: Record<string, unknown[]>;
  formula?: string;
  methods?: string[];
  intervals?: string[];
  level?: number;
  ademp?: Partial<Ademp>;
  code?: Record<string, string>;
};

interface StudyData {
  manifest: Manifest | null;
  conditions: StoredCondition[];
  /** Condition keys in design order. */
  conditionOrder: string[];
  parameters: string[];
  methods: string[];
  intervals: string[];
  /** The conditions in nested-loop order and the factors that vary. */
  loop: { order: StoredCondition[]; factors: { name: string; levels: unknown[] }[] };
  replicates: { stored: number; failed: number };
}

function readStudy(store: ResultStore): StudyData {
  const db = store.db;
  const names = (sql: string) => db.prepare(sql).all().map((r) => String(Object.values(r)[0]));
  const conditions = store.conditions();
  const stored = db.prepare(
    "SELECT COUNT(*) AS n, COALESCE(SUM(status <> 'ok'), 0) AS failed FROM replicates",
  ).get();
  return {
    manifest: store.readManifest(),
    conditions,
    conditionOrder: conditions.map((c) => c.condition),
    parameters: names(
      "SELECT parameter FROM estimates GROUP BY parameter ORDER BY MIN(ordinal), parameter",
    ),
    methods: names("SELECT method FROM fits GROUP BY method ORDER BY MIN(ordinal), method"),
    intervals: names(
      "SELECT interval FROM intervals GROUP BY interval ORDER BY MIN(ordinal), interval",
    ),
    loop: nestedLoopOrder(conditions, (store.readManifest()?.config as Config)?.factors),
    replicates: { stored: Number(stored?.n ?? 0), failed: Number(stored?.failed ?? 0) },
  };
}

/**
 * Conditions sorted for a nested-loop plot: the first varying factor is
 * the outermost loop, levels in design order.
 */
function nestedLoopOrder(
  conditions: StoredCondition[],
  factors: Record<string, unknown[]> | undefined,
): StudyData["loop"] {
  const names = factors
    ? Object.keys(factors)
    : [...new Set(conditions.flatMap((c) => Object.keys(c.params)))];
  const varying = names.map((name) => {
    const seen: unknown[] = [...(factors?.[name] ?? [])];
    for (const c of conditions) {
      if (!seen.some((v) => same(v, c.params[name]))) seen.push(c.params[name]);
    }
    const levels = seen.filter((v) => conditions.some((c) => same(v, c.params[name])));
    return { name, levels };
  }).filter((f) => f.levels.length > 1);
  const index = (f: { name: string; levels: unknown[] }, c: StoredCondition) =>
    f.levels.findIndex((v) => same(v, c.params[f.name]));
  const order = [...conditions].sort((a, b) => {
    for (const f of varying) {
      const d = index(f, a) - index(f, b);
      if (d !== 0) return d;
    }
    return a.position - b.position;
  });
  return { order, factors: varying };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

interface EstimateRow {
  condition: string;
  method: string;
  estimate: number;
  truth: number | null;
}

function sampleEstimates(store: ResultStore, parameter: string, max: number): EstimateRow[] {
  return store.db.prepare(
    `SELECT condition, method, estimate, truth FROM (
       SELECT condition, method, estimate, truth,
         ROW_NUMBER() OVER (PARTITION BY condition, method ORDER BY rep) AS k
       FROM estimates WHERE parameter = ? AND estimate IS NOT NULL)
     WHERE k <= ?`,
  ).all(parameter, max).map((r) => ({
    condition: String(r.condition),
    method: String(r.method),
    estimate: Number(r.estimate),
    truth: r.truth === null ? null : Number(r.truth),
  }));
}

interface ZipRow {
  interval: string;
  lower: number;
  upper: number;
  centile: number;
  covers: string;
}

function zipData(
  store: ResultStore,
  data: StudyData,
  parameter: string,
  options: HtmlReportOptions,
): { condition: string; method: string; truth: number; rows: ZipRow[] } {
  const condition = options.zipCondition ?? data.conditionOrder[0] ?? "";
  const method = options.zipMethod ?? data.methods[0] ?? "";
  const select = store.db.prepare(
    `SELECT i.lower, i.upper, e.estimate, e.se, e.truth FROM intervals i
     JOIN estimates e USING (condition, rep, method, parameter)
     WHERE i.condition = ? AND i.method = ? AND i.parameter = ? AND i.interval = ?
       AND i.status = 'ok' AND i.lower IS NOT NULL AND i.upper IS NOT NULL
       AND e.truth IS NOT NULL
     ORDER BY i.rep LIMIT ?`,
  );
  const rows: ZipRow[] = [];
  let truth = NaN;
  for (const interval of data.intervals) {
    const found = select.all(condition, method, parameter, interval, options.maxIntervals ?? 1000);
    if (found.length === 0) continue;
    const ranked = found.map((r) => {
      const lower = Number(r.lower), upper = Number(r.upper), t = Number(r.truth);
      truth = t;
      const se = r.se === null ? NaN : Number(r.se);
      const estimate = r.estimate === null ? NaN : Number(r.estimate);
      // Morris et al. rank Wald intervals by |z|; any interval by where the truth falls
      // relative to its centre and half-width (below 1 covers).
      const half = (upper - lower) / 2;
      const distance = Math.abs(t - (lower + upper) / 2);
      const score = interval === "wald" && se > 0 && Number.isFinite(estimate)
        ? Math.abs(estimate - t) / se
        : half > 0
        ? distance / half
        : distance === 0
        ? 0
        : Infinity;
      return { lower, upper, score, covers: lower <= t && t <= upper };
    }).sort((a, b) => a.score - b.score);
    ranked.forEach((r, k) =>
      rows.push({
        interval,
        lower: r.lower,
        upper: r.upper,
        centile: (100 * (k + 0.5)) / ranked.length,
        covers: r.covers ? "covers" : "does not cover",
      })
    );
  }
  return { condition, method, truth, rows };
}

// ---------------------------------------------------------------------------
// Chart specifications

const AXIS_CONFIG = {
  font: "sans-serif",
  // No ARIA labels on every mark: they would double the size of the page.
  aria: false,
  axis: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  view: { stroke: "#ddd" },
};

const label = (condition: string) => condition.replaceAll(";", ", ");

/**
 * Box plots (Tukey: whiskers to the most extreme value within 1.5 IQR of
 * the quartiles, points beyond) with the mean and the truth. The box
 * statistics are computed here, not by Vega: it takes seconds on 30 000
 * points.
 */
function distributionSpec(estimates: EstimateRow[], data: StudyData): TopLevelSpec {
  const groups = new Map<string, { condition: string; method: string; xs: number[] }>();
  const truths = new Map<string, number>();
  for (const e of estimates) {
    const key = `${e.condition}\u0000${e.method}`;
    let g = groups.get(key);
    if (!g) groups.set(key, g = { condition: label(e.condition), method: e.method, xs: [] });
    g.xs.push(e.estimate);
    if (e.truth !== null) truths.set(label(e.condition), e.truth);
  }
  const values: Record<string, unknown>[] = [];
  for (const { condition, method, xs } of groups.values()) {
    xs.sort((a, b) => a - b);
    const q1 = quantile(xs, 0.25), median = quantile(xs, 0.5), q3 = quantile(xs, 0.75);
    const fenceLo = q1 - 1.5 * (q3 - q1), fenceHi = q3 + 1.5 * (q3 - q1);
    const inside = xs.filter((x) => x >= fenceLo && x <= fenceHi);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    values.push({
      kind: "box",
      condition,
      method,
      q1,
      median,
      q3,
      lo: inside[0] ?? q1,
      hi: inside[inside.length - 1] ?? q3,
      mean,
    });
    for (const x of xs) {
      if (x < fenceLo || x > fenceHi) values.push({ kind: "outlier", condition, method, x });
    }
  }
  for (const [condition, truth] of truths) values.push({ kind: "truth", condition, truth });
  const methods = data.methods.filter((m) => estimates.some((e) => e.method === m));
  const y = { field: "method", type: "nominal", sort: methods, title: null } as const;
  const color = {
    field: "method",
    type: "nominal",
    sort: methods,
    legend: null,
    scale: { range: COLORS },
  } as const;
  const only = (kind: string) => [{ filter: `datum.kind === '${kind}'` }];
  return {
    config: AXIS_CONFIG,
    data: { values },
    facet: {
      row: {
        field: "condition",
        type: "nominal",
        sort: data.conditionOrder.map(label),
        title: null,
        header: { labelAngle: 0, labelAlign: "left", labelOrient: "top", labelFontWeight: "bold" },
      },
    },
    spacing: 18,
    spec: {
      width: 560,
      height: { step: 22 },
      layer: [
        {
          transform: only("box"),
          mark: { type: "rule", color: "#555" },
          encoding: {
            x: { field: "lo", type: "quantitative", scale: { zero: false }, title: null },
            x2: { field: "hi" },
            y,
          },
        },
        {
          transform: only("box"),
          mark: { type: "bar", size: 14 },
          encoding: { x: { field: "q1", type: "quantitative" }, x2: { field: "q3" }, y, color },
        },
        {
          transform: only("box"),
          mark: { type: "tick", color: "white", thickness: 2, size: 14 },
          encoding: { x: { field: "median", type: "quantitative" }, y },
        },
        {
          transform: only("outlier"),
          mark: { type: "point", size: 6, opacity: 0.35 },
          encoding: { x: { field: "x", type: "quantitative" }, y, color },
        },
        {
          transform: only("box"),
          mark: { type: "point", shape: "diamond", filled: true, color: "black", size: 40 },
          encoding: { x: { field: "mean", type: "quantitative" }, y },
        },
        {
          transform: only("truth"),
          mark: { type: "rule", color: TRUTH_COLOR, strokeWidth: 2 },
          encoding: { x: { field: "truth", type: "quantitative" } },
        },
      ],
    },
    resolve: { scale: { x: "independent" } },
  } as TopLevelSpec;
}

function coverageSpec(
  coverage: readonly MeasureRow[],
  data: StudyData,
  nominal: number,
  k: number,
): TopLevelSpec {
  const values = coverage.map((r) => {
    const v = r.value as number;
    const m = r.mcse ?? 0;
    return {
      condition: label(r.condition),
      method: r.method,
      interval: r.interval,
      coverage: v,
      lo: Math.max(0, v - k * m),
      hi: Math.min(1, v + k * m),
    };
  });
  const intervals = data.intervals.filter((i) => coverage.some((r) => r.interval === i));
  const methods = data.methods.filter((m) => coverage.some((r) => r.method === m));
  const references = methods.map((method) => ({ method, reference: true }));
  const min = Math.min(nominal, ...values.map((v) => v.lo));
  const domain = [Math.max(0, Math.floor((min - 0.02) * 20) / 20), 1];
  const y = {
    field: "condition",
    type: "nominal",
    sort: data.conditionOrder.map(label),
    title: null,
    axis: { labelLimit: 400 },
  } as const;
  const yOffset = { field: "interval", type: "nominal", sort: intervals } as const;
  const color = {
    field: "interval",
    type: "nominal",
    sort: intervals,
    title: "interval",
    scale: { range: COLORS },
  } as const;
  return {
    config: AXIS_CONFIG,
    data: { values: [...values, ...references] },
    facet: {
      column: { field: "method", type: "nominal", sort: methods, title: "estimation method" },
    },
    spec: {
      width: 260,
      height: { step: Math.max(8, 4 * intervals.length + 4) * intervals.length },
      layer: [
        {
          transform: [{ filter: "!datum.reference" }],
          mark: { type: "rule", strokeWidth: 1.5 },
          encoding: {
            y,
            yOffset,
            x: {
              field: "lo",
              type: "quantitative",
              scale: { domain, clamp: true },
              title: "coverage",
            },
            x2: { field: "hi" },
            color,
          },
        },
        {
          transform: [{ filter: "!datum.reference" }],
          mark: { type: "point", filled: true, size: 30, opacity: 1 },
          encoding: { y, yOffset, x: { field: "coverage", type: "quantitative" }, color },
        },
        {
          transform: [{ filter: "datum.reference" }],
          mark: { type: "rule", strokeDash: [4, 3], color: "#333" },
          encoding: { x: { datum: nominal } },
        },
      ],
    },
  } as TopLevelSpec;
}

function zipSpec(rows: ZipRow[], truth: number, nominal: number): TopLevelSpec {
  const intervals = [...new Set(rows.map((r) => r.interval))];
  return {
    config: AXIS_CONFIG,
    hconcat: intervals.map((interval) => {
      const mine = rows.filter((r) => r.interval === interval);
      const lowers = mine.map((r) => r.lower).sort((a, b) => a - b);
      const uppers = mine.map((r) => r.upper).sort((a, b) => a - b);
      // Clip absurd limits (a log-Wald upper limit can be 1e9): at most 3 IQRs beyond the
      // quartiles.
      const fence = (xs: number[], side: -1 | 1) =>
        quantile(xs, side < 0 ? 0.25 : 0.75) +
        side * 3 * (quantile(xs, 0.75) - quantile(xs, 0.25));
      let lo = Math.min(truth, Math.max(quantile(lowers, 0.01), fence(lowers, -1)));
      let hi = Math.max(truth, Math.min(quantile(uppers, 0.99), fence(uppers, 1)));
      if (!(hi > lo)) [lo, hi] = [lo - 1, hi + 1];
      const pad = (hi - lo) * 0.02;
      return {
        title: { text: interval, fontSize: 12 },
        width: 230,
        height: 340,
        data: { values: mine },
        layer: [
          {
            mark: { type: "rule", clip: true, strokeWidth: 1 },
            encoding: {
              x: {
                field: "lower",
                type: "quantitative",
                scale: { domain: [lo - pad, hi + pad], nice: false, zero: false },
                title: "interval",
              },
              x2: { field: "upper" },
              y: {
                field: "centile",
                type: "quantitative",
                scale: { domain: [0, 100], nice: false },
                title: "fractional centile of |z|",
              },
              color: {
                field: "covers",
                type: "nominal",
                title: null,
                scale: {
                  domain: ["covers", "does not cover"],
                  range: ["#4c78a8", TRUTH_COLOR],
                },
              },
            },
          },
          {
            data: { values: [{}] },
            mark: { type: "rule", color: "black", strokeWidth: 1.5 },
            encoding: { x: { datum: truth } },
          },
          {
            data: { values: [{}] },
            mark: { type: "rule", color: "black", strokeDash: [4, 3] },
            encoding: { y: { datum: 100 * nominal } },
          },
        ],
      };
    }),
  } as TopLevelSpec;
}

/**
 * A nested-loop plot (Rücker & Schwarzer 2014): the measure of each method
 * as a step line over the conditions in nested-loop order, with one step
 * line per factor underneath showing its level.
 */
function nestedLoopSpec(
  measures: readonly (MeasureRow & { panel: string })[],
  data: StudyData,
  yTitle: string,
  reference: number,
): TopLevelSpec {
  const order = data.loop.order;
  const n = order.length;
  const at = new Map(order.map((c, i) => [c.condition, i]));
  const panels = [...new Set(measures.map((r) => r.panel))];
  const present = measures.filter((r) => r.value !== null && at.has(r.condition));
  const ys = present.map((r) => r.value as number);
  let lo = Math.min(reference, ...ys), hi = Math.max(reference, ...ys);
  if (!(hi > lo)) [lo, hi] = [lo - 0.5, hi + 0.5];
  const range = hi - lo;
  const band = 0.16 * range, gap = 0.1 * range;
  const values: Record<string, unknown>[] = [];
  for (const panel of panels) {
    for (const method of data.methods) {
      const byIndex = new Map<number, number>();
      for (const r of present) {
        if (r.panel === panel && r.method === method) byIndex.set(at.get(r.condition)!, r.value!);
      }
      for (let i = 0; i <= n; i++) {
        const v = byIndex.get(Math.min(i, n - 1));
        // A missing value breaks the line; the extra point at n draws the last step.
        values.push({ kind: "measure", panel, method, x: i, y: v ?? null });
      }
    }
    values.push({ kind: "reference", panel });
    data.loop.factors.forEach((f, k) => {
      const base = lo - gap - (k + 1) * (band + gap) + gap;
      const levels = f.levels.length;
      for (let i = 0; i <= n; i++) {
        const c = order[Math.min(i, n - 1)];
        const j = f.levels.findIndex((v) => same(v, c.params[f.name]));
        values.push({
          kind: "factor",
          panel,
          factor: f.name,
          x: i,
          y: base + band * j / (levels - 1),
        });
      }
      values.push({
        kind: "label",
        panel,
        x: 0.05,
        y: base + band + gap * 0.45,
        text: `${f.name}: ${f.levels.map(String).join(", ")}`,
      });
    });
  }
  const bottom = lo - gap - data.loop.factors.length * (band + gap);
  const x = {
    field: "x",
    type: "quantitative",
    scale: { domain: [0, n], nice: false },
    axis: { tickMinStep: 1, format: "d" },
    title: "condition (nested-loop order)",
  } as const;
  const y = {
    field: "y",
    type: "quantitative",
    scale: { domain: [bottom, hi + 0.05 * range], nice: false, zero: false },
    axis: { values: niceTicks(lo, hi) },
    title: yTitle,
  } as const;
  return {
    config: AXIS_CONFIG,
    data: { values },
    facet: {
      field: "panel",
      type: "nominal",
      sort: panels,
      title: null,
      header: { labelFontWeight: "bold" },
    },
    columns: 2,
    spec: {
      width: 420,
      height: 260,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'measure'" }],
          mark: { type: "line", interpolate: "step-after", strokeWidth: 2 },
          encoding: {
            x,
            y,
            color: {
              field: "method",
              type: "nominal",
              sort: data.methods,
              title: "method",
              scale: { range: COLORS },
            },
            // Dashes keep methods with equal values (REML and ANOVA when balanced) visible.
            strokeDash: {
              field: "method",
              type: "nominal",
              sort: data.methods,
              title: "method",
              scale: { range: [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3]] },
            },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'factor'" }],
          mark: { type: "line", interpolate: "step-after", color: "#777", strokeWidth: 1 },
          encoding: { x, y, detail: { field: "factor", type: "nominal" } },
        },
        {
          transform: [{ filter: "datum.kind === 'label'" }],
          mark: { type: "text", align: "left", baseline: "middle", fontSize: 10, color: "#444" },
          encoding: { x, y, text: { field: "text", type: "nominal" } },
        },
        {
          transform: [{ filter: "datum.kind === 'reference'" }],
          mark: { type: "rule", strokeDash: [4, 3], color: "#333" },
          encoding: { y: { datum: reference } },
        },
      ],
    },
  } as TopLevelSpec;
}

/** Renders charts, giving each SVG's ids a unique prefix so inline SVGs cannot clash. */
class ChartSet {
  #count = 0;

  async add(spec: TopLevelSpec): Promise<string> {
    const prefix = `v${++this.#count}-`;
    const svg = await vegaLiteSvg(spec);
    return `<figure>${
      svg
        .replace(/^<\?xml[^>]*>\s*/, "")
        // Coordinates to 1/100 pixel (in tags only: text keeps its digits).
        .replace(/<[^>]+>/g, (tag) => tag.replace(/(\d\.\d\d)\d+/g, "$1"))
        .replace(/\bid="([^"]+)"/g, `id="${prefix}$1"`)
        .replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`)
        .replace(/href="#([^"]+)"/g, `href="#${prefix}$1"`)
    }</figure>`;
  }
}

// ---------------------------------------------------------------------------
// Header and tables

function headerHtml(data: StudyData, rows: readonly MeasureRow[], options: HtmlReportOptions) {
  const m = data.manifest;
  const config = (m?.config ?? {}) as Config;
  const given = { ...config.ademp, ...options.ademp };
  const factors = data.conditions.length
    ? Object.entries(config.factors ?? {}).map(([k, v]) => `${k} ∈ {${v.join(", ")}}`).join("; ")
    : "";
  const derived: Ademp = {
    aims: "Not recorded in the store.",
    data: `${data.conditions.length} conditions` +
      (factors ? ` from the factors ${factors}` : "") +
      (config.formula ? `; model ${config.formula}` : ""),
    estimands: data.parameters.join(", "),
    methods: `${data.methods.join(", ")}` +
      (data.intervals.length
        ? `; intervals ${data.intervals.join(", ")} at level ${pct(config.level ?? 0.95)}`
        : ""),
    performance: [...new Set(rows.map((r) => r.measure))].join(", ") || "none computed",
  };
  const ademp: [string, keyof Ademp][] = [
    ["Aims", "aims"],
    ["Data-generating mechanisms", "data"],
    ["Estimands", "estimands"],
    ["Methods", "methods"],
    ["Performance measures", "performance"],
  ];
  const versions = Object.entries(m?.versions ?? {}).map(([k, v]) => `${esc(k)} ${esc(v)}`)
    .join(", ");
  const facts: [string, string][] = [
    ["Study", esc(m?.study ?? "")],
    ["Seed", esc(String(m?.seed ?? ""))],
    [
      "Replicates",
      `${m?.reps ?? "?"} per condition; ${data.replicates.stored} stored` +
      (data.replicates.failed ? `, ${data.replicates.failed} failed` : ""),
    ],
    ["Conditions", String(data.conditions.length)],
    ["Versions", versions],
    ["Created", esc(m?.createdAt ?? "")],
    ["Report generated", esc((options.generatedAt ?? new Date()).toISOString())],
    ["Configuration hash", `<code>${esc(m?.configHash ?? "")}</code>`],
  ];
  if (m?.shard) facts.push(["Shard", esc(m.shard)]);
  const code = Object.entries(config.code ?? {}).map(([k, v]) =>
    `<details><summary>${esc(k)} source</summary><pre>${esc(v)}</pre></details>`
  ).join("\n");
  return `<section class="ademp">
<h2>ADEMP</h2>
<dl>${
    ademp.map(([title, key]) =>
      `<dt>${title}</dt><dd>${esc(given[key] ?? derived[key])}${
        given[key] ? "" : ' <span class="note">(derived from the design)</span>'
      }</dd>`
    ).join("")
  }</dl>
<table class="facts">${facts.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join("")}
</table>
${code}
</section>`;
}

const TABLE_MEASURES = [
  ["bias", "bias"],
  ["relative_bias", "rel. bias"],
  ["empirical_se", "emp. SE"],
  ["model_se", "model SE"],
  ["rmse", "RMSE"],
  ["failure_rate", "failures"],
] as const;

function measureTable(rows: readonly MeasureRow[], data: StudyData, parameter: string): string {
  const mine = rows.filter((r) => r.parameter === parameter);
  const index = new Map(
    mine.map((r) => [`${r.condition}\u0000${r.method}\u0000${r.interval}\u0000${r.measure}`, r]),
  );
  const get = (c: string, m: string, i: string | null, measure: string) =>
    index.get(`${c}\u0000${m}\u0000${i}\u0000${measure}`);
  const estimator = TABLE_MEASURES.filter(([measure]) =>
    mine.some((r) => r.measure === measure && r.value !== null)
  );
  const intervals = data.intervals.filter((i) => mine.some((r) => r.interval === i));
  const head = [
    "condition",
    "method",
    ...estimator.map(([, title]) => title),
    ...intervals.flatMap((i) => [`coverage ${i}`, `width ${i}`]),
  ];
  const body: string[] = [];
  for (const condition of data.conditionOrder) {
    for (const method of data.methods) {
      const cells = [
        ...estimator.map(([measure]) => get(condition, method, null, measure)),
        ...intervals.flatMap((i) => [
          get(condition, method, i, "coverage"),
          get(condition, method, i, "mean_width"),
        ]),
      ];
      if (cells.every((c) => c === undefined)) continue;
      body.push(
        `<tr><td>${esc(label(condition))}</td><td>${esc(method)}</td>${
          cells.map((c) => `<td>${cell(c)}</td>`).join("")
        }</tr>`,
      );
    }
  }
  if (body.length === 0) return `<p class="note">No measures of ${esc(parameter)}.</p>`;
  return `<div class="scroll"><table class="measures"><thead><tr>${
    head.map((h) => `<th>${esc(h)}</th>`).join("")
  }</tr></thead><tbody>${body.join("\n")}</tbody></table></div>
<p class="note">Monte Carlo SEs in parentheses.</p>`;
}

function cell(row: MeasureRow | undefined): string {
  if (!row || row.value === null) return "&ndash;";
  const mcse = row.mcse === null ? "" : ` <span class="mcse">(${num(row.mcse)})</span>`;
  return `${num(row.value)}${mcse}`;
}

// ---------------------------------------------------------------------------
// Helpers

function num(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

/** About five round tick values within [lo, hi]. */
function niceTicks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push(Number(t.toPrecision(12)));
  }
  return ticks;
}

const pct = (v: number) => `${Number((100 * v).toPrecision(4))}%`;

function numberOr(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

function quantile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const i = Math.floor(h);
  return sorted[i] + (h - i) * ((sorted[Math.min(i + 1, sorted.length - 1)]) - sorted[i]);
}

const anchor = (s: string) => `p-${s.replace(/[^\w-]+/g, "_")}`;

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5rem auto;
  max-width: 1300px; padding: 0 1rem; color: #222; line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 1px solid #ccc; margin-top: 2.5rem; }
h3 { font-size: 1.05rem; margin-bottom: 0.3rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; }
.note { color: #555; font-size: 0.9rem; }
figure { margin: 0.5rem 0 1rem; overflow-x: auto; } .scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0; }
th, td { border: 1px solid #ddd; padding: 0.2rem 0.5rem; text-align: right; }
th { background: #f4f4f4; } td { white-space: nowrap; }
td:first-child, td:nth-child(2), th:first-child, th:nth-child(2) { text-align: left; }
.facts th { text-align: left; }
.mcse { color: #777; }
pre { background: #f6f6f6; padding: 0.5rem; overflow-x: auto; font-size: 0.8rem; }
nav { margin: 1rem 0; }
`;
