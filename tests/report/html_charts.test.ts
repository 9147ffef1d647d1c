// The HTML report's charts on a store built by hand (boundaryStore): histograms show the share of
// estimates at 0 and below 0, zip plots cover every condition x method x interval method with
// undefined and clipped intervals marked on a sane axis, the coverage chart is as tall as its
// rows, nested-loop plots carry MCSE bands, relative bias and condition labels, and the tables
// give coverage in percent.
import assert from "node:assert";
import { BOUNDARY_CONDITIONS, BOUNDARY_REPS, boundaryStore } from "./_html_store.ts";
import { htmlReport } from "../../lib/report/html.ts";
import { performanceMeasures } from "../../lib/report/measures.ts";
import type { MeasureRow } from "../../lib/report/measure_row.ts";
import { readStudy } from "../../lib/report/_report_data.ts";
import { zipPanels } from "../../lib/report/_zip_data.ts";
import { zipDomain } from "../../lib/report/_zip_chart.ts";

let built: Promise<{ html: string; rows: MeasureRow[] }> | undefined;

/** The report of the boundary store and its measures, built once. */
function report(): Promise<{ html: string; rows: MeasureRow[] }> {
  built ??= (async () => {
    const store = boundaryStore();
    try {
      const rows = performanceMeasures(store);
      return { html: await htmlReport(store, rows, { generatedAt: new Date(0) }), rows };
    } finally {
      store.close();
    }
  })();
  return built;
}

/** The section of `parameter`. */
function section(html: string, parameter: string): string {
  const start = html.indexOf(`<h2 id="p-${parameter}">`);
  assert.ok(start > 0, parameter);
  return html.slice(start, html.indexOf("</section>", start));
}

/** The chart after the heading `heading` in `html`. */
function chart(html: string, heading: string): string {
  const start = html.indexOf(`<h3>${heading}</h3>`);
  assert.ok(start >= 0, heading);
  return html.slice(start).match(/<svg[\s>][\s\S]*?<\/svg>/)![0];
}

/** The texts of an SVG, a multi-line text's lines one by one. */
const texts = (svg: string) =>
  [...svg.matchAll(/<(?:text|tspan)\b[^>]*>([^<]+)</g)].map((m) => m[1]);

const count = (xs: string[], x: string) => xs.filter((y) => y === x).length;

const labels = BOUNDARY_CONDITIONS.map((c) => c.condition.replace(";", ", "));

Deno.test("sampling distributions: the share at 0 and below 0 of every condition x method", async () => {
  const { html } = await report();
  const svg = chart(section(html, "group1"), "Sampling distributions");
  const t = texts(svg);
  // REML is 0 and ANOVA negative in every fourth replicate; one subtitle per condition each.
  assert.equal(t.filter((s) => s.startsWith("25.0% at 0")).length, BOUNDARY_CONDITIONS.length);
  assert.equal(t.filter((s) => s.startsWith("25.0% below 0")).length, BOUNDARY_CONDITIONS.length);
  for (const label of labels) assert.equal(count(t, label), 1, label);
  for (const legend of ["&gt; 0", "&lt; 0", "= 0 (boundary)"]) assert.ok(t.includes(legend));
  // The boundary spike: a thick rule, one per REML panel.
  assert.equal(
    (svg.match(/<line\b[^>]*stroke="#222" stroke-width="3"/g) ?? []).length,
    BOUNDARY_CONDITIONS.length,
  );
  // Residual is a variance too, but never at or below 0.
  const residual = texts(chart(section(html, "Residual"), "Sampling distributions"));
  assert.ok(!residual.some((s) => / at 0| below 0/.test(s)));
});

Deno.test("zip plots: every condition x method x interval method, with the undefined and the clipped", async () => {
  const { html } = await report();
  const group1 = section(html, "group1");
  const svg = chart(group1, "Zip plots");
  const t = texts(svg);
  // 4 conditions x 2 methods panels per interval method, a block title per condition.
  assert.equal(count(t, "wald"), 8);
  assert.equal(count(t, "satterthwaite"), 8);
  for (const label of labels) assert.equal(count(t, label), 1, label);
  assert.equal(count(t, "REML"), 4);
  // Every tenth Satterthwaite interval undefined; another tenth reaches 1e9 and is clipped.
  assert.equal(count(t, "10% undefined"), 8);
  assert.ok(t.filter((s) => /^\d+(\.\d)?% clipped$/.test(s)).length >= 8);
  assert.ok(!t.some((s) => /e\+|,000,000/.test(s)), "no tick near 1e9");
  for (const legend of ["covers", "does not cover", "undefined or failed", "clipped limit"]) {
    assert.equal(count(t, legend), 1, legend);
  }
  assert.equal(count(t, "limits (group1)"), 8);
  // The legend is drawn above the panels, inside the chart: no mark beyond its width.
  const width = Number(svg.match(/<svg[^>]* width="([\d.]+)"/)![1]);
  assert.ok(width < 1000, `${width}`);
  // Residual has intervals but no zip plots by default, and says where they are.
  const residual = section(html, "Residual");
  assert.doesNotMatch(residual, /<h3>Zip plots<\/h3>/);
  assert.match(residual, /Zip plots are drawn for group1 \(option <code>zipParameters<\/code>\)/);
});

