// pairedComparisons (SQL aggregates) against hand computations on the comparisons store
// (_comparisons_store.ts), with the formulas of Morris, White & Crowther (2019, Statistics in
// Medicine 38:2074), Table 6: relative % increase in precision 100 (EmpSE_ref^2 / EmpSE^2 - 1)
// with MCSE 200 (EmpSE_ref^2 / EmpSE^2) sqrt((1 - rho^2)/(n - 1)); differences of bias, MSE and
// coverage as means of the per-replicate differences d, MCSE sd(d)/sqrt(n) (sd with n - 1).
import assert from "node:assert";
import {
  type ComparisonOptions,
  type ComparisonRow,
  pairedComparisons,
} from "../../lib/report/paired_comparisons.ts";
import { performanceMeasures } from "../../lib/report/measures.ts";
import { ATTEMPTED_K1, comparisonStore, K0, K1 } from "./_comparisons_store.ts";
import { okFit, okReplicate } from "./_ok_records.ts";

const store = comparisonStore();
const rows = pairedComparisons(store);
const excluded = pairedComparisons(store, { nonconverged: "exclude" });
const byMl = pairedComparisons(store, { reference: "ML" });
const measures = performanceMeasures(store);
store.close();

/** The one row of `list` at condition, method, parameter, interval and measure. */
function get(
  at: [condition: string, method: string, parameter: string, interval: string | null],
  measure: string,
  list: readonly ComparisonRow[] = rows,
): ComparisonRow {
  const found = list.filter((r) =>
    r.condition === at[0] && r.method === at[1] && r.parameter === at[2] &&
    r.interval === at[3] && r.measure === measure
  );
  assert.equal(found.length, 1, `${at.join(" ")} ${measure}`);
  return found[0];
}

/** Asserts value, MCSE and n of a row to 1e-12 (nulls exactly). */
function expect(row: ComparisonRow, value: number | null, mcse: number | null, n: number) {
  const close = (a: number | null, b: number | null, what: string) => {
    if (a === null || b === null) assert.equal(a, b, what);
    else assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
  };
  close(row.value, value, `${row.method} ${row.parameter} ${row.measure} value`);
  close(row.mcse, mcse, `${row.method} ${row.parameter} ${row.measure} mcse`);
  assert.equal(row.n, n, `${row.method} ${row.parameter} ${row.measure} n`);
}

Deno.test("the reference is the first method; rows by condition position, method, parameter", () => {
  assert.ok(rows.every((r) => r.reference === "REML"));
  assert.ok(rows.every((r) => r.method !== "REML"));
  const groups = [...new Set(rows.map((r) => `${r.condition} ${r.method} ${r.parameter}`))];
  assert.deepEqual(groups, [
    "k=1 ML group1",
    "k=1 ML Residual",
    "k=1 ANOVA group1",
    "k=1 ANOVA Residual",
    "k=0 ML group1",
  ]);
  const first = rows.filter((r) =>
    r.method === "ML" && r.parameter === "group1" &&
    r.condition === "k=1"
  ).map((r) => `${r.interval ?? "-"} ${r.measure}`);
  assert.deepEqual(first, [
    "- relative_precision_increase",
    "- correlation",
    "- bias_difference",
    "- mse_difference",
    "wald coverage_difference",
    "wald coverage_defined_difference",
    "profile coverage_difference",
    "profile coverage_defined_difference",
  ]);
});

