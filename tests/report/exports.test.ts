// Exports of the fixed store: CSV round trips through csv-parse, the long table's row count,
// JSON and Markdown contents.
import assert from "node:assert";
import { join } from "node:path";
import { parse } from "../../lib/_deps/csv_parse.ts";
import { performanceMeasures } from "../../lib/report/measures.ts";
import { longCsv, measuresCsv, writeLines } from "../../lib/report/export_csv.ts";
import { reportJson } from "../../lib/report/export_json.ts";
import { markdownReport } from "../../lib/report/export_markdown.ts";
import { fixedStore, REML_GROUP1 } from "./_fixed_store.ts";
import { tempDir } from "../_temp_dir.ts";

const parseCsv = (text: string): Record<string, string>[] =>
  parse(text, { columns: true, skip_empty_lines: true });

Deno.test("measures CSV: one row per measure, factor column, values round-trip", () => {
  const store = fixedStore();
  try {
    const rows = performanceMeasures(store);
    const records = parseCsv(measuresCsv(store, rows));
    assert.equal(records.length, rows.length);
    assert.deepEqual(Object.keys(records[0]), [
      "a",
      "condition",
      "method",
      "parameter",
      "interval",
      "measure",
      "value",
      "mcse",
    ]);
    rows.forEach((r, k) => {
      const rec = records[k];
      assert.equal(rec.a, r.condition === "a=1" ? "1" : "0");
      assert.deepEqual(
        [rec.condition, rec.method, rec.parameter, rec.interval, rec.measure],
        [r.condition, r.method, r.parameter, r.interval ?? "NA", r.measure],
      );
      assert.equal(rec.value === "NA" ? null : Number(rec.value), r.value);
      assert.equal(rec.mcse === "NA" ? null : Number(rec.mcse), r.mcse);
    });
  } finally {
    store.close();
  }
});

Deno.test("long CSV: a row per replicate x method x parameter, intervals as columns", async () => {
  const dir = await tempDir();
  const store = fixedStore();
  try {
    const path = join(dir, "replicates.csv");
    const lines = writeLines(path, longCsv(store));
    const records = parseCsv(await Deno.readTextFile(path));
    // a=1: 5 replicates x (REML, ANOVA) x (group1, (Intercept)); a=0: 2 x REML x group1.
    assert.equal(records.length, 5 * 2 * 2 + 2);
    assert.equal(lines, records.length + 1);
    assert.deepEqual(Object.keys(records[0]), [
      "a",
      "condition",
      "rep",
      "replicate_status",
      "method",
      "fit_status",
      "singular",
      "parameter",
      "truth",
      "estimate",
      "se",
      "wald_lower",
      "wald_upper",
      "wald_status",
      "profile_lower",
      "profile_upper",
      "profile_status",
    ]);
    const reml = records.filter((r) =>
      r.condition === "a=1" && r.method === "REML" && r.parameter === "group1"
    );
    assert.deepEqual(reml.map((r) => r.rep), ["0", "1", "2", "3", "4"]);
    assert.deepEqual(
      reml.map((r) => r.estimate),
      [...REML_GROUP1.estimate.map(String), "NA"],
    );
    assert.deepEqual(reml.map((r) => r.wald_status), ["ok", "ok", "undefined", "ok", "NA"]);
    assert.deepEqual([reml[1].wald_lower, reml[1].wald_upper], ["1", "1.9"]);
    assert.equal(reml[2].se, "NA");
    // The failed replicate keeps its truth and status, with missing estimates.
    assert.deepEqual([reml[4].replicate_status, reml[4].truth, reml[4].fit_status], [
      "error",
      "2",
      "NA",
    ]);
    const failedFit = records.find((r) => r.method === "ANOVA" && r.rep === "2")!;
    assert.deepEqual([failedFit.fit_status, failedFit.estimate], ["error", "NA"]);
    // REML rep 1 did not converge: status shown, estimate kept.
    assert.deepEqual([reml[1].fit_status, reml[1].estimate], ["nonconverged", "2.5"]);
    // Condition position first: a=1 before a=0.
    assert.equal(records.at(-1)!.condition, "a=0");
  } finally {
    store.close();
  }
});

