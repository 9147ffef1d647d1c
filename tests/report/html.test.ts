// htmlReport on a real two-factor study: self-contained (no network references, no scripts),
// every chart an inline SVG with marks, ids unique across the page, ADEMP header, sections.
import assert from "node:assert";
import { htmlFixture } from "./_html_store.ts";
import { htmlReport, vegaLiteSvg } from "../../lib/report/html.ts";
import { openStore } from "../../lib/store/store.ts";
import { performanceMeasures } from "../../lib/report/measures.ts";
import { measureTable } from "../../lib/report/_html_page.ts";
import { readStudy } from "../../lib/report/_report_data.ts";
import { fixedStore } from "./_fixed_store.ts";
import { storePath } from "../../lib/study/runner.ts";
import { reference } from "../study/_tiny.ts";

const PARAMETERS = ["group1", "group1:group2", "Residual", "(Intercept)"];

Deno.test("vegaLiteSvg renders a Vega-Lite spec headless", async () => {
  const svg = await vegaLiteSvg({
    data: { values: [{ a: 1, b: 2 }, { a: 2, b: 4 }] },
    mark: "line",
    encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
  });
  assert.match(svg, /^<svg[^>]*>/);
  assert.match(svg, /<path[^>]* d="M[^"]+"/);
});

Deno.test("htmlReport is one self-contained page with an SVG per chart", async () => {
  const { html } = await htmlFixture();
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /<\/html>\s*$/);
  // Nothing to fetch: no scripts, style sheets, fonts or images from anywhere.
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|@font-face/i);
  assert.doesNotMatch(html, /\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
  assert.doesNotMatch(html, /url\(\s*["']?(?:https?:)?\/\//i);
  // 4 parameters x (distribution, coverage, two nested-loop plots), and zip plots of the two
  // variance components other than Residual.
  const svgs = html.match(/<svg[\s>][\s\S]*?<\/svg>/g) ?? [];
  assert.equal(svgs.length, PARAMETERS.length * 4 + 2);
  for (const svg of svgs) assert.match(svg, /<(?:path|line|rect)\b[^>]*(?: d="M| x2=")/);
  // Ids of separate inline SVGs must not clash.
  const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length);
  for (const ref of html.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids.includes(ref[1]), ref[1]);
  assert.ok(html.length < 5e6, `${html.length} bytes`);
});

Deno.test("htmlReport has the ADEMP header and a section per parameter", async () => {
  const { html } = await htmlFixture();
  for (
    const text of [
      "Exercise the HTML report.",
      "Nested normal data, few groups.",
      "Bias and coverage with Monte Carlo SEs.",
      "<th>Seed</th><td>7</td>",
      "40 per condition; 200 stored",
      `deno ${Deno.version.deno}`,
      "Report generated</th><td>2024-01-01T00:00:00.000Z",
      "generate source",
    ]
  ) assert.ok(html.includes(text), text);
  for (const p of PARAMETERS) {
    const escaped = p.replace(/[()]/g, "\\$&");
    assert.match(html, new RegExp(`<h2 id="[^"]+">${escaped}</h2>`));
  }
  for (const heading of ["Sampling distributions", "Coverage", "Key measures"]) {
    assert.equal(html.split(`<h3>${heading}</h3>`).length - 1, PARAMETERS.length, heading);
  }
  assert.equal(html.split("<h3>Zip plots</h3>").length - 1, 2);
  // group1's true variance differs between conditions: its bias is relative.
  assert.equal(html.split("<h3>Nested-loop plot: bias</h3>").length - 1, PARAMETERS.length - 1);
  assert.equal(html.split("<h3>Nested-loop plot: relative bias</h3>").length - 1, 1);
  // Table: 5 conditions x 3 methods per parameter, coverage of both interval methods.
  const table = html.slice(html.indexOf('<table class="measures">'));
  assert.equal(table.slice(0, table.indexOf("</table>")).split("<tr><td>").length - 1, 15);
  assert.ok(table.includes("<th>cover% wald-log</th>"));
  assert.ok(table.includes("<th>fail%</th><th>nconv%</th>"));
  // The default rule, said under every parameter's table.
  const note = "Non-converged fits are used in the measures and counted in nconv%.";
  assert.equal(html.split(note).length - 1, PARAMETERS.length);
});

Deno.test("measureTable: rates in percent, and the notes say the rule", async () => {
  const store = fixedStore();
  try {
    const rows = performanceMeasures(store, { nonconverged: "exclude" });
    const table = measureTable(rows, readStudy(store), {
      parameter: "group1",
      nonconverged: "exclude",
    });
    // REML group1 of a=1 without its non-converged rep 1 (measures.test.ts): bias -0.5
    // (MCSE sqrt(0.75) = 0.866); 1 of 5 failed and 1 of 5 non-converged, 20.0% (MCSE 17.9).
    const mcse = (x: string) => `<span class="mcse">(${x})</span>`;
    assert.ok(
      table.includes(
        `<tr><td>a=1</td><td>REML</td><td>-0.5 ${mcse("0.866")}</td>`,
      ),
      table,
    );
    assert.ok(table.includes(`<td>20.0 ${mcse("17.9")}</td><td>20.0 ${mcse("17.9")}</td>`));
    // a=0: every fit non-converged, so nothing used; nconv% 100.
    assert.ok(table.includes(`<td>0.0 ${mcse("0.0")}</td><td>100.0 ${mcse("0.0")}</td>`));
    assert.match(
      table,
      /Non-converged fits are excluded from the measures \(as failures are\) and counted in nconv%\./,
    );
    const used = measureTable(performanceMeasures(store), readStudy(store), {
      parameter: "group1",
    });
    assert.match(used, /Non-converged fits are used in the measures and counted in nconv%\./);
    // htmlReport passes its option on to every table: group1's and (Intercept)'s.
    const page = await htmlReport(store, rows, { nonconverged: "exclude" });
    assert.equal(page.split("Non-converged fits are excluded from the measures").length - 1, 2);
    assert.doesNotMatch(page, /Non-converged fits are used/);
  } finally {
    store.close();
  }
});

Deno.test("htmlReport without measures or a second factor leaves those plots out", async () => {
  const { dir } = await reference("tiny");
  const store = openStore(storePath(dir, null));
  try {
    const bare = await htmlReport(store, []);
    assert.match(bare, /<h3>Sampling distributions<\/h3>/);
    assert.match(bare, /<h3>Zip plots<\/h3>/);
    assert.doesNotMatch(bare, /<h3>Coverage<\/h3>/);
    assert.match(bare, /Not recorded in the store\./);
    const full = await htmlReport(store, performanceMeasures(store), {
      maxIntervals: 5,
      zipParameters: ["Residual"],
      title: "Tiny & small",
    });
    assert.match(full, /<title>Tiny &amp; small<\/title>/);
    assert.match(full, /<h3>Coverage<\/h3>/);
    // One varying factor: no nested-loop plot.
    assert.doesNotMatch(full, /Nested-loop/);
    assert.match(full, /a column per interval method: up to 5 intervals/);
    assert.equal(full.split("<h3>Zip plots</h3>").length - 1, 1);
    assert.match(full, /Zip plots are drawn for Residual/);
  } finally {
    store.close();
  }
});