Deno.test("ML vs REML, group1: ML's failed fit of rep 4 drops that pair", () => {
  // Pairs: reps 0-3 (K1): ML x = 1, 3, 2, 5; REML y = 1, 2, 3, 4 (rep 4 has no ML estimate).
  assert.deepEqual([K1.ML.group1.slice(0, 4), K1.REML.group1.slice(0, 4)], [[1, 3, 2, 5], [
    1,
    2,
    3,
    4,
  ]]);
  // xbar = 11/4 = 2.75, ybar = 10/4 = 2.5. Centred x: -1.75, 0.25, -0.75, 2.25;
  // centred y: -1.5, -0.5, 0.5, 1.5.
  // Sxx = 3.0625 + 0.0625 + 0.5625 + 5.0625 = 8.75; Syy = 2.25 + 0.25 + 0.25 + 2.25 = 5;
  // Sxy = 2.625 - 0.125 - 0.375 + 3.375 = 5.5.
  // EmpSE_ref^2 / EmpSE^2 = Syy / Sxx = 5 / 8.75 = 4/7; value 100 (4/7 - 1) = -300/7.
  // rho = 5.5 / sqrt(8.75 * 5), rho^2 = 30.25 / 43.75 = 121/175, 1 - rho^2 = 54/175;
  // MCSE 200 (4/7) sqrt((54/175) / 3).
  const at = ["k=1", "ML", "group1", null] as [string, string, string, null];
  expect(
    get(at, "relative_precision_increase"),
    -300 / 7,
    200 * (4 / 7) * Math.sqrt(54 / 175 / 3),
    4,
  );
  expect(get(at, "correlation"), 5.5 / Math.sqrt(43.75), null, 4);
  // d = x - y = 0, 1, -1, 1: mean 0.25; centred -0.25, 0.75, -1.25, 0.75, squares
  // 0.0625 + 0.5625 + 1.5625 + 0.5625 = 2.75; MCSE sqrt(2.75 / (4 * 3)).
  // (ML's bias over its 4 reps is 0.75, REML's over the same reps 0.5: the difference 0.25.)
  expect(get(at, "bias_difference"), 0.25, Math.sqrt(2.75 / 12), 4);
  // (x - 2)^2 = 1, 1, 0, 9; (y - 2)^2 = 1, 0, 1, 4; d = 0, 1, -1, 5: mean 1.25; centred
  // -1.25, -0.25, -2.25, 3.75, squares 1.5625 + 0.0625 + 5.0625 + 14.0625 = 20.75.
  expect(get(at, "mse_difference"), 1.25, Math.sqrt(20.75 / 12), 4);
});

Deno.test("ANOVA vs REML, group1: perfectly correlated pairs give a precision MCSE of 0", () => {
  // Pairs: reps 0-4: x = -1, 1, 3, 5, 7 = 2 y - 3, y = 1, ..., 5. Centred x: -4, -2, 0, 2, 4
  // (Sxx 40); centred y: -2, -1, 0, 1, 2 (Syy 10); Sxy 20, rho = 20 / sqrt(400) = 1.
  // Value 100 (10/40 - 1) = -75; MCSE 200 (1/4) sqrt(0 / 4) = 0.
  const at = ["k=1", "ANOVA", "group1", null] as [string, string, string, null];
  expect(get(at, "relative_precision_increase"), -75, 0, 5);
  expect(get(at, "correlation"), 1, null, 5);
  // d = x - y = -2, -1, 0, 1, 2: mean 0, centred squares 10; MCSE sqrt(10 / (5 * 4)).
  expect(get(at, "bias_difference"), 0, Math.sqrt(10 / 20), 5);
  // (x - 2)^2 = 9, 1, 1, 9, 25; (y - 2)^2 = 1, 0, 1, 4, 9; d = 8, 1, 0, 5, 16: mean 6;
  // centred 2, -5, -6, -1, 10, squares 4 + 25 + 36 + 1 + 100 = 166.
  expect(get(at, "mse_difference"), 6, Math.sqrt(166 / 20), 5);
});

Deno.test("a parameter without a true value: precision and correlation only", () => {
  // Residual, truth null. ML = REML over reps 0-3 (1, 2, 3, 4): ratio 1, value 0, rho 1, MCSE 0.
  const ml = ["k=1", "ML", "Residual", null] as [string, string, string, null];
  expect(get(ml, "relative_precision_increase"), 0, 0, 4);
  expect(get(ml, "correlation"), 1, null, 4);
  // No true value: no bias or MSE, over the 0 pairs that have one.
  expect(get(ml, "bias_difference"), null, null, 0);
  expect(get(ml, "mse_difference"), null, null, 0);
  // ANOVA 5, 4, 3, 2, 1 against REML 1, ..., 5: Sxx = Syy = 10, Sxy = -10, rho = -1;
  // value 100 (10/10 - 1) = 0, MCSE 200 sqrt((1 - 1) / 4) = 0.
  const anova = ["k=1", "ANOVA", "Residual", null] as [string, string, string, null];
  expect(get(anova, "relative_precision_increase"), 0, 0, 5);
  expect(get(anova, "correlation"), -1, null, 5);
  assert.equal(rows.some((r) => r.parameter === "Residual" && r.interval !== null), false);
});

