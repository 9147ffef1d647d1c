/**
 * The zip-plot chart of the HTML report (Morris, White & Crowther 2019,
 * Fig. 5): for every condition a block of small multiples, one row per
 * estimation method and one column per interval method, each showing the
 * intervals ranked by how far the truth lies from them, coloured by
 * coverage, with undefined intervals as a grey band on top and limits
 * beyond the condition's common axis clipped and marked.
 *
 * @module
 */

import type { TopLevelSpec } from "../_deps/vega_lite.ts";
import { label, type StudyData } from "./_report_data.ts";
import type { ZipPanel } from "./_zip_data.ts";
import { AXIS_CONFIG, quantile, TRUTH_COLOR } from "./_charts.ts";

/** What a zip plot's marks show, with their colours. */
const KINDS = {
  domain: ["covers", "does not cover", "undefined or failed", "clipped limit"],
  range: ["#4c78a8", TRUTH_COLOR, "#c7c7c7", "#222"],
};

/** Options of {@linkcode zipSpec}. */
export interface ZipSpecOptions {
  /** The intervals' nominal level, drawn as a dashed rule at that centile. */
  nominal: number;
  /** The parameter's name, in the x-axis title. */
  parameter: string;
}

/**
 * Zip plots of every condition x method x interval method in `panels`
 * (one parameter's): a titled block per condition in design order, rows by
 * estimation method, columns by interval method, and an empty panel where
 * a method has no such intervals. The y axis is the fractional centile of
 * the rank among all attempted intervals, so the blue part ends at the
 * coverage; the x axis is shared within a condition ({@linkcode zipDomain}).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { zipSpec } from "./_zip_chart.ts";
 * import { vegaLiteSvg } from "./_charts.ts";
 * import { readStudy } from "./_report_data.ts";
 * import { openStore } from "../store/store.ts";
 * const store = openStore(":memory:");
 * store.registerConditions([{ condition: "n=5", params: { n: 5 } }]);
 * const data = { ...readStudy(store), methods: ["REML"], intervals: ["wald"] };
 * store.close();
 * const ranked = [{ lower: 0.5, upper: 1.5, covers: true }, { lower: 2, upper: 3, covers: false }];
 * const panels = [{ condition: "n=5", method: "REML", interval: "wald", truth: 1, ranked, missing: 2 }];
 * const svg = await vegaLiteSvg(zipSpec(panels, data, { nominal: 0.95, parameter: "group1" }));
 * assert.match(svg, />50% undefined</);
 * assert.match(svg, />limits \(group1\)</);
 * ```
 */
export function zipSpec(
  panels: readonly ZipPanel[],
  data: StudyData,
  options: ZipSpecOptions,
): TopLevelSpec {
  const find = new Map(
    panels.map((p) => [`${p.condition}\u0000${p.method}\u0000${p.interval}`, p]),
  );
  const methods = data.methods.filter((m) => panels.some((p) => p.method === m));
  const intervals = data.intervals.filter((i) => panels.some((p) => p.interval === i));
  const width = Math.max(110, Math.min(170, Math.floor(1000 / intervals.length) - 24));
  const blocks = data.conditionOrder.filter((c) => panels.some((p) => p.condition === c)).map(
    (condition) => {
      const mine = panels.filter((p) => p.condition === condition);
      const domain = zipDomain(mine);
      return {
        title: { text: label(condition), anchor: "start", fontSize: 12 },
        // A grid: columns line up across the rows whatever the titles' widths.
        columns: intervals.length,
        spacing: { row: 8, column: 10 },
        concat: methods.flatMap((method, row) =>
          intervals.map((interval, col) =>
            panelSpec(find.get(`${condition}\u0000${method}\u0000${interval}`), {
              method,
              interval,
              domain,
              width,
              first: col === 0,
              last: row === methods.length - 1,
              ...options,
            })
          )
        ),
      };
    },
  );
  return {
    config: {
      ...AXIS_CONFIG,
      legend: { ...AXIS_CONFIG.legend, orient: "top", labelLimit: 0 },
      title: { subtitleFontSize: 10 },
    },
    spacing: 22,
    vconcat: blocks,
  } as unknown as TopLevelSpec;
}

