// Rejection rates of tests (performanceMeasures) worked by hand on the tests store, and how
// every output shows them: terminal block, measures and long CSV, JSON, Markdown, HTML. A store
// without tests shows nothing about tests.
import assert from "node:assert";
import { parse } from "../../lib/_deps/csv_parse.ts";
import { performanceMeasures } from "../../lib/report/measures.ts";
import { type MeasureRow, TEST_MEASURES } from "../../lib/report/measure_row.ts";
import { terminalTable } from "../../lib/report/terminal_table.ts";
import {
  LONG_COLUMNS,
  longCsv,
  MEASURE_COLUMNS,
  measuresCsv,
} from "../../lib/report/export_csv.ts";
import { reportJson } from "../../lib/report/export_json.ts";
import { markdownReport } from "../../lib/report/export_markdown.ts";
import { htmlReport } from "../../lib/report/html.ts";
import { powerFactor, readStudy } from "../../lib/report/_report_data.ts";
import { NONCONVERGED_REP, PATTERNS, testsRecords, testsStore } from "./_tests_store.ts";
import { join } from "node:path";
import { fixedRecords, fixedStore } from "./_fixed_store.ts";
import { openStore, type ResultStore } from "../../lib/store/store.ts";
import { writeSchema1Store } from "../store/_records.ts";
import { tempDir } from "../_temp_dir.ts";

const measured = testsStore();
const rows = performanceMeasures(measured);
const excluded = performanceMeasures(measured, { nonconverged: "exclude" });
measured.close();

/** Runs `body` on a fresh tests store, closed afterwards. */
async function withStore(body: (store: ResultStore) => Promise<void> | void): Promise<void> {
  const store = testsStore();
  try {
    await body(store);
  } finally {
    store.close();
  }
}

const parseCsv = (text: string): Record<string, string>[] =>
  parse(text, { columns: true, skip_empty_lines: true });

function get(
  at: [condition: string, method: string, test: string],
  measure: string,
  from: readonly MeasureRow[] = rows,
): MeasureRow {
  const found = from.filter((r) =>
    r.condition === at[0] && r.method === at[1] && r.parameter === "group1" &&
    r.test === at[2] && r.measure === measure
  );
  assert.equal(found.length, 1, `${at.join(" ")} ${measure}`);
  return found[0];
}

function close(actual: number | null, expected: number, what: string): void {
  assert.ok(actual !== null, `${what}: got null, expected ${expected}`);
  assert.ok(Math.abs(actual - expected) <= 1e-15, `${what}: ${actual} vs ${expected}`);
}

/** Checks the four test measures of one group against hand-worked counts. */
function check(
  at: [string, string, string],
  expected: { tested: number; rejections: number; notOk: number; truth: number },
  from: readonly MeasureRow[] = rows,
): void {
  const { tested, rejections, notOk, truth } = expected;
  const rate = rejections / tested, attempted = 5;
  const rejection = get(at, "rejection", from);
  close(rejection.value, rate, `${at} rejection`);
  close(rejection.mcse, Math.sqrt(rate * (1 - rate) / tested), `${at} rejection MCSE`);
  assert.deepEqual([get(at, "tested", from).value, get(at, "tested", from).mcse], [tested, null]);
  assert.deepEqual([get(at, "rejections", from).value, get(at, "rejections", from).mcse], [
    rejections,
    null,
  ]);
  const share = notOk / attempted;
  close(get(at, "not_ok_rate", from).value, share, `${at} not ok`);
  close(get(at, "not_ok_rate", from).mcse, Math.sqrt(share * (1 - share) / attempted), `${at}`);
  for (const measure of TEST_MEASURES) {
    const r = get(at, measure, from);
    assert.deepEqual([r.interval, r.truth, r.kind], [null, truth, truth === 0 ? "size" : "power"]);
  }
}