Deno.test("a method whose estimates do not vary has no relative precision", () => {
  // k=0: ML 2, 2 (Sxx 0) against REML 1, 3: the ratio Syy / Sxx is undefined, so is rho.
  assert.deepEqual([K0.ML, K0.REML], [[2, 2], [1, 3]]);
  const at = ["k=0", "ML", "group1", null] as [string, string, string, null];
  expect(get(at, "relative_precision_increase"), null, null, 2);
  expect(get(at, "correlation"), null, null, 2);
  // d = 1, -1: mean 0, centred squares 2; MCSE sqrt(2 / (2 * 1)) = 1.
  expect(get(at, "bias_difference"), 0, 1, 2);
  // (x - 2)^2 = 0, 0; (y - 2)^2 = 1, 1; d = -1, -1: mean -1, MCSE 0.
  expect(get(at, "mse_difference"), -1, 0, 2);
  assert.equal(rows.some((r) => r.condition === "k=0" && r.interval !== null), false);
});

Deno.test("coverage differences: over all attempted replicates and over defined pairs", () => {
  // k=1 has 6 attempted replicates (rep 5 failed before any fit: a miss for every method).
  assert.equal(ATTEMPTED_K1, 6);
  // Wald, codes of reps 0-4 (K1): REML HMMUH, ML HHHU-, ANOVA MHMHM.
  assert.deepEqual([K1.REML.wald, K1.ML.wald, K1.ANOVA.wald], ["HMMUH", "HHHU-", "MHMHM"]);
  // ML: indicators over reps 0-5: ML 1 1 1 0 0 0, REML 1 0 0 0 1 0; d = 0 1 1 0 -1 0:
  // mean 1/6; sum d^2 = 3, centred sum of squares 3 - 6 (1/6)^2 = 17/6; MCSE sqrt((17/6)/(6*5)).
  expect(
    get(["k=1", "ML", "group1", "wald"], "coverage_difference"),
    1 / 6,
    Math.sqrt(17 / 180),
    6,
  );
  // Both defined: reps 0, 1, 2 (rep 3 undefined on both, rep 4 ML failed): ML 1 1 1, REML 1 0 0;
  // d = 0 1 1: mean 2/3, centred squares 2 - 3 (2/3)^2 = 2/3; MCSE sqrt((2/3)/(3*2)) = 1/3.
  expect(get(["k=1", "ML", "group1", "wald"], "coverage_defined_difference"), 2 / 3, 1 / 3, 3);
  // ANOVA: 0 1 0 1 0 0 against 1 0 0 0 1 0; d = -1 1 0 1 -1 0: mean 0, squares 4;
  // MCSE sqrt(4 / 30).
  expect(get(["k=1", "ANOVA", "group1", "wald"], "coverage_difference"), 0, Math.sqrt(4 / 30), 6);
  // Both defined: reps 0, 1, 2, 4 (REML's rep 3 undefined): ANOVA 0 1 0 0, REML 1 0 0 1;
  // d = -1 1 0 -1: mean -1/4, centred squares 3 - 4/16 = 2.75; MCSE sqrt(2.75 / 12).
  expect(
    get(["k=1", "ANOVA", "group1", "wald"], "coverage_defined_difference"),
    -0.25,
    Math.sqrt(2.75 / 12),
    4,
  );
  // Profile: REML HHHHH, ML HHHH-: over 6, d = 0 0 0 0 -1 0: mean -1/6, centred squares
  // 1 - 1/6 = 5/6, MCSE sqrt((5/6) / 30) = 1/6; defined pairs reps 0-3, d all 0.
  expect(get(["k=1", "ML", "group1", "profile"], "coverage_difference"), -1 / 6, 1 / 6, 6);
  expect(get(["k=1", "ML", "group1", "profile"], "coverage_defined_difference"), 0, 0, 4);
  // Profile is not applicable to ANOVA in any replicate: no rows, as in the measures.
  assert.equal(rows.some((r) => r.method === "ANOVA" && r.interval === "profile"), false);
});

Deno.test("every coverage difference is the difference of the two coverage measures", () => {
  const coverage = (r: ComparisonRow, method: string) =>
    measures.find((m) =>
      m.condition === r.condition && m.method === method && m.parameter === r.parameter &&
      m.interval === r.interval && m.measure === "coverage"
    )!.value!;
  const differences = rows.filter((r) => r.measure === "coverage_difference");
  assert.equal(differences.length, 3);
  for (const r of differences) {
    assert.ok(Math.abs(r.value! - (coverage(r, r.method) - coverage(r, "REML"))) < 1e-15);
  }
});

