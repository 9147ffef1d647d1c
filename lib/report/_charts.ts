/**
 * What the HTML report's charts share: their rendering to inline SVG, the
 * colours and axis style, and small numeric helpers. The charts themselves
 * are one file each (`_distribution_chart.ts`, `_coverage_chart.ts`,
 * `_zip_chart.ts`, `_nested_loop_chart.ts`, `_power_chart.ts`).
 *
 * @module
 */

import type { TopLevelSpec } from "../_deps/vega_lite.ts";

/**
 * A Vega-Lite specification rendered to an SVG string, headless (no canvas,
 * no DOM). Vega is loaded on the first call, not when vcsim is imported:
 * every worker process and study imports the library, and only reports draw.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { vegaLiteSvg } from "./_charts.ts";
 * const svg = await vegaLiteSvg({
 *   data: { values: [{ a: 1 }, { a: 2 }] },
 *   mark: "point",
 *   encoding: { x: { field: "a", type: "quantitative" } },
 * });
 * assert.match(svg, /^<svg/);
 * ```
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

export const COLORS = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#9d755d", "#e45756", "#72b7b2"];
export const TRUTH_COLOR = "#d62728";
// Studies may compare eight or more tests: three more colours, each test's colour and dash unique.
export const TEST_COLORS = [...COLORS, "#ff9da6", "#bab0ac", "#eeca3b"];

export const AXIS_CONFIG = {
  font: "sans-serif",
  // No ARIA labels on every mark: they would double the size of the page.
  aria: false,
  axis: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  view: { stroke: "#ddd" },
};

/** Renders charts, giving each SVG's ids a unique prefix so inline SVGs cannot clash. */
export class ChartSet {
  #count = 0;

  async add(spec: TopLevelSpec): Promise<string> {
    const prefix = `v${++this.#count}-`;
    const svg = await vegaLiteSvg(spec);
    return `<figure>${
      svg
        .replace(/^<\?xml[^>]*>\s*/, "")
        // Numbers in tags to 2 decimals, path coordinates to 1/10 pixel (text keeps its digits).
        .replace(/<[^>]+>/g, (tag) =>
          tag.replace(/ d="[^"]*"/, (d) =>
            d.replace(/(\d\.\d)\d+/g, "$1"))
            .replace(/(\d\.\d\d)\d+/g, "$1"))
        // Every view's empty, hidden foreground path.
        .replace(/<path class="foreground" aria-hidden="true" d=""[^>]*display="none"\/>/g, "")
        .replace(/\bid="([^"]+)"/g, `id="${prefix}$1"`)
        .replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`)
        .replace(/href="#([^"]+)"/g, `href="#${prefix}$1"`)
    }</figure>`;
  }
}

/**
 * The `p` quantile of `sorted` (ascending), linearly interpolated; NaN when empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { quantile } from "./_charts.ts";
 * assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
 * assert.ok(Number.isNaN(quantile([], 0.5)));
 * ```
 */
export function quantile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const i = Math.floor(h);
  return sorted[i] + (h - i) * ((sorted[Math.min(i + 1, sorted.length - 1)]) - sorted[i]);
}