Deno.test("rejection rates, counts and not-ok shares match the hand computation", () => {
  // sd=0;n=5 REML lrt RAAAU: 1 of 4 ok tests rejects, MCSE sqrt(.25 .75 / 4) = 0.2165; the
  // undefined test is 1 of 5 replicates not ok (MCSE sqrt(.2 .8 / 5) = 0.1789). A size.
  check(["sd=0;n=5", "REML", "lrt"], { tested: 4, rejections: 1, notOk: 1, truth: 0 });
  close(get(["sd=0;n=5", "REML", "lrt"], "rejection").mcse, 0.21650635094610965, "A");
  close(get(["sd=0;n=5", "REML", "lrt"], "not_ok_rate").mcse, 0.17888543819998318, "A");
  // RRAAA: 2 of 5, MCSE sqrt(.4 .6 / 5) = 0.2191; none not ok.
  check(["sd=0;n=5", "REML", "rlrt"], { tested: 5, rejections: 2, notOk: 0, truth: 0 });
  close(get(["sd=0;n=5", "REML", "rlrt"], "rejection").mcse, 0.21908902300206645, "B");
  // sd=1;n=5 ML lrt RR-RA: the failed fit has no test, so 3 of 4 reject; 1 of 5 not ok. A power.
  check(["sd=1;n=5", "ML", "lrt"], { tested: 4, rejections: 3, notOk: 1, truth: 1 });
  // RRRRR: rate 1 with MCSE 0.
  check(["sd=1;n=5", "REML", "rlrt"], { tested: 5, rejections: 5, notOk: 0, truth: 1 });
  assert.equal(get(["sd=1;n=5", "REML", "rlrt"], "rejection").mcse, 0);
  // sd=0.5;n=10 REML lrt RRRA-: the failed replicate is attempted, not tested.
  check(["sd=0.5;n=10", "REML", "lrt"], { tested: 4, rejections: 3, notOk: 1, truth: 0.25 });
  // sd=0.5;n=5 REML f RRAAF: the failed test is not ok; 2 of 4, MCSE sqrt(.5 .5 / 4) = 0.25.
  check(["sd=0.5;n=5", "REML", "f"], { tested: 4, rejections: 2, notOk: 1, truth: 0.25 });
  close(get(["sd=0.5;n=5", "REML", "f"], "rejection").mcse, 0.25, "F");
  // sd=0;n=10 ML lrt AAAAA: no rejection, MCSE 0.
  check(["sd=0;n=10", "ML", "lrt"], { tested: 5, rejections: 0, notOk: 0, truth: 0 });
});

Deno.test("a test never applicable gets no rows, nor does an untested parameter", () => {
  const tests = rows.filter((r) => r.test !== undefined);
  // 6 conditions x (REML lrt, rlrt, f + ML lrt, rlrt) x 4 measures; ML's f never applies.
  assert.equal(tests.length, 6 * 5 * 4);
  assert.equal(tests.some((r) => r.method === "ML" && r.test === "f"), false);
  assert.equal(tests.some((r) => r.parameter === "Residual"), false);
  assert.ok(PATTERNS["sd=0;n=5"].ML.f === "NNNNN");
  // Within a group: estimator measures, then the wald interval's, then each test's in order.
  const group = rows.filter((r) =>
    r.condition === "sd=0;n=5" && r.method === "REML" && r.parameter === "group1"
  );
  const sequence = [...new Set(group.map((r) => r.test ?? r.interval ?? "estimator"))];
  assert.deepEqual(sequence, ["estimator", "wald", "lrt", "rlrt", "f"]);
  assert.deepEqual(
    group.filter((r) => r.test === "lrt").map((r) => r.measure),
    [...TEST_MEASURES],
  );
  // Only test rows carry test, truth and kind; the others are as before tests existed.
  for (const r of rows.filter((r) => r.test === undefined)) {
    assert.deepEqual(Object.keys(r), [
      "condition",
      "method",
      "parameter",
      "interval",
      "measure",
      "value",
      "mcse",
    ]);
  }
});

Deno.test("excluding non-converged fits leaves their tests out, as not ok", () => {
  assert.equal(NONCONVERGED_REP, 3);
  // REML sd=0;n=5 without rep 3: lrt R A A . U is 1 of 3, 2 of 5 not ok (MCSE sqrt(2/27)).
  check(["sd=0;n=5", "REML", "lrt"], { tested: 3, rejections: 1, notOk: 2, truth: 0 }, excluded);
  close(get(["sd=0;n=5", "REML", "lrt"], "rejection", excluded).mcse, Math.sqrt(2 / 27), "A'");
  // rlrt R R A . A: 2 of 4, 1 of 5 not ok.
  check(["sd=0;n=5", "REML", "rlrt"], { tested: 4, rejections: 2, notOk: 1, truth: 0 }, excluded);
  // ML converged: unchanged.
  check(["sd=0;n=10", "ML", "lrt"], { tested: 5, rejections: 0, notOk: 0, truth: 0 }, excluded);
});

Deno.test("the tests store round-trips its records", () =>
  withStore((store) => {
    const records = testsRecords();
    assert.deepStrictEqual([...store.iterateReplicates()], records);
    assert.ok(records[0].fits[0].parameters[0].tests?.length === 3);
  }));

