// The paired comparisons in the terminal block, comparisons.csv, report.json and report.md, on
// the comparisons store (_comparisons_store.ts); the values are those worked by hand in
// paired_comparisons.test.ts.
import assert from "node:assert";
import { parse } from "../../lib/_deps/csv_parse.ts";
import { pairedComparisons } from "../../lib/report/paired_comparisons.ts";
import { performanceMeasures } from "../../lib/report/measures.ts";
import { comparisonTable } from "../../lib/report/comparison_table.ts";
import { COMPARISON_COLUMNS, comparisonsCsv } from "../../lib/report/export_csv.ts";
import { reportJson } from "../../lib/report/export_json.ts";
import { markdownReport } from "../../lib/report/export_markdown.ts";
import { htmlReport } from "../../lib/report/html.ts";
import type { ResultStore } from "../../lib/store/store.ts";
import { comparisonStore } from "./_comparisons_store.ts";

const parseCsv = (text: string): Record<string, string>[] =>
  parse(text, { columns: true, skip_empty_lines: true });

function withStore(methods: string[] | undefined, body: (store: ResultStore) => void) {
  const store = comparisonStore(methods);
  try {
    body(store);
  } finally {
    store.close();
  }
}

Deno.test("terminal block: per condition, digits fixed per column by its largest MCSE", () =>
  withStore(undefined, (store) => {
    const text = comparisonTable(pairedComparisons(store));
    // k=1 (paired_comparisons.test.ts): ML group1 precision -300/7 = -42.86 (MCSE 36.65),
    // corr 0.8315, bias 0.25 (0.4787), MSE 1.25 (1.315); ANOVA group1 -75 (0), corr 1, bias
    // 0 (sqrt(0.5) = 0.7071), MSE 6 (sqrt(8.3) = 2.881); Residual precision 0 (0), corr 1 and
    // -1. Decimals: 1 - floor(log10(largest MCSE)), i.e. 2 significant digits of it: precision
    // 36.65 -> 0, bias 0.7071 -> 2, MSE 2.881 -> 1; corr always 3. Coverage in percentage
    // points: wald ML 100/6 = 16.67 (30.73), ANOVA 0 (sqrt(4/30) = 36.51) -> 0 decimals;
    // profile ML -16.67 (16.67) -> 0 decimals.
    const k1 = [
      "k=1  (paired with REML)",
      "  method  parameter  n  rel. prec. % (MCSE)    corr  bias diff (MCSE)  MSE diff (MCSE)",
      "  ML      group1     4             -43 (37)   0.832       0.25 (0.48)        1.3 (1.3)",
      "  ML      Residual   4                0 (0)   1.000                 -                -",
      "  ANOVA   group1     5              -75 (0)   1.000       0.00 (0.71)        6.0 (2.9)",
      "  ANOVA   Residual   5                0 (0)  -1.000                 -                -",
      "  coverage diff %  (MCSE)     wald   profile",
      "  ML               group1  17 (31)  -17 (17)",
      "  ANOVA            group1   0 (37)         -",
      "",
    ];
    // k=0: precision undefined (ML does not vary); bias 0 (1), MSE -1 (0): no positive MCSE,
    // so the default 2 decimals; no intervals, so no coverage block.
    const k0 = [
      "k=0  (paired with REML)",
      "  method  parameter  n  rel. prec. % (MCSE)  corr  bias diff (MCSE)  MSE diff (MCSE)",
      "  ML      group1     2                    -     -         0.0 (1.0)     -1.00 (0.00)",
      "",
    ];
    assert.ok(text.startsWith([...k1, ...k0].join("\n") + "\n"), text);
    assert.match(text, /^paired: method - reference over the n replicates where both/m);
    assert.ok(text.endsWith("undefined or failed interval is a miss)\n"));
  }));

Deno.test("terminal block: interval columns wrap to the width; nothing without comparisons", () =>
  withStore(undefined, (store) => {
    const rows = pairedComparisons(store);
    // The coverage block is 42 characters wide: at width 40 profile goes to a block of its own.
    const narrow = comparisonTable(rows, { width: 40 });
    assert.match(narrow, /^ {2}coverage diff % {2}\(MCSE\) {5}wald$/m);
    assert.match(narrow, /^ {2}coverage diff % {2}\(MCSE\) {3}profile$/m);
    assert.equal(comparisonTable([]), "");
    assert.throws(() => comparisonTable(rows, { width: 0 }), {
      name: "RangeError",
      message: "width is 0; expected a positive number",
    });
  }));