Deno.test("JSON holds the manifest, conditions and rows; Markdown a table per condition", () => {
  const store = fixedStore();
  try {
    const rows = performanceMeasures(store);
    const json = JSON.parse(reportJson(store, rows));
    assert.equal(json.manifest.study, "fixed");
    assert.deepEqual(json.conditions.map((c: { condition: string }) => c.condition), [
      "a=1",
      "a=0",
    ]);
    assert.deepEqual(json.rows, rows);
    const md = markdownReport(store, rows);
    assert.match(md, /^# Study fixed$/m);
    assert.match(md, /^## a=1\n\na = 1; 5 replicates\.$/m);
    assert.match(
      md,
      /^\| method \| parameter \| fail% \| nconv% \| bias \(MCSE\) \| emp SE \| model SE \| RMSE \| wald cov\. % \| profile cov\. % \|$/m,
    );
    // REML group1 (measures.test.ts): 1 of 5 failed, 1 of 5 non-converged, bias -0.25 (MCSE
    // sqrt(5.25/12) = 0.661), Wald 1/5, profile 2/5 covered.
    assert.match(
      md,
      /^\| REML \| group1 \| 20\.0 \| 20\.0 \| -0\.25 \(0\.66\) \| 1\.323 \| .* \| 20\.0 \(17\.9\) \| 40\.0 \(21\.9\) \|$/m,
    );
    // ANOVA group1: 2 of 5 failed, none non-converged.
    assert.match(md, /^\| ANOVA \| group1 \| 40\.0 \| 0\.0 \| .* \| - \| - \|$/m);
    assert.equal(
      md.split("Non-converged fits are used in the measures and counted in nconv%.").length,
      2,
    );
    assert.doesNotMatch(md, /excluded/);
  } finally {
    store.close();
  }
});

Deno.test("Markdown says which rule on non-converged fits the measures used", () => {
  const store = fixedStore();
  try {
    const rows = performanceMeasures(store, { nonconverged: "exclude" });
    const md = markdownReport(store, rows, { nonconverged: "exclude" });
    assert.match(md, /Non-converged fits are excluded from the measures \(as failures are\)/);
    assert.doesNotMatch(md, /are used in the measures/);
    // REML group1 without rep 1 (measures.test.ts): bias -0.5 (MCSE sqrt(0.75) = 0.87),
    // Wald 1/5; the rates are unchanged.
    assert.match(md, /^\| REML \| group1 \| 20\.0 \| 20\.0 \| -0\.50 \(0\.87\) \| 1\.5 \| /m);
    assert.throws(
      // @ts-expect-error: not a rule
      () => markdownReport(store, rows, { nonconverged: "skip" }),
      { name: "TypeError", message: 'nonconverged is "skip"; expected "use" or "exclude"' },
    );
  } finally {
    store.close();
  }
});

Deno.test("measures CSV and JSON carry nonconvergence_rate rows", () => {
  const store = fixedStore();
  try {
    const rows = performanceMeasures(store);
    const csv = parseCsv(measuresCsv(store, rows))
      .filter((r) => r.measure === "nonconvergence_rate" && r.condition === "a=0");
    // a=0: both REML fits non-converged, rate 1 with MCSE 0 (measures.test.ts).
    assert.deepEqual(csv.map((r) => [r.method, r.parameter, r.value, r.mcse]), [
      ["REML", "group1", "1", "0"],
    ]);
    const json = JSON.parse(reportJson(store, rows)).rows as { measure: string }[];
    // 5 condition x method x parameter groups, one row each.
    assert.equal(json.filter((r) => r.measure === "nonconvergence_rate").length, 5);
  } finally {
    store.close();
  }
});