Deno.test("nonconverged: exclude drops REML's non-converged rep 1 from the pairs", () => {
  // ML vs REML group1 without rep 1: x = 1, 2, 5, y = 1, 3, 4; d = 0, -1, 1: mean 0,
  // centred squares 2, MCSE sqrt(2 / (3 * 2)).
  const at = ["k=1", "ML", "group1", null] as [string, string, string, null];
  expect(get(at, "bias_difference", excluded), 0, Math.sqrt(2 / 6), 3);
  // REML's rep 1 profile interval (H) now counts as a miss: ML 1 1 1 1 0 0, REML 1 0 1 1 1 0;
  // d = 0 1 0 0 -1 0: mean 0, squares 2, MCSE sqrt(2 / 30). Defined pairs: reps 0, 2, 3.
  const profile = ["k=1", "ML", "group1", "profile"] as [string, string, string, string];
  expect(get(profile, "coverage_difference", excluded), 0, Math.sqrt(2 / 30), 6);
  expect(get(profile, "coverage_defined_difference", excluded), 0, 0, 3);
  // Under the default, rep 1 is a pair.
  assert.equal(get(at, "bias_difference").n, 4);
});

Deno.test("reference option: comparisons with ML mirror those with REML", () => {
  assert.ok(byMl.every((r) => r.reference === "ML" && r.method !== "ML"));
  const at = ["k=1", "REML", "group1", null] as [string, string, string, null];
  // Same pairs as ML vs REML, the roles swapped: ratio Sxx / Syy = 8.75 / 5 = 1.75, value 75,
  // MCSE 200 (1.75) sqrt((54/175) / 3); the differences change sign, MCSEs are the same.
  expect(
    get(at, "relative_precision_increase", byMl),
    75,
    200 * 1.75 * Math.sqrt(54 / 175 / 3),
    4,
  );
  expect(get(at, "bias_difference", byMl), -0.25, Math.sqrt(2.75 / 12), 4);
  expect(get(at, "mse_difference", byMl), -1.25, Math.sqrt(20.75 / 12), 4);
  // ANOVA vs ML: the pairs are reps 0-3 again (ML failed in rep 4).
  assert.equal(get(["k=1", "ANOVA", "group1", null], "bias_difference", byMl).n, 4);
});

Deno.test("bad options are errors naming the value", () => {
  const s = comparisonStore();
  try {
    assert.throws(() => pairedComparisons(s, { reference: "GLS" }), {
      name: "RangeError",
      message: 'reference is "GLS"; expected one of the store\'s methods: "REML", "ML", "ANOVA"',
    });
    assert.throws(
      () => pairedComparisons(s, { nonconverged: "skip" } as unknown as ComparisonOptions),
      { name: "TypeError", message: 'nonconverged is "skip"; expected "use" or "exclude"' },
    );
  } finally {
    s.close();
  }
});

Deno.test("a study with one method, or none stored, has no comparisons", () => {
  const one = comparisonStore(["REML"]);
  const none = comparisonStore([]);
  try {
    assert.deepEqual(pairedComparisons(one), []);
    assert.deepEqual(pairedComparisons(one, { reference: "REML" }), []);
    assert.deepEqual(pairedComparisons(none), []);
  } finally {
    one.close();
    none.close();
  }
});

Deno.test("a true value that differs between replicates judges each pair by its own", async () => {
  const { openStore } = await import("../../lib/store/store.ts");
  const own = openStore(":memory:");
  // Truth 1, 2, 1, 2; REML's interval [0.5, 1.5] covers it in reps 0 and 2, ML's [1.5, 2.5]
  // in reps 1 and 3: coverage 1/2 each, difference 0. Judged by one value per group (1 or
  // 2), the difference would be -1 or 1.
  const fit = (method: string, lower: number, truth: number) =>
    okFit(method, [{
      parameter: "g",
      truth,
      estimate: 1,
      se: null,
      intervals: [{ interval: "wald", lower, upper: lower + 1, status: "ok" as const }],
    }]);
  own.writeReplicates(
    [1, 2, 1, 2].map((truth, rep) =>
      okReplicate(rep, [fit("REML", 0.5, truth), fit("ML", 1.5, truth)])
    ),
  );
  const compared = pairedComparisons(own);
  own.close();
  const value = (measure: string) =>
    compared.find((r) => r.interval === "wald" && r.measure === measure)?.value;
  assert.deepEqual([value("coverage_difference"), value("coverage_defined_difference")], [0, 0]);
});
