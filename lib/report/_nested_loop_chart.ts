/**
 * The nested-loop plots of the HTML report (Rücker & Schwarzer 2014): a
 * measure of each method as a step line with its Monte Carlo band over all
 * conditions in nested-loop order, each condition labelled on the x axis,
 * with one step line per design factor underneath showing its level.
 *
 * @module
 */

import type { TopLevelSpec } from "../_deps/vega_lite.ts";
import type { MeasureRow } from "./measure_row.ts";
import { same, type StudyData } from "./_report_data.ts";
import { AXIS_CONFIG, COLORS } from "./_charts.ts";

/** A measure row and the facet it is drawn in (e.g. the interval method). */
export type LoopRow = MeasureRow & { panel: string };

/** Options of {@linkcode nestedLoopSpec}. */
export interface NestedLoopOptions {
  /** The y-axis title. */
  yTitle: string;
  /** The target value, drawn as a dashed rule (0 for bias, the nominal level for coverage). */
  reference: number;
  /** Half-width of the bands in Monte Carlo SEs. */
  k: number;
  /** Whether the measure is a proportion, shown in percent. @default false */
  percent?: boolean;
  /** Limits the bands are clamped to (0 and 1 for a proportion). */
  clamp?: [number, number];
}

/** The step lines, bands and factor lines of the plot, and the y range of the measure. */
function loopValues(measures: readonly LoopRow[], data: StudyData, o: NestedLoopOptions) {
  const order = data.loop.order;
  const n = order.length;
  const at = new Map(order.map((c, i) => [c.condition, i]));
  const panels = [...new Set(measures.map((r) => r.panel))];
  const present = measures.filter((r) => r.value !== null && at.has(r.condition));
  const [cLo, cHi] = o.clamp ?? [-Infinity, Infinity];
  const band = (r: MeasureRow, side: -1 | 1) =>
    Math.min(cHi, Math.max(cLo, r.value! + side * o.k * (r.mcse ?? 0)));
  const ys = present.flatMap((r) => [band(r, -1), band(r, 1)]);
  let lo = Math.min(o.reference, ...ys), hi = Math.max(o.reference, ...ys);
  if (!(hi > lo)) [lo, hi] = [lo - 0.5, hi + 0.5];
  const values: Record<string, unknown>[] = [];
  for (const panel of panels) {
    for (const method of data.methods) {
      const byIndex = new Map<number, MeasureRow>();
      for (const r of present) {
        if (r.panel === panel && r.method === method) byIndex.set(at.get(r.condition)!, r);
      }
      for (let i = 0; i <= n; i++) {
        const r = byIndex.get(Math.min(i, n - 1));
        // A missing value breaks the line; the extra point at n draws the last step.
        values.push({
          kind: "measure",
          panel,
          method,
          x: i,
          y: r?.value ?? null,
          lo: r ? band(r, -1) : null,
          hi: r ? band(r, 1) : null,
        });
      }
    }
    values.push({ kind: "reference", panel });
    values.push(...factorLines(data, { panel, lo, hi }));
  }
  return { values, panels, lo, hi };
}

/** The factors' step lines and labels of one panel, below the measure's range [lo, hi]. */
function factorLines(data: StudyData, o: { panel: string; lo: number; hi: number }) {
  const order = data.loop.order, n = order.length;
  const range = o.hi - o.lo, band = 0.16 * range, gap = 0.1 * range;
  const values: Record<string, unknown>[] = [];
  data.loop.factors.forEach((f, k) => {
    const base = o.lo - gap - (k + 1) * (band + gap) + gap;
    for (let i = 0; i <= n; i++) {
      const c = order[Math.min(i, n - 1)];
      const j = f.levels.findIndex((v) => same(v, c.params[f.name]));
      values.push({
        kind: "factor",
        panel: o.panel,
        factor: f.name,
        x: i,
        y: base + band * j / (f.levels.length - 1),
      });
    }
    values.push({
      kind: "label",
      panel: o.panel,
      x: 0.05,
      y: base + band + gap * 0.45,
      text: `${f.name}: ${f.levels.map(String).join(", ")}`,
    });
  });
  return values;
}

/**
 * The x axis (a label per condition: its factors' levels) and the y axis (ticks over the
 * measure's range [lo, hi], the factors' lines below it) of a nested-loop plot.
 */
