/**
 * The sampling-distribution chart of the HTML report: per condition (a
 * row) and estimation method (a column) a histogram of the estimates on
 * the condition's common scale, with the share exactly at 0 (boundary
 * fits) drawn as a spike and printed, negative estimates of a variance
 * coloured apart, and the mean and true value as rules.
 *
 * @module
 */

import type { TopLevelSpec } from "../_deps/vega_lite.ts";
import { type EstimateRow, label, type StudyData } from "./_report_data.ts";
import { AXIS_CONFIG, TRUTH_COLOR } from "./_charts.ts";
import { type Bins, type Histogram, histogram, histogramBins } from "./_histogram.ts";

/** Bar colours by what the estimates are: of a variance, above, below and at 0. */
const KINDS = {
  variance: { domain: ["> 0", "< 0", "= 0 (boundary)"], range: ["#4c78a8", "#f58518", "#222"] },
  other: { domain: ["estimate"], range: ["#4c78a8"] },
};

/** Options of {@linkcode distributionSpec}. */
export interface DistributionOptions {
  /** Whether the parameter is a variance: negative and zero estimates are then set apart. */
  variance: boolean;
}

/**
 * Histograms of `estimates` (one parameter's), a row of one per method for
 * each condition in design order. The bins of a row are shared, with an
 * edge at 0; estimates far beyond its 0.1% and 99.5% quantiles are
 * counted above the panel, not drawn.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { distributionSpec } from "./_distribution_chart.ts";
 * import { vegaLiteSvg } from "./_charts.ts";
 * import { readStudy } from "./_report_data.ts";
 * import { openStore } from "../store/store.ts";
 * const store = openStore(":memory:");
 * store.registerConditions([{ condition: "n=5", params: { n: 5 } }]);
 * const data = { ...readStudy(store), methods: ["REML"] };
 * store.close();
 * const estimates = [0, 0, 0.5, 1, 1.5].map((estimate) => ({
 *   condition: "n=5", method: "REML", estimate, truth: 1,
 * }));
 * const svg = await vegaLiteSvg(distributionSpec(estimates, data, { variance: true }));
 * assert.match(svg, />40.0% at 0</);
 * ```
 */
export function distributionSpec(
  estimates: readonly EstimateRow[],
  data: StudyData,
  options: DistributionOptions,
): TopLevelSpec {
  const byCondition = new Map<string, Map<string, number[]>>();
  const truths = new Map<string, number>();
  for (const e of estimates) {
    let methods = byCondition.get(e.condition);
    if (!methods) byCondition.set(e.condition, methods = new Map());
    let xs = methods.get(e.method);
    if (!xs) methods.set(e.method, xs = []);
    xs.push(e.estimate);
    if (e.truth !== null) truths.set(e.condition, e.truth);
  }
  const methods = data.methods.filter((m) => estimates.some((e) => e.method === m));
  const width = Math.max(150, Math.min(260, Math.floor(880 / methods.length) - 30));
  const rows = data.conditionOrder.filter((c) => byCondition.has(c)).map((condition) => {
    const samples = methods.map((m) => (byCondition.get(condition)!.get(m) ?? []).sort(byValue));
    const truth = truths.get(condition) ?? null;
    const bins = histogramBins(samples, { truth });
    const histograms = samples.map((xs) => xs.length ? histogram(xs, bins) : null);
    const top = 100 * Math.max(0.001, ...histograms.flatMap((h) => h?.shares ?? [])) * 1.1;
    return {
      title: { text: label(condition), anchor: "start", fontSize: 12 },
      spacing: 14,
      hconcat: methods.map((method, k) =>
        panelSpec(histograms[k], {
          method,
          bins,
          truth,
          top,
          width,
          first: k === 0,
          variance: options.variance,
        })
      ),
    };
  });
  return {
    config: { ...AXIS_CONFIG, legend: { ...AXIS_CONFIG.legend, orient: "top" } },
    spacing: 16,
    vconcat: rows,
  } as unknown as TopLevelSpec;
}

