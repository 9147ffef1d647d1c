// The terminal table of the fixed store (tests/report/_fixed_store.ts): the scale lines, one
// row of per-fit rates per method, coverage over all and over defined intervals with the
// undefined share and width, one number of decimals per column, 100 columns, flags; and the
// table of a store whose replicates all failed. Reference values are worked out by hand from the
// fixed store's records (its REML_GROUP1, REML_INTERCEPT, ANOVA_GROUP1 and A0_ESTIMATES), as
// tests/report/measures.test.ts checks them; each assertion says how.
import assert from "node:assert";
import { performanceMeasures } from "../../lib/report/measures.ts";
import { coverageOff, terminalTable } from "../../lib/report/terminal_table.ts";
import { failureSummary } from "../../lib/report/failure_summary.ts";
import type { MeasureName, MeasureRow } from "../../lib/report/measure_row.ts";
import { openStore } from "../../lib/store/store.ts";
import { fixedStore } from "./_fixed_store.ts";

const store = fixedStore();
const rows = performanceMeasures(store);
store.close();
const text = terminalTable(rows);

/** One block of a table: its header's column names and each row's cells. */
interface Block {
  names: string[];
  cells: string[][];
}

/** The runs of text of a line separated by two or more spaces, with where they start and end. */
const spans = (line: string) =>
  [...line.matchAll(/\S+(?: \S+)*/g)].map((m) => ({
    text: m[0],
    start: m.index!,
    end: m.index! + m[0].length,
  }));

/**
 * Parses a block of a table back into columns (cells are separated by two or more spaces and
 * have none inside) and asserts they line up: key columns (the first `keys`) start where their
 * header starts; in a value column every cell, its `*` mark aside, ends at the same place, and
 * at its header's end unless the column has marks (then one place before, where the mark goes).
 */
function parseBlock(lines: string[], keys: number): Block {
  const header = spans(lines[0]);
  const rows = lines.slice(1).map((line) => {
    const cells = spans(line);
    assert.equal(cells.length, header.length, `cells of ${line}`);
    return cells;
  });
  for (let c = 0; c < header.length; c++) {
    if (c < keys) {
      for (const r of rows) {
        assert.equal(r[c].start, header[c].start, `${header[c].text}: ${r[c].text}`);
      }
      continue;
    }
    const ends = new Set(rows.map((r) => r[c].text.endsWith("*") ? r[c].end - 1 : r[c].end));
    assert.equal(ends.size, 1, `${header[c].text} does not line up`);
    const marked = rows.some((r) => r[c].text.endsWith("*"));
    assert.equal([...ends][0], header[c].end - (marked ? 1 : 0), `${header[c].text} end`);
  }
  return { names: header.map((h) => h.text), cells: rows.map((r) => r.map((cell) => cell.text)) };
}

/** The lines of the first block after `condition`'s line whose header matches `start`. */
function blockLines(table: string, condition: string, start: RegExp): string[] {
  const lines = table.split("\n");
  const from = lines.findIndex((l) => l.startsWith(`${condition}  (`));
  const at = lines.findIndex((l, i) => i > from && start.test(l));
  assert.ok(from >= 0 && at > from, `no block ${start} in ${condition}`);
  const isHeader = (l: string) => /^ {2}(fits|method|tests) /.test(l);
  let end = at + 1;
  while (end < lines.length && /^ {2}\S/.test(lines[end]) && !isHeader(lines[end])) end++;
  return lines.slice(at, end);
}

/** Decimal places of each number in a cell (e-notation and `-` excluded). */
const decimals = (cell: string) =>
  [...cell.matchAll(/-?\d+(?:\.(\d+))?(?![\d.e])/g)].map((m) => m[1]?.length ?? 0);

/** Asserts every number in each value column of `block` has one number of decimals. */
function assertSameDecimals(block: Block, keys: number) {
  for (let c = keys; c < block.names.length; c++) {
    const seen = new Set(block.cells.flatMap((r) => decimals(r[c])));
    assert.ok(
      seen.size <= 1,
      `${block.names[c]}: decimals ${[...seen]} in ${block.cells.map((r) => r[c])}`,
    );
  }
}