function loopAxes(data: StudyData, o: NestedLoopOptions & { lo: number; hi: number }) {
  const range = o.hi - o.lo;
  const bottom = o.lo - 0.1 * range - data.loop.factors.length * 0.26 * range;
  const n = data.loop.order.length;
  const labels = data.loop.order.map((c) =>
    data.loop.factors.map((f) => String(c.params[f.name])).join(", ")
  );
  const long = Math.max(...labels.map((l) => l.length)) * n > 60;
  const x = {
    field: "x",
    type: "quantitative",
    scale: { domain: [0, n], nice: false },
    axis: {
      values: labels.map((_, i) => i + 0.5),
      labelExpr: `${JSON.stringify(labels)}[floor(datum.value)]`,
      labelAngle: long ? -45 : 0,
      // Every condition labelled: Vega would drop the ones it guesses overlap.
      labelOverlap: false,
      labelAlign: long ? "right" : "center",
      grid: false,
    },
    title: `condition (${data.loop.factors.map((f) => f.name).join(", ")}), nested-loop order`,
  } as const;
  const y = {
    field: "y",
    type: "quantitative",
    scale: { domain: [bottom, o.hi + 0.05 * range], nice: false, zero: false },
    axis: { values: niceTicks(o.lo, o.hi), format: o.percent ? "%" : undefined },
    title: o.yTitle,
  } as const;
  return { x, y };
}

/**
 * A nested-loop plot of `measures` (one measure of one parameter, faceted
 * by their `panel`): per method a step line over the conditions in
 * nested-loop order with a band of +-k MCSE, the reference value dashed,
 * the factors' levels as step lines underneath, and every condition's
 * factor levels as an x-axis label.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { nestedLoopSpec } from "./_nested_loop_chart.ts";
 * import { vegaLiteSvg } from "./_charts.ts";
 * import { readStudy } from "./_report_data.ts";
 * import { openStore } from "../store/store.ts";
 * const store = openStore(":memory:");
 * const conditions = [[5, 1], [5, 2], [10, 1], [10, 2]].map(([n, sd]) => ({
 *   condition: `n=${n};sd=${sd}`, params: { n, sd },
 * }));
 * store.registerConditions(conditions);
 * const data = { ...readStudy(store), methods: ["REML"] };
 * store.close();
 * const rows = conditions.map(({ condition }, i) => ({
 *   condition, method: "REML", parameter: "group1", interval: null,
 *   measure: "bias" as const, value: 0.1 * i, mcse: 0.05, panel: "bias",
 * }));
 * const svg = await vegaLiteSvg(nestedLoopSpec(rows, data, { yTitle: "bias", reference: 0, k: 2 }));
 * assert.match(svg, />10, 2</);
 * assert.match(svg, />condition \(n, sd\), nested-loop order</);
 * ```
 */
export function nestedLoopSpec(
  measures: readonly LoopRow[],
  data: StudyData,
  options: NestedLoopOptions,
): TopLevelSpec {
  const { values, panels, lo, hi } = loopValues(measures, data, options);
  const { x, y } = loopAxes(data, { ...options, lo, hi });
  // One legend of lines for every layer's colour and dash (the bands' would be pale squares).
  const legend = { symbolType: "stroke", symbolOpacity: 1, symbolStrokeWidth: 2 };
  const byMethod = {
    field: "method",
    type: "nominal",
    sort: data.methods,
    title: "method",
    legend,
  };
  const only = (kind: string) => [{ filter: `datum.kind === '${kind}'` }];
  return {
    config: { ...AXIS_CONFIG, legend: { ...AXIS_CONFIG.legend, orient: "top" } },
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
      width: Math.max(420, Math.min(560, data.loop.order.length * 40)),
      height: 260,
      layer: [
        {
          transform: only("measure"),
          mark: { type: "area", interpolate: "step-after", opacity: 0.15 },
          encoding: {
            x,
            y: { ...y, field: "lo" },
            y2: { field: "hi" },
            color: { ...byMethod, scale: { range: COLORS } },
          },
        },
        {
          transform: only("measure"),
          mark: { type: "line", interpolate: "step-after", strokeWidth: 2 },
          encoding: {
            x,
            y,
            color: { ...byMethod, scale: { range: COLORS } },
            // Dashes keep methods with equal values (REML and ANOVA when balanced) visible.
            strokeDash: { ...byMethod, scale: { range: [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3]] } },
          },
        },
        {
          transform: only("factor"),
          mark: { type: "line", interpolate: "step-after", color: "#777", strokeWidth: 1 },
          encoding: { x, y, detail: { field: "factor", type: "nominal" } },
        },
        {
          transform: only("label"),
          mark: { type: "text", align: "left", baseline: "middle", fontSize: 10, color: "#444" },
          encoding: { x, y, text: { field: "text", type: "nominal" } },
        },
        {
          transform: only("reference"),
          mark: { type: "rule", strokeDash: [4, 3], color: "#333" },
          encoding: { y: { datum: options.reference } },
        },
      ],
    },
  } as TopLevelSpec;
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
