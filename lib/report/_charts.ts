/**
 * The HTML report's charts: Vega-Lite specifications of the sampling
 * distributions, coverage, zip, nested-loop plots and power curves, and
 * their rendering to inline SVG.
 *
 * @module
 */

import type { TopLevelSpec } from "../_deps/vega_lite.ts";
import type { MeasureRow } from "./measure_row.ts";
import {
  type EstimateRow,
  label,
  powerFactor,
  same,
  type StudyData,
  type ZipRow,
} from "./_report_data.ts";

/**
 * A Vega-Lite specification rendered to an SVG string, headless (no canvas,
 * no DOM). Vega is loaded on the first call, not when vcsim is imported:
 * every worker process and study imports the library, and only reports draw.
 */
export async function vegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, { compile }] = await Promise.all([
    import("../_deps/vega.ts"),
    import("../_deps/vega_lite.ts"),
  ]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const COLORS = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#9d755d", "#e45756", "#72b7b2"];
const TRUTH_COLOR = "#d62728";
// Studies may compare eight or more tests: three more colours, each test's colour and dash unique.
const TEST_COLORS = [...COLORS, "#ff9da6", "#bab0ac", "#eeca3b"];

const AXIS_CONFIG = {
  font: "sans-serif",
  // No ARIA labels on every mark: they would double the size of the page.
  aria: false,
  axis: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  view: { stroke: "#ddd" },
};

/**
 * Box plots (Tukey: whiskers to the most extreme value within 1.5 IQR of
 * the quartiles, points beyond) with the mean and the truth. The box
 * statistics are computed here, not by Vega: it takes seconds on 30 000
 * points.
 */
export function distributionSpec(estimates: EstimateRow[], data: StudyData): TopLevelSpec {
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

/** Coverage per condition, method and interval with Monte Carlo error bars of `k` SEs. */
export function coverageSpec(
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

/** Zip plots (Morris, White & Crowther 2019, Fig. 3), one per interval method. */
export function zipSpec(rows: ZipRow[], truth: number, nominal: number): TopLevelSpec {
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
export function nestedLoopSpec(
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

/** Options of {@linkcode powerSpec}. */
export interface PowerSpecOptions {
  /** The tests' level, drawn as a dashed rule. */
  alpha: number;
  /** Half-width of the bands in Monte Carlo SEs. */
  k: number;
}

/** One plotted rejection rate of a power curve, or a facet's alpha rule (`reference`). */
type PowerPoint = Record<string, unknown>;

/** The points of {@linkcode powerSpec}, the x encoding, and the facet order. */
function powerData(rejection: readonly MeasureRow[], data: StudyData, k: number) {
  const truths = new Map(rejection.map((r) => [r.condition, r.truth ?? null]));
  const factor = powerFactor(data, truths);
  const levels = data.loop.factors.find((f) => f.name === factor)?.levels ?? [];
  const others = data.loop.factors.filter((f) => f.name !== factor);
  const params = new Map(data.conditions.map((c) => [c.condition, c.params]));
  const panelOf = (condition: string) =>
    others.map((f) => `${f.name}=${String(params.get(condition)?.[f.name])}`).join(", ");
  const numeric = factor !== null && levels.every((v) => typeof v === "number");
  const xOf = (condition: string) => {
    if (factor === null) return label(condition);
    const v = params.get(condition)?.[factor];
    return numeric ? v : String(v);
  };
  const values: PowerPoint[] = rejection.map((r) => {
    const v = r.value as number, m = r.mcse ?? 0;
    return {
      panel: panelOf(r.condition),
      method: r.method,
      test: r.test,
      kind: r.kind ?? "unknown truth",
      x: xOf(r.condition),
      rate: v,
      lo: Math.max(0, v - k * m),
      hi: Math.min(1, v + k * m),
    };
  });
  const order = data.loop.order.map((c) => c.condition);
  const panels = [...new Set(order.filter((c) => truths.has(c)).map(panelOf))];
  const methods = data.methods.filter((m) => rejection.some((r) => r.method === m));
  for (const panel of panels) {
    for (const method of methods) values.push({ reference: true, panel, method });
  }
  const x = numeric
    ? { field: "x", type: "quantitative", scale: { zero: false, padding: 12 }, title: factor }
    : {
      field: "x",
      type: "ordinal",
      sort: factor === null ? order.map(label) : levels.map(String),
      title: factor ?? "condition",
      axis: { labelAngle: 0, labelLimit: 160 },
    };
  return { factor, values, x, panels, methods, faceted: others.length > 0 };
}

/**
 * Power curves: the rejection rate of each test (one line each, with a
 * band of +-k MCSE) against the design factor {@linkcode powerFactor}
 * picks, faceted by estimation method (columns) and the other varying
 * factors (rows), with a dashed rule at alpha. Points at a true value of 0
 * (sizes) are squares, others (powers) circles. `rejection` are one
 * parameter's `rejection` rows with a value. Returns the spec and the
 * factor on the x axis (null when no factor varies: x is the condition).
 */
export function powerSpec(
  rejection: readonly MeasureRow[],
  data: StudyData,
  options: PowerSpecOptions,
): { spec: TopLevelSpec; factor: string | null } {
  const { factor, values, x, panels, methods, faceted } = powerData(rejection, data, options.k);
  const tests = data.tests.filter((t) => rejection.some((r) => r.test === t));
  const kinds = ["size", "power", "unknown truth"].filter((k) => values.some((v) => v.kind === k));
  const y = {
    field: "rate",
    type: "quantitative",
    scale: { domain: [0, 1] },
    axis: { format: "%" },
    title: "rejection rate",
  } as const;
  // One legend of lines for every layer's colour and dash (the area's would be pale squares).
  const legend = { symbolType: "stroke", symbolOpacity: 1, symbolStrokeWidth: 2 };
  const byTest = { field: "test", type: "nominal", sort: tests, title: "test", legend } as const;
  const measured = [{ filter: "!datum.reference" }];
  const row = {
    field: "panel",
    type: "nominal",
    sort: panels,
    title: null,
    header: { labelAngle: 0, labelAlign: "left", labelFontWeight: "bold" },
  };
  const column = { field: "method", type: "nominal", sort: methods, title: "estimation method" };
  const shapes = { size: "square", power: "circle", "unknown truth": "diamond" } as const;
  return {
    factor,
    spec: {
      config: AXIS_CONFIG,
      data: { values },
      facet: faceted ? { row, column } : { column },
      spec: {
        width: 280,
        height: 200,
        layer: [
          {
            transform: measured,
            // Many overlapping bands would turn grey: lighter ones when there are many tests.
            mark: { type: "area", opacity: tests.length > 4 ? 0.08 : 0.15 },
            encoding: { x, y: { ...y, field: "lo" }, y2: { field: "hi" }, color: byTest },
          },
          {
            transform: measured,
            mark: { type: "line", strokeWidth: 2 },
            encoding: {
              x,
              y,
              color: { ...byTest, scale: { range: TEST_COLORS } },
              strokeDash: { ...byTest, scale: { range: [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3]] } },
            },
          },
          {
            transform: measured,
            mark: { type: "point", filled: true, size: 40, opacity: 1 },
            encoding: {
              x,
              y,
              color: byTest,
              shape: {
                field: "kind",
                type: "nominal",
                title: "rate is",
                scale: { domain: kinds, range: kinds.map((k) => shapes[k as keyof typeof shapes]) },
              },
            },
          },
          {
            transform: [{ filter: "datum.reference" }],
            mark: { type: "rule", strokeDash: [4, 3], color: "#333" },
            encoding: { y: { datum: options.alpha } },
          },
        ],
      },
    } as TopLevelSpec,
  };
}

/** Renders charts, giving each SVG's ids a unique prefix so inline SVGs cannot clash. */
export class ChartSet {
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

function quantile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const i = Math.floor(h);
  return sorted[i] + (h - i) * ((sorted[Math.min(i + 1, sorted.length - 1)]) - sorted[i]);
}