Deno.test("terminal table: says once that variance components are variances, not SDs", () => {
  const lines = text.split("\n");
  assert.match(
    lines[0],
    /^estimates of group terms and Residual are variances \(not SDs\); fixed effects on the scale of y;$/,
  );
  assert.match(lines[1], /bias, SEs, RMSE and widths in the estimate's units; rates, coverage/);
  assert.equal(text.split("variances (not SDs)").length, 2);
  for (const line of lines) assert.ok(line.length <= 100, `${line.length}: ${line}`);
  assert.match(text, /^a=1 {2}\(5 replicates\)$/m);
  assert.match(text, /^a=0 {2}\(2 replicates\)$/m);
  assert.ok(!text.includes("\x1b["));
});

Deno.test("terminal table: failure, non-convergence and boundary rates once per fit", () => {
  // Per fit of a=1 (5 replicates, rep 4 failed before any fit): REML failed 1 of 5 (20%), rep
  // 1 did not converge (20%), rep 3 singular of 4 used (25%); ANOVA failed reps 2 and 4 (40%),
  // rep 3 negative, so singular, of 3 used (33.3%). a=0: both REML fits non-converged.
  const fits = parseBlock(blockLines(text, "a=1", /^ {2}fits /), 1);
  assert.deepEqual(fits.names, ["fits", "fail%", "nconv%", "bound%"]);
  assert.deepEqual(fits.cells, [
    ["REML", "20.0", "20.0", "25.0"],
    ["ANOVA", "40.0", "0.0", "33.3"],
  ]);
  assert.deepEqual(parseBlock(blockLines(text, "a=0", /^ {2}fits /), 1).cells, [
    ["REML", "0.0", "100.0", "0.0"],
  ]);
  // One fits block per condition, and no per-parameter rate columns.
  assert.equal(text.match(/bound%/g)?.length, 3); // 2 headers and the legend
  const estimates = parseBlock(blockLines(text, "a=1", /^ {2}method +parameter +bias/), 2);
  assert.deepEqual(estimates.names, [
    "method",
    "parameter",
    "bias (MCSE)",
    "rel bias% (MCSE)",
    "emp SE",
    "model SE",
    "RMSE",
  ]);
  assert.match(text, /^fits, one row per method \(a fit estimates all its parameters or none\)/m);
});

Deno.test("terminal table: coverage over all and over defined intervals, undefined share, width", () => {
  const block = parseBlock(blockLines(text, "a=1", /^ {2}method +parameter +interval/), 3);
  assert.deepEqual(block.names, [
    "method",
    "parameter",
    "interval",
    "cover%",
    "cover% def",
    "undef%",
    "width",
  ]);
  // REML group1 Wald over reps 0-4: [0.5, 2.5] covers 2, [1.0, 1.9] and [2.1, 3.0] miss, rep 2
  // undefined, rep 4 failed: 1 of 5 attempted (20.0%, MCSE sqrt(0.2 * 0.8 / 5) = 17.9), 1 of 3
  // defined (33.3%, sqrt((1/3)(2/3)/3) = 27.2), 2 of 5 undefined (40.0%, 21.9); widths 2.0, 0.9,
  // 0.9: mean 1.27, MCSE sd/sqrt(3) = 0.37. Both coverages are more than 2 MCSE from 95%.
  // Profile: [1, 3] and [1.9, 4] cover, rep 1 failed, rep 3 not applicable, rep 4 missing: 2 of
  // 5 (40.0%), 2 of 2 defined (100.0%, MCSE 0), 60.0% undefined; widths 2 and 2.1.
  // (Intercept) Wald (truth 0): [-0.1, 0.3], [-0.4, 0.0] and [-0.2, 0.2] cover, [0.1, 0.5]
  // misses: 3 of 5 (60.0%), 3 of 4 (75.0%, sqrt(0.75 * 0.25 / 4) = 21.7), width 0.4 always.
  assert.deepEqual(block.cells, [
    ["REML", "group1", "wald", "20.0 (17.9)*", "33.3 (27.2)*", "40.0 (21.9)", "1.27 (0.37)"],
    ["REML", "group1", "profile", "40.0 (21.9)*", "100.0 (0.0)*", "60.0 (21.9)", "2.05 (0.05)"],
    ["REML", "(Intercept)", "wald", "60.0 (21.9)", "75.0 (21.7)", "20.0 (17.9)", "0.40 (0.00)"],
  ]);
  assert.match(text, /^\*: coverage more than 2 MCSE from the nominal 95%$/m);
  assert.match(
    text,
    /cover% over all replicates \(an undefined, failed or missing\n {2}interval is a miss\)/,
  );
  assert.match(text, /cover% def over the defined ones, undef% share not defined/);
});

Deno.test("terminal table: one number of decimals per column, MCSE as its estimate's", () => {
  for (const condition of ["a=1", "a=0"]) {
    const estimates = parseBlock(blockLines(text, condition, /^ {2}method +parameter +bias/), 2);
    assertSameDecimals(estimates, 2);
    const intervals = parseBlock(
      blockLines(text, condition, /^ {2}method +parameter +interval/),
      3,
    );
    assertSameDecimals(intervals, 3);
  }
  // a=1: bias MCSEs 0.66, 0.10, 0.73, 0.44 (median 0.55: 2 decimals for 2 significant digits);
  // REML group1 bias (1.5 + 2.5 + 3.0 + 0.0)/4 - 2 = -0.25, relative -12.5%; empirical SEs
  // 1.323 to 0.208 (median about 1: 3 decimals for 3 significant digits), so 0.208, not 0.2082.
  const estimates = parseBlock(blockLines(text, "a=1", /^ {2}method +parameter +bias/), 2);
  assert.deepEqual(estimates.cells[0].slice(0, 5), [
    "REML",
    "group1",
    "-0.25 (0.66)",
    "-12.5 (33.1)",
    "1.323",
  ]);
  assert.deepEqual(estimates.cells[1].slice(2, 5), ["0.05 (0.10)", "-", "0.208"]);
});

/** Estimator rows of one condition with the empirical SEs of the example. */
function mixedMagnitudes(): MeasureRow[] {
  const base = { condition: "c", method: "REML", interval: null };
  const out: MeasureRow[] = [];
  // The issue "Reports a statistician trusts at a glance" quotes `3.15`, `0.762`, `0.4909` side
  // by side; their median 0.762 needs 3 decimals for 3 significant digits: 3.150 0.762 0.491.
  for (
    const [parameter, empSe] of [["group1", 3.15], ["Residual", 0.762], [
      "(Intercept)",
      0.4909,
    ]] as const
  ) {
    const row = (measure: MeasureName, value: number, mcse: number | null) => ({
      ...base,
      parameter,
      measure,
      value,
      mcse,
    });
    out.push(row("empirical_se", empSe, null), row("bias", empSe / 10, empSe / 20));
  }
  return out;
}

Deno.test("terminal table: mixed magnitudes share a column's decimals", () => {
  const block = parseBlock(blockLines(terminalTable(mixedMagnitudes()), "c", /^ {2}method /), 2);
  assert.deepEqual(block.cells.map((r) => r[4]), ["3.150", "0.762", "0.491"]);
  // Bias MCSEs 0.1575, 0.0381, 0.0245 (median 0.0381: 3 decimals for 2 significant digits).
  assert.deepEqual(block.cells.map((r) => r[2]), [
    "0.315 (0.158)",
    "0.076 (0.038)",
    "0.049 (0.025)",
  ]);
  assertSameDecimals(block, 2);
});

Deno.test("terminal table: colour replaces the marks; a wide block wraps within the width", () => {
  const colored = terminalTable(rows, { color: true });
  const red = "\x1b[1;31m", reset = "\x1b[0m";
  assert.match(
    colored,
    new RegExp(`${red.replace("[", "\\[")} *20\\.0 \\(17\\.9\\)${reset.replace("[", "\\[")}`),
  );
  assert.ok(!/\(17\.9\)\*/.test(colored));
  const long = "a-long-random-term:another-long-random-term"; // 43 characters
  const wide: MeasureRow[] =
    (["coverage", "coverage_defined", "undefined_rate", "mean_width"] as const)
      .map((measure) => ({
        condition: "c",
        method: "REML",
        parameter: long,
        interval: "satterthwaite",
        measure,
        value: measure === "undefined_rate" ? 0 : 0.95,
        mcse: 0.007,
      }));
  const table = terminalTable(wide, { width: 100 });
  for (const line of table.split("\n")) assert.ok(line.length <= 100, `${line.length}: ${line}`);
  assert.ok(table.split("\n").filter((l) => l.startsWith("  method  parameter")).length >= 2);
  assert.ok(!table.includes("*"));
});

Deno.test("terminal table: a rate that differed between parameters of a fit shows its range", () => {
  const rate = (parameter: string, value: number): MeasureRow => ({
    condition: "c",
    method: "REML",
    parameter,
    interval: null,
    measure: "boundary_rate",
    value,
    mcse: null,
  });
  const block = parseBlock(
    blockLines(terminalTable([rate("g", 0), rate("h", 0.25)]), "c", /^ {2}fits/),
    1,
  );
  assert.deepEqual(block.cells, [["REML", "-", "-", "0.0-25.0"]]);
});

Deno.test("terminal table: a store whose replicates all failed lists the failures", () => {
  const failed = openStore(":memory:");
  try {
    failed.writeReplicates([0, 1, 2].map((rep) => ({
      condition: "n=4",
      rep,
      status: "error" as const,
      message: `generator failed (replay key 'n=4:${rep}')`,
      generateMs: 0,
      totalMs: 0,
      fits: [],
    })));
    const measures = performanceMeasures(failed);
    assert.deepEqual(measures, []);
    const table = terminalTable(measures, {
      failures: failureSummary(failed),
      replay: (key) => `deno task study s.ts --replay '${key}'`,
    });
    // Three replicates, one message: a count, the message and the first replay key.
    assert.equal(
      table,
      "no estimates to report: every stored replicate, or every fit of it, failed\n" +
        "failures, stored with their messages:\n" +
        "  3 x generator failed; replay one with: deno task study s.ts --replay 'n=4:0'\n",
    );
    assert.doesNotMatch(table, /no replicates stored/);
  } finally {
    failed.close();
  }
  assert.equal(terminalTable([]), "no replicates stored\n");
});

Deno.test("coverageOff: outside nominal +- 2 MCSE", () => {
  const row = (value: number, mcse: number): MeasureRow => ({
    condition: "c",
    method: "REML",
    parameter: "p",
    interval: "wald",
    measure: "coverage",
    value,
    mcse,
  });
  assert.equal(coverageOff(row(0.93, 0.01), 0.95), false); // exactly 2 MCSE away
  assert.equal(coverageOff(row(0.929, 0.01), 0.95), true);
  assert.equal(coverageOff(row(1, 0), 0.95), true);
});
