/**
 * The coverage chart of the HTML report: per estimation method (a column)
 * the coverage of every interval method in every condition (a row band,
 * one line per interval method) with Monte Carlo error bars and the
 * nominal level, sized to its rows.
 *
 * @module
 */

import type { TopLevelSpec } from "../_deps/vega_lite.ts";
import type { MeasureRow } from "./measure_row.ts";
import { label, type StudyData } from "./_report_data.ts";
import { AXIS_CONFIG, COLORS } from "./_charts.ts";

/** Options of {@linkcode coverageSpec}. */
export interface CoverageOptions {
  /** The intervals' nominal level, drawn as a dashed rule. */
  nominal: number;
  /** Half-length of the error bars in Monte Carlo SEs. */
  k: number;
}

/** Pixels per interval method within a condition's band, and between bands. */
const LINE = 11, GAP = 8;

/**
 * Coverage per condition, method and interval method with error bars of
 * +-k MCSE; `coverage` are one parameter's `coverage` rows with a value.
 * Each condition gets a band of {@linkcode LINE} pixels per interval
 * method, so the chart is as tall as its rows need.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { coverageSpec } from "./_coverage_chart.ts";
 * import { vegaLiteSvg } from "./_charts.ts";
 * import { readStudy } from "./_report_data.ts";
 * import type { MeasureRow } from "./measure_row.ts";
 * import { openStore } from "../store/store.ts";
 * const store = openStore(":memory:");
 * store.registerConditions([{ condition: "n=5", params: { n: 5 } }]);
 * const data = { ...readStudy(store), methods: ["REML"], intervals: ["wald"] };
 * store.close();
 * const rows: MeasureRow[] = [{
 *   condition: "n=5", method: "REML", parameter: "group1", interval: "wald",
 *   measure: "coverage", value: 0.9, mcse: 0.01,
 * }];
 * const svg = await vegaLiteSvg(coverageSpec(rows, data, { nominal: 0.95, k: 1.96 }));
 * assert.match(svg, />n=5</);
 * assert.ok(Number(svg.match(/height="([\d.]+)"/)![1]) < 200);
 * ```
 */
export function coverageSpec(
  coverage: readonly MeasureRow[],
  data: StudyData,
  options: CoverageOptions,
): TopLevelSpec {
  const { nominal, k } = options;
  const values = coverage.map((r) => bar(r, k));
  const intervals = data.intervals.filter((i) => coverage.some((r) => r.interval === i));
  const methods = data.methods.filter((m) => coverage.some((r) => r.method === m));
  const conditions = data.conditionOrder.map(label).filter((c) =>
    values.some((v) => v.condition === c)
  );
  const references = methods.map((method) => ({ method, reference: true }));
  const min = Math.min(nominal, ...values.map((v) => v.lo));
  const domain = [Math.max(0, Math.floor((min - 0.02) * 20) / 20), 1];
  const step = LINE * intervals.length + GAP;
  const y = {
    field: "condition",
    type: "nominal",
    sort: conditions,
    title: null,
    scale: { paddingInner: GAP / step, paddingOuter: GAP / step / 2 },
    // Lines between the conditions' bands.
    axis: { labelLimit: 300, grid: true, bandPosition: 1, gridColor: "#bbb", tickBand: "extent" },
  } as const;
  const yOffset = { field: "interval", type: "nominal", sort: intervals } as const;
  const color = {
    field: "interval",
    type: "nominal",
    sort: intervals,
    title: "interval",
    scale: { range: COLORS },
  } as const;
  const x = {
    field: "lo",
    type: "quantitative",
    scale: { domain, clamp: true },
    axis: { format: "%", values: ticks(domain[0]) },
    title: "coverage",
  } as const;
  return {
    config: { ...AXIS_CONFIG, legend: { ...AXIS_CONFIG.legend, orient: "top" } },
    data: { values: [...values, ...references] },
    facet: {
      column: { field: "method", type: "nominal", sort: methods, title: "estimation method" },
    },
    spec: {
      width: Math.max(180, Math.min(300, Math.floor(900 / methods.length) - 20)),
      height: { step: LINE, for: "offset" },
      layer: [
        {
          transform: [{ filter: "!datum.reference" }],
          mark: { type: "rule", strokeWidth: 1.5 },
          encoding: { y, yOffset, x, x2: { field: "hi" }, color },
        },
        {
          transform: [{ filter: "!datum.reference" }],
          mark: { type: "point", filled: true, size: 28, opacity: 1 },
          encoding: { y, yOffset, x: { ...x, field: "coverage" }, color },
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

/** A coverage and its error bar of +-k MCSE, within [0, 1]. */
function bar(r: MeasureRow, k: number) {
  const v = r.value as number, m = r.mcse ?? 0;
  return {
    condition: label(r.condition),
    method: r.method,
    interval: r.interval,
    coverage: v,
    lo: Math.max(0, v - k * m),
    hi: Math.min(1, v + k * m),
  };
}

/** Tick values from `start` to 100%, every 10% (5% on a short axis). */
function ticks(start: number): number[] {
  const step = 1 - start > 0.35 ? 0.1 : 0.05;
  const values: number[] = [];
  for (let k = Math.ceil(start / step - 1e-9); k * step <= 1 + 1e-9; k++) {
    values.push(Number((k * step).toFixed(2)));
  }
  return values;
}
