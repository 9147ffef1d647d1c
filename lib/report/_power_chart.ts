/**
 * The power-curve chart of the HTML report: rejection rates of the tests
 * of a variance component against the design factor that moves its true
 * value, with Monte Carlo bands and the tests' level.
 *
 * @module
 */

import type { TopLevelSpec } from "../_deps/vega_lite.ts";
import type { MeasureRow } from "./measure_row.ts";
import { label, powerFactor, type StudyData } from "./_report_data.ts";
import { AXIS_CONFIG, TEST_COLORS } from "./_charts.ts";

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