Deno.test("comparisons CSV: factor columns, one row per comparison, values round-trip", () =>
  withStore(undefined, (store) => {
    const rows = pairedComparisons(store);
    const records = parseCsv(comparisonsCsv(store, rows));
    assert.deepEqual(Object.keys(records[0]), ["k", ...COMPARISON_COLUMNS]);
    assert.equal(records.length, rows.length);
    rows.forEach((r, i) => {
      const rec = records[i];
      assert.equal(rec.k, r.condition === "k=1" ? "1" : "0");
      assert.deepEqual(
        [rec.condition, rec.method, rec.reference, rec.parameter, rec.interval, rec.measure],
        [r.condition, r.method, r.reference, r.parameter, r.interval ?? "NA", r.measure],
      );
      assert.equal(rec.value === "NA" ? null : Number(rec.value), r.value);
      assert.equal(rec.mcse === "NA" ? null : Number(rec.mcse), r.mcse);
      assert.equal(Number(rec.n), r.n);
    });
    // ML vs REML group1 bias: 0.25 (MCSE sqrt(2.75/12)) over 4 pairs.
    const bias = records.find((r) => r.method === "ML" && r.measure === "bias_difference")!;
    assert.deepEqual([bias.value, bias.mcse, bias.n], ["0.25", String(Math.sqrt(2.75 / 12)), "4"]);
  }));

Deno.test("report.json gains the comparisons; report.md a table per condition", () =>
  withStore(undefined, (store) => {
    const measures = performanceMeasures(store);
    const rows = pairedComparisons(store);
    assert.deepEqual(JSON.parse(reportJson(store, measures)).comparisons, rows);
    // Given comparisons are written as they are; the rule reaches comparisons computed there.
    assert.deepEqual(JSON.parse(reportJson(store, measures, { comparisons: [] })).comparisons, []);
    const excluded = pairedComparisons(store, { nonconverged: "exclude" });
    assert.notDeepEqual(excluded, rows);
    assert.deepEqual(
      JSON.parse(reportJson(store, measures, { nonconverged: "exclude" })).comparisons,
      excluded,
    );
    const md = markdownReport(store, measures);
    assert.equal(md.match(/^Paired with REML:$/gm)?.length, 2);
    assert.match(
      md,
      /^\| method \| parameter \| n \| rel\. prec\. % \(MCSE\) \| corr \| bias diff \(MCSE\) \| MSE diff \(MCSE\) \| wald cov\. diff % \| profile cov\. diff % \|$/m,
    );
    // The cells of the terminal block (above), as a Markdown row.
    assert.match(
      md,
      /^\| ML \| group1 \| 4 \| -43 \(37\) \| 0\.832 \| 0\.25 \(0\.48\) \| 1\.3 \(1\.3\) \| 17 \(31\) \| -17 \(17\) \|$/m,
    );
    assert.match(md, /^\| ML \| group1 \| 2 \| - \| - \| 0\.0 \(1\.0\) \| -1\.00 \(0\.00\) \|$/m);
    assert.match(md, /Paired comparisons with the reference method \(method - reference/);
    // The k=1 comparisons come under the k=1 measures, before the k=0 heading.
    assert.ok(md.indexOf("Paired with REML:") < md.indexOf("## k=0"));
    assert.doesNotMatch(markdownReport(store, measures, { comparisons: [] }), /Paired/);
  }));

Deno.test("a study with one method shows no comparisons anywhere", () =>
  withStore(["REML"], (store) => {
    const measures = performanceMeasures(store);
    const rows = pairedComparisons(store);
    assert.deepEqual(rows, []);
    assert.equal(comparisonTable(rows), "");
    assert.equal(comparisonsCsv(store, rows), `k,${COMPARISON_COLUMNS.join(",")}\n`);
    assert.deepEqual(JSON.parse(reportJson(store, measures)).comparisons, []);
    assert.doesNotMatch(markdownReport(store, measures), /Paired|paired/);
  }));

Deno.test("report.html gains a paired-comparisons table per parameter, none with one method", async () => {
  const store = comparisonStore();
  try {
    const html = await htmlReport(store, performanceMeasures(store), {
      generatedAt: new Date(0),
    });
    assert.ok((html.match(/<h3>Paired comparisons with REML<\/h3>/g)?.length ?? 0) >= 1);
    // The cells of the terminal block (above), as a table row.
    assert.match(
      html,
      /<tr><td>k=1<\/td><td>ML<\/td><td>4<\/td><td>-43 \(37\)<\/td><td>0\.832<\/td><td>0\.25 \(0\.48\)<\/td>/,
    );
  } finally {
    store.close();
  }
  const one = comparisonStore(["REML"]);
  try {
    const html = await htmlReport(one, performanceMeasures(one), { generatedAt: new Date(0) });
    assert.doesNotMatch(html, /Paired comparisons/);
  } finally {
    one.close();
  }
});