/** The data of a layer drawn once. */
const ONE = { values: [{}] };

const byValue = (a: number, b: number) => a - b;

/** What a panel of {@linkcode distributionSpec} is drawn with, besides its histogram. */
interface PanelOptions {
  method: string;
  bins: Bins;
  truth: number | null;
  /** The top of the y axis, in percent: shared by the row. */
  top: number;
  width: number;
  /** Whether the panel is the row's first (which labels the y axis). */
  first: boolean;
  variance: boolean;
}

/** The x, y and colour encodings of a panel (x and y without their fields). */
function panelEncodings(o: PanelOptions) {
  const color = {
    field: "kind",
    type: "nominal",
    title: o.variance ? "estimates" : null,
    scale: o.variance ? KINDS.variance : KINDS.other,
    legend: o.variance ? { orient: "top" } : null,
  };
  const end = o.bins.start + o.bins.count * o.bins.width;
  const x = {
    type: "quantitative",
    scale: { domain: [o.bins.start, end], nice: false, zero: false },
    axis: { tickCount: 5, labelFlush: true },
    title: null,
  };
  const y = {
    type: "quantitative",
    scale: { domain: [0, o.top], nice: false },
    // A short title: a rotated one longer than the plot would push the panel's title up.
    axis: { tickCount: 3, labels: o.first, labelFlush: true, title: o.first ? "%" : null },
  };
  return { x, y, color };
}

/** One method's histogram in one condition; an empty panel when it has no estimates. */
function panelSpec(h: Histogram | null, o: PanelOptions): Record<string, unknown> {
  const { x, y, color } = panelEncodings(o);
  const bars = (h?.shares ?? []).flatMap((share, k) => {
    if (share === 0) return [];
    const x0 = o.bins.start + k * o.bins.width;
    const kind = !o.variance ? "estimate" : x0 < 0 ? "< 0" : "> 0";
    return [{ x0, x1: x0 + o.bins.width, y: 100 * share, kind }];
  });
  const layer: Record<string, unknown>[] = [{
    data: { values: bars },
    mark: { type: "rect", stroke: "white", strokeWidth: 0.3 },
    encoding: {
      x: { ...x, field: "x0" },
      x2: { field: "x1" },
      y: { ...y, field: "y" },
      y2: { datum: 0 },
      color,
    },
  }];
  if (h && o.variance && h.zero > 0) {
    // The point mass at 0, cut at the top of the plot (its share is in the subtitle).
    layer.push({
      data: { values: [{ y: Math.min(100 * h.zero, o.top), kind: "= 0 (boundary)" }] },
      mark: { type: "rule", strokeWidth: 3 },
      encoding: { x: { datum: 0 }, y: { ...y, field: "y" }, y2: { datum: 0 }, color },
    });
  }
  const rule = (at: number, mark: Record<string, unknown>) =>
    layer.push({
      data: ONE,
      mark: { type: "rule", ...mark },
      encoding: { x: { ...x, datum: at } },
    });
  if (h) rule(h.mean, { strokeDash: [4, 3], color: "black" });
  if (o.truth !== null) rule(o.truth, { color: TRUTH_COLOR, strokeWidth: 2 });
  return {
    title: {
      text: o.method,
      subtitle: h ? shares(h, o.variance) : "no estimates",
      anchor: "start",
      fontSize: 11,
      subtitleColor: "#333",
    },
    width: o.width,
    height: 70,
    layer,
  };
}

/** The panel's subtitle: the shares at 0, below 0 and off the scale, or a space. */
function shares(h: Histogram, variance: boolean): string {
  const p = (x: number) => `${(100 * x).toFixed(1)}%`;
  const parts = [
    variance && h.zero > 0 ? `${p(h.zero)} at 0` : "",
    variance && h.negative > 0 ? `${p(h.negative)} below 0` : "",
    h.beyond > 0 ? `${p(h.beyond)} off scale` : "",
  ].filter((s) => s !== "");
  return parts.length ? parts.join(" · ") : " ";
}