Deno.test("zip data: ranked by distance, undefined counted, axis clipped below absurd limits", () => {
  const store = boundaryStore();
  try {
    const panels = zipPanels(store, "group1", { maxIntervals: 1000 });
    assert.equal(panels.length, BOUNDARY_CONDITIONS.length * 2 * 2);
    const satterthwaite = panels.filter((p) => p.interval === "satterthwaite");
    for (const p of satterthwaite) {
      assert.equal(p.missing, BOUNDARY_REPS / 10);
      assert.equal(p.ranked.length, BOUNDARY_REPS - p.missing);
    }
    // Intervals that miss are ranked after those that cover.
    for (const p of panels) {
      const firstMiss = p.ranked.findIndex((r) => !r.covers);
      if (firstMiss >= 0) assert.ok(p.ranked.slice(firstMiss).every((r) => !r.covers));
    }
    for (const { condition } of BOUNDARY_CONDITIONS) {
      const [lo, hi] = zipDomain(panels.filter((p) => p.condition === condition));
      assert.ok(lo <= 0 && hi < 10, `${condition}: [${lo}, ${hi}]`);
    }
    // Fewer intervals when asked.
    assert.ok(
      zipPanels(store, "group1", { maxIntervals: 5 }).every((p) =>
        p.ranked.length + p.missing <= 5
      ),
    );
    assert.deepEqual(readStudy(store).variances, ["group1", "Residual"]);
  } finally {
    store.close();
  }
});

Deno.test("coverage chart: as tall as its rows", async () => {
  const { html } = await report();
  const svg = chart(section(html, "group1"), "Coverage");
  const height = Number(svg.match(/<svg[^>]* height="([\d.]+)"/)![1]);
  // 4 conditions x 2 interval methods at 11 px each, plus gaps, axis, headers and legend.
  assert.ok(height > 4 * 2 * 11 && height < 4 * (2 * 11 + 8) + 200, `${height} px`);
  assert.ok(texts(svg).includes("100%"));
  // The nominal level, dashed, in both methods' panels.
  assert.equal((svg.match(/<line\b[^>]*stroke-dasharray="4,3"/g) ?? []).length, 2);
});

Deno.test("nested-loop plots: relative bias when the truth varies, MCSE bands, condition labels", async () => {
  const { html } = await report();
  const group1 = section(html, "group1");
  assert.match(group1, /<h3>Nested-loop plot: relative bias<\/h3>/);
  const bias = chart(group1, "Nested-loop plot: relative bias");
  for (const label of ["5, 0.5", "5, 1", "10, 0.5", "10, 1"]) {
    assert.equal(count(texts(bias), label), 1, label);
  }
  assert.ok(texts(bias).includes("condition (n, sd), nested-loop order"));
  assert.ok(texts(bias).includes("0%"));
  // A band (area) per method under its step line.
  assert.equal((bias.match(/<path\b[^>]*opacity="0.15"/g) ?? []).length, 2);
  // Residual's truth is 1 everywhere: plain bias.
  assert.match(section(html, "Residual"), /<h3>Nested-loop plot: bias<\/h3>/);
  const coverage = chart(group1, "Nested-loop plot: coverage");
  // One panel per interval method, a band per method in each.
  assert.equal((coverage.match(/<path\b[^>]*opacity="0.15"/g) ?? []).length, 4);
});

Deno.test("tables: coverage and relative bias in percent", async () => {
  const { html, rows } = await report();
  const table = section(html, "group1").slice(section(html, "group1").indexOf("<table"));
  assert.ok(table.includes("<th>cover% wald</th><th>width wald</th>"));
  assert.ok(table.includes("<th>rel. bias%</th>"));
  const p = (x: number) => (100 * x).toFixed(1);
  for (const r of rows.filter((r) => r.parameter === "group1" && r.measure === "coverage")) {
    const cell = `<td>${p(r.value!)} <span class="mcse">(${p(r.mcse!)})</span></td>`;
    assert.ok(table.includes(cell), `${r.condition} ${r.method} ${r.interval}: ${cell}`);
  }
  assert.match(table, /cover% \(undefined intervals count as misses\)/);
});

Deno.test("the report needs no network: no address but the SVG namespaces", async () => {
  const { html } = await report();
  const addresses = html.replace(/xmlns(?::\w+)?="http:\/\/www\.w3\.org\/[^"]*"/g, "")
    .match(/https?:|\/\/[\w.-]+\.\w+\//g);
  assert.equal(addresses, null);
});