Deno.test("terminal table: a tests block per condition, then one legend", () => {
  const text = terminalTable(rows);
  for (const line of text.split("\n")) assert.ok(line.length <= 100, `${line.length}: ${line}`);
  assert.match(
    text,
    /^ {2}tests +parameter +test +truth +kind +n +reject % \(MCSE\) +not ok%$/m,
  );
  // sd=0;n=5: 25.0 (21.7) of 4, 20% not ok; the block follows the coverage block.
  const first = text.slice(0, text.indexOf("sd=0.5;n=5"));
  assert.match(first, /^ {2}REML +group1 +lrt +0 +size +4 +25\.0 \(21\.7\) +20\.0$/m);
  assert.match(first, /^ {2}REML +group1 +rlrt +0 +size +5 +40\.0 \(21\.9\) +0\.0$/m);
  assert.ok(first.indexOf("  method  parameter  interval") > 0);
  assert.ok(first.indexOf("  method  parameter  interval") < first.indexOf("  tests"));
  assert.match(text, /^ {2}ML +group1 +lrt +1 +power +4 +75\.0 \(21\.7\) +20\.0$/m);
  assert.match(text, /^ {2}REML +group1 +lrt +0\.25 +power +4 +75\.0 \(21\.7\) +20\.0$/m);
  assert.equal(text.match(/^ {2}tests /gm)?.length, 6);
  assert.equal(text.split("tests: reject % of the n ok tests").length, 2);
});

Deno.test("measures CSV: test, truth and kind after interval; long CSV: per-test columns", () =>
  withStore((store) => {
    const csv = parseCsv(measuresCsv(store, rows));
    assert.deepEqual(Object.keys(csv[0]), [
      "sd",
      "n",
      ...MEASURE_COLUMNS.slice(0, 4),
      "test",
      "truth",
      "kind",
      ...MEASURE_COLUMNS.slice(4),
    ]);
    assert.equal(csv.length, rows.length);
    const lrt = csv.filter((r) =>
      r.condition === "sd=0;n=5" && r.method === "REML" && r.test === "lrt"
    );
    assert.deepEqual(lrt.map((r) => [r.sd, r.n, r.interval, r.truth, r.kind, r.measure, r.value]), [
      ["0", "5", "NA", "0", "size", "rejection", "0.25"],
      ["0", "5", "NA", "0", "size", "tested", "4"],
      ["0", "5", "NA", "0", "size", "rejections", "1"],
      ["0", "5", "NA", "0", "size", "not_ok_rate", "0.2"],
    ]);
    assert.equal(Number(lrt[0].mcse), Math.sqrt(3 / 64));
    const bias = csv.find((r) => r.measure === "bias")!;
    assert.deepEqual([bias.test, bias.truth, bias.kind], ["NA", "NA", "NA"]);

    const long = parseCsv([...longCsv(store)].join(""));
    const columns = (t: string) =>
      ["statistic", "p_value", "reject", "status"].map((c) => `test_${t}_${c}`);
    assert.deepEqual(Object.keys(long[0]), [
      "sd",
      "n",
      ...LONG_COLUMNS,
      "wald_lower",
      "wald_upper",
      "wald_status",
      ...columns("lrt"),
      ...columns("rlrt"),
      ...columns("f"),
    ]);
    // 30 replicates x 2 methods x 2 parameters.
    assert.equal(long.length, 30 * 2 * 2);
    const reml = long.filter((r) =>
      r.condition === "sd=0;n=5" && r.method === "REML" && r.parameter === "group1"
    );
    assert.deepEqual(reml.map((r) => r.test_lrt_reject), ["1", "0", "0", "0", "NA"]);
    assert.deepEqual(reml.map((r) => r.test_lrt_status), ["ok", "ok", "ok", "ok", "undefined"]);
    assert.deepEqual([reml[0].test_lrt_statistic, reml[0].test_lrt_p_value], ["6.5", "0.01"]);
    const residual = long.find((r) => r.parameter === "Residual")!;
    assert.deepEqual(columns("lrt").map((c) => residual[c]), ["NA", "NA", "NA", "NA"]);
    const ml = long.find((r) => r.method === "ML" && r.parameter === "group1")!;
    assert.equal(ml.test_f_status, "not-applicable");
  }));

Deno.test("JSON rows carry the test rows; Markdown a tests table per condition", () =>
  withStore((store) => {
    const json = JSON.parse(reportJson(store, rows));
    assert.deepEqual(json.rows, rows);
    assert.deepEqual(json.rows.find((r: MeasureRow) => r.measure === "rejection"), {
      condition: "sd=0;n=5",
      method: "REML",
      parameter: "group1",
      interval: null,
      test: "lrt",
      truth: 0,
      kind: "size",
      measure: "rejection",
      value: 0.25,
      mcse: Math.sqrt(3 / 64),
    });
    const md = markdownReport(store, rows);
    assert.match(
      md,
      /^\| method \| parameter \| test \| truth \| kind \| n \| reject % \(MCSE\) \| not ok % \|$/m,
    );
    assert.equal(md.match(/^\| method \| parameter \| test \|/gm)?.length, 6);
    assert.match(
      md,
      /^\| REML \| group1 \| lrt \| 0 \| size \| 4 \| 25\.0 \(21\.7\) \| 20\.0 \|$/m,
    );
    assert.match(md, /^\| ML \| group1 \| lrt \| 1 \| power \| 4 \| 75\.0 \(21\.7\) \| 20\.0 \|$/m);
    assert.match(md, /Tests: the rejection rate in percent of the n ok tests/);
  }));