/**
 * The x range of one condition's zip plots, shared by its methods and
 * interval methods so that widths compare: from the truth or the upper
 * tertile over the plots of their lower limits' 1% quantiles (0 when that
 * is closer to 0 than a quarter of the range), to the truth or the lower
 * tertile of their upper limits' 99% quantiles, padded by 2%. A tertile
 * over the plots is not pulled out by the interval methods that give
 * absurd limits (an upper limit of 1e9) as long as they are fewer than two
 * thirds of the plots: their limits are clipped.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { zipDomain } from "./_zip_chart.ts";
 * const panel = (upper: number) => ({
 *   condition: "c", method: "REML", interval: "wald", truth: 1, missing: 0,
 *   ranked: [{ lower: 0.5, upper, covers: true }],
 * });
 * const [lo, hi] = zipDomain([panel(2), panel(3), panel(1e9), panel(2e9)]);
 * assert.ok(lo < 0 && lo > -0.1);
 * assert.ok(hi > 3 && hi < 3.1);
 * ```
 */
export function zipDomain(panels: readonly ZipPanel[]): [number, number] {
  const present = panels.filter((p) => p.ranked.length > 0);
  const truth = present[0]?.truth ?? panels[0]?.truth ?? 0;
  if (present.length === 0) return [truth - 1, truth + 1];
  const q = (xs: number[], p: number) => quantile(xs.sort(byValue), p);
  const lows = present.map((p) => q(p.ranked.map((r) => r.lower), 0.01));
  const highs = present.map((p) => q(p.ranked.map((r) => r.upper), 0.99));
  let lo = Math.min(truth, q(lows, 2 / 3));
  let hi = Math.max(truth, q(highs, 1 / 3));
  if (lo > 0 && lo < 0.25 * hi) lo = 0;
  if (!(hi > lo)) [lo, hi] = [lo - 0.5 * (Math.abs(lo) || 1), hi + 0.5 * (Math.abs(hi) || 1)];
  const pad = 0.02 * (hi - lo);
  return [lo - pad, hi + pad];
}

const byValue = (a: number, b: number) => a - b;

/** Intervals per zip plot up to which each is drawn as a bar (the plots are 100 px high). */
const BAR_LIMIT = 100;

/** One zip plot's marks: runs of ranked intervals, clipped-limit caps, the undefined band. */
function panelData(panel: ZipPanel, domain: [number, number]) {
  const [a, b] = domain;
  const total = panel.ranked.length + panel.missing;
  const step = 100 / total;
  const bands: Record<string, unknown>[] = [];
  let run = 0;
  // Few intervals: each a flat bar from the bottom to the top of its rank's band (two points,
  // a hair inside, so that Vega's sort by y cannot swap neighbours). Many: one point each, the
  // bands being thinner than a pixel.
  const ends = panel.ranked.length <= BAR_LIMIT ? [0.001, 0.999] : [0.5];
  panel.ranked.forEach((r, k) => {
    const kind = r.covers ? "covers" : "does not cover";
    if (k > 0 && panel.ranked[k - 1].covers !== r.covers) run++;
    const lo = Math.max(a, r.lower), hi = Math.min(b, r.upper);
    for (const e of ends) bands.push({ c: step * (k + e), lo, hi, kind, run });
  });
  const rects = [
    ...caps(panel.ranked.map((r) => r.upper > b), { x: [b - 0.04 * (b - a), b], step }),
    ...caps(panel.ranked.map((r) => r.lower < a), { x: [a, a + 0.04 * (b - a)], step }),
  ];
  if (panel.missing > 0) {
    rects.push({ x0: a, x1: b, y0: step * panel.ranked.length, y1: 100, kind: KINDS.domain[2] });
  }
  const clipped = panel.ranked.filter((r) => r.upper > b || r.lower < a).length;
  return { bands, rects, clipped, total };
}