Deno.test("HTML: a power-curve chart and a tests table for the tested parameter only", () =>
  withStore(async (store) => {
    const html = await htmlReport(store, rows, { generatedAt: new Date(0) });
    const sections = html.split("<section>").slice(1);
    const group1 = sections.find((s) => s.includes('id="p-group1"'))!;
    const residual = sections.find((s) => s.includes('id="p-Residual"'))!;
    assert.match(group1, /<h3>Tests: rejection rates<\/h3>/);
    assert.match(group1, /against the design factor <code>sd<\/code>/);
    assert.match(group1, /dashed line: alpha = 5%/);
    assert.doesNotMatch(residual, /Tests: rejection rates/);
    // The chart: an SVG after the heading, with the tests in its legend and percent axis.
    const chart = group1.slice(group1.indexOf("Tests: rejection rates"));
    const svg = chart.match(/<svg[\s>][\s\S]*?<\/svg>/)![0];
    for (const text of [">lrt<", ">rlrt<", ">f<", ">size<", ">power<", ">100%<", ">n=10<"]) {
      assert.ok(svg.includes(text), text);
    }
    const cells = ["sd=0, n=5", "REML", "lrt", "0", "size", "4"].map((c) => `<td>${c}</td>`);
    assert.ok(chart.includes(`${cells.join("")}<td>25.0 <span class="mcse">(21.7)</span></td>`));
    assert.match(html, /; tests lrt, rlrt, f at alpha 5%/);
    // One chart more than without tests: distribution, coverage, zip, 2 nested-loop, power.
    assert.equal((group1.match(/<svg[\s>]/g) ?? []).length, 6);
  }));

Deno.test("powerFactor: the factor that moves the truth, else the first that varies", () =>
  withStore((store) => {
    const data = readStudy(store);
    const truths = new Map(data.conditions.map((c) => [c.condition, Number(c.params.sd) ** 2]));
    assert.equal(powerFactor(data, truths), "sd");
    assert.equal(powerFactor(data, new Map(data.conditions.map((c) => [c.condition, 0]))), "sd");
    const byN = new Map(data.conditions.map((c) => [c.condition, Number(c.params.n)]));
    assert.equal(powerFactor(data, byN), "n");
    assert.equal(powerFactor({ ...data, loop: { ...data.loop, factors: [] } }, truths), null);
  }));

Deno.test("a store without tests shows nothing about tests in any output", async () => {
  const plain = fixedStore();
  try {
    const measures = performanceMeasures(plain);
    assert.equal(measures.some((r) => "test" in r || "truth" in r || "kind" in r), false);
    assert.doesNotMatch(terminalTable(measures), /tests|reject/);
    assert.ok(measuresCsv(plain, measures).startsWith(`a,${MEASURE_COLUMNS.join(",")}\n`));
    assert.doesNotMatch([...longCsv(plain)][0], /test_/);
    assert.doesNotMatch(markdownReport(plain, measures), /Tests|reject/);
    const html = await htmlReport(plain, measures, { generatedAt: new Date(0) });
    assert.doesNotMatch(html, /rejection|Tests:|; tests /);
  } finally {
    plain.close();
  }
});

Deno.test("a store of schema version 1 reports exactly as the same store written today", async () => {
  const dir = await tempDir({ prefix: "vcsim-schema1-" });
  try {
    const path = join(dir, "results.sqlite");
    const records = fixedRecords();
    const today = fixedStore();
    const manifest = today.readManifest()!;
    const conditions = today.conditions();
    writeSchema1Store(path, records, { manifest, conditions });
    const before = await Deno.readFile(path);
    const old = openStore(path, { readOnly: true });
    try {
      const expected = performanceMeasures(today);
      assert.deepEqual(performanceMeasures(old), expected);
      assert.equal(terminalTable(performanceMeasures(old)), terminalTable(expected));
      assert.equal(measuresCsv(old, expected), measuresCsv(today, expected));
      assert.deepEqual([...longCsv(old)], [...longCsv(today)]);
      assert.equal(markdownReport(old, expected), markdownReport(today, expected));
      // Vega numbers clip paths with a counter of the process: compare without the numbers.
      const html = async (store: ResultStore) =>
        (await htmlReport(store, expected, { generatedAt: new Date(0) }))
          .replace(/clip\d+/g, "clip");
      assert.equal(await html(old), await html(today));
    } finally {
      old.close();
      today.close();
    }
    assert.deepEqual(await Deno.readFile(path), before);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["results.sqlite"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