/** Black caps at the edge `x` over each run of consecutive ranks whose limit is clipped. */
function caps(clipped: boolean[], o: { x: [number, number]; step: number }) {
  const rects: Record<string, unknown>[] = [];
  for (let k = 0; k < clipped.length; k++) {
    if (!clipped[k]) continue;
    const start = k;
    while (k + 1 < clipped.length && clipped[k + 1]) k++;
    const [x0, x1] = o.x;
    rects.push({ x0, x1, y0: o.step * start, y1: o.step * (k + 1), kind: KINDS.domain[3] });
  }
  return rects;
}

/** Where a zip plot sits in its condition's grid, and its axis. */
type PanelOptions = ZipSpecOptions & {
  method: string;
  interval: string;
  domain: [number, number];
  width: number;
  /** Whether in the first column (which labels the y axis with the method). */
  first: boolean;
  /** Whether in the last row (which titles the x axis). */
  last: boolean;
};

/** The x, y and colour encodings of a zip plot (x and y without their fields). */
function panelEncodings(o: PanelOptions) {
  const x = {
    type: "quantitative",
    scale: { domain: o.domain, nice: false, zero: false },
    axis: { tickCount: 4, labelFlush: true, labelOverlap: true },
    title: o.last ? `limits (${o.parameter})` : null,
  };
  const y = {
    type: "quantitative",
    scale: { domain: [0, 100], nice: false },
    axis: { values: [0, 50, 100], labels: o.first, labelFlush: true, grid: false },
    title: o.first ? o.method : null,
  };
  return { x, y, color: { field: "kind", type: "nominal", title: null, scale: KINDS } };
}

/** One zip plot, or an empty panel saying there are no such intervals. */
function panelSpec(panel: ZipPanel | undefined, o: PanelOptions): Record<string, unknown> {
  const size = { width: o.width, height: 100 };
  const title = { text: o.interval, fontSize: 11, limit: o.width + 20 };
  if (!panel) {
    return {
      title: { ...title, subtitle: ["no intervals", " "] },
      ...size,
      data: ONE,
      mark: { type: "text", color: "#888", text: "not applicable" },
      encoding: { x: { value: o.width / 2 }, y: { value: 50 } },
    };
  }
  const { x, y, color } = panelEncodings(o);
  const { bands, rects, clipped, total } = panelData(panel, o.domain);
  const p = (n: number) => {
    const share = 100 * n / total;
    return `${share >= 9.95 ? share.toFixed(0) : share.toFixed(1)}%`;
  };
  // Two lines on every panel, so that the plots of a row line up (and short ones: Vega,
  // measuring no text headless, would cut a long line).
  const notes = [
    panel.missing > 0 ? `${p(panel.missing)} undefined` : " ",
    clipped > 0 ? `${p(clipped)} clipped` : " ",
  ];
  const bandLayer = {
    data: { values: bands },
    mark: { type: "area", orient: "horizontal", opacity: 1 },
    encoding: {
      y: { ...y, field: "c" },
      x: { ...x, field: "lo" },
      x2: { field: "hi" },
      color,
      // One path per run of covering or missing intervals (a horizontal area is drawn in
      // the order of y). No order channel: it would group the points one by one.
      detail: { field: "run", type: "nominal" },
    },
  };
  const rectLayer = {
    data: { values: rects },
    mark: { type: "rect" },
    encoding: {
      x: { ...x, field: "x0" },
      x2: { field: "x1" },
      y: { ...y, field: "y0" },
      y2: { field: "y1" },
      color,
    },
  };
  const truth = { x: { ...x, datum: panel.truth } };
  const nominal = { y: { ...y, datum: 100 * o.nominal } };
  return {
    title: { ...title, subtitle: notes },
    ...size,
    layer: [
      bandLayer,
      rectLayer,
      { data: ONE, mark: { type: "rule", color: "black", strokeWidth: 1.5 }, encoding: truth },
      { data: ONE, mark: { type: "rule", color: "black", strokeDash: [4, 3] }, encoding: nominal },
    ],
  };
}

/** The data of a layer drawn once. */
const ONE = { values: [{}] };
