// performanceMeasures (SQL aggregates) against the formulas of ALGORITHMS.md section 5
// (Morris, White & Crowther 2019, Table 6) worked by hand on the fixed store.
import assert from "node:assert";
import { performanceMeasures } from "../../lib/report/measures.ts";
import type { MeasureRow } from "../../lib/report/measure_row.ts";
import {
  ANOVA_GROUP1,
  ATTEMPTED,
  fixedStore,
  REML_GROUP1,
  REML_INTERCEPT,
} from "./_fixed_store.ts";

const store = fixedStore();
const rows = performanceMeasures(store);
store.close();

function get(
  condition: string,
  method: string,
  parameter: string,
  interval: string | null,
  measure: string,
): MeasureRow {
  const found = rows.filter((r) =>
    r.condition === condition && r.method === method && r.parameter === parameter &&
    r.interval === interval && r.measure === measure
  );
  assert.equal(found.length, 1, `${condition} ${method} ${parameter} ${interval} ${measure}`);
  return found[0];
}

function close(actual: number | null, expected: number | null, what: string): void {
  if (expected === null) {
    assert.equal(actual, null, what);
    return;
  }
  assert.ok(actual !== null, `${what}: got null, expected ${expected}`);
  assert.ok(
    Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected}`,
  );
}

function check(
  at: [string, string, string, string | null],
  measure: string,
  value: number | null,
  mcse: number | null,
): void {
  const row = get(...at, measure);
  close(row.value, value, `${at.join(" ")} ${measure} value`);
  close(row.mcse, mcse, `${at.join(" ")} ${measure} mcse`);
}

// Plain-arithmetic helpers, independent of the SQL.
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;
const ssAbout = (xs: number[], c: number) => sum(xs.map((x) => (x - c) ** 2));

Deno.test("estimator measures of REML group1 match the hand computation", () => {
  const at: [string, string, string, null] = ["a=1", "REML", "group1", null];
  const t = REML_GROUP1.estimate, theta = REML_GROUP1.truth, n = t.length;
  // Worked by hand: tbar = 7/4, deviations -.25 .75 1.25 -1.75, sum of squares 5.25.
  const tbar = 1.75, ss = 5.25;
  assert.equal(mean(t), tbar);
  assert.equal(ssAbout(t, tbar), ss);
  check(at, "attempted", ATTEMPTED, null);
  check(at, "used", 4, null);
  check(at, "failure_rate", 1 / 5, Math.sqrt(0.2 * 0.8 / 5));
  check(at, "boundary_rate", 1 / 4, Math.sqrt(0.25 * 0.75 / 4));
  check(at, "mean", tbar, Math.sqrt(ss / (n * (n - 1))));
  check(at, "bias", -0.25, Math.sqrt(5.25 / 12));
  check(at, "relative_bias", -0.25 / theta, Math.sqrt(5.25 / 12) / theta);
  const empSe = Math.sqrt(5.25 / 3);
  check(at, "empirical_se", empSe, empSe / Math.sqrt(2 * 3));
  // MSE: (t - 2)^2 = .25 .25 1 4, mean 1.375; sum((d^2 - 1.375)^2) = 9.5625.
  const mse = 1.375;
  const mseMcse = Math.sqrt(9.5625 / 12);
  check(at, "mse", mse, mseMcse);
  check(at, "rmse", Math.sqrt(mse), mseMcse / (2 * Math.sqrt(mse)));
  // Model SE over the 3 replicates with an SE: se^2 = .25 .49 .36.
  const se2 = [0.25, 0.49, 0.36], nSe = 3;
  const modSe = Math.sqrt(mean(se2));
  const varSe2 = ssAbout(se2, mean(se2)) / (nSe - 1);
  check(at, "model_se", modSe, Math.sqrt(varSe2 / (4 * nSe * modSe ** 2)));
  check(
    at,
    "relative_error_model_se",
    100 * (modSe / empSe - 1),
    100 * (modSe / empSe) * Math.sqrt(varSe2 / (4 * nSe * modSe ** 4) + 1 / (2 * (n - 1))),
  );
});

Deno.test("truth 0 leaves relative bias undefined; a failed fit counts as a failure", () => {
  const t = REML_INTERCEPT.estimate;
  const at: [string, string, string, null] = ["a=1", "REML", "(Intercept)", null];
  check(at, "bias", mean(t), Math.sqrt(ssAbout(t, mean(t)) / (4 * 3)));
  check(at, "relative_bias", null, null);
  // se all 0.1: Var(SE^2) = 0, so model SE has MCSE 0.
  check(at, "model_se", 0.1, 0);

  const a = ANOVA_GROUP1.estimate.filter((x): x is number => x !== null);
  const anova: [string, string, string, null] = ["a=1", "ANOVA", "group1", null];
  check(anova, "used", 3, null);
  // Failed fit (rep 2) and failed replicate (rep 4): 2 of 5.
  check(anova, "failure_rate", 2 / 5, Math.sqrt(0.4 * 0.6 / 5));
  check(anova, "boundary_rate", 1 / 3, Math.sqrt((1 / 3) * (2 / 3) / 3));
  check(anova, "bias", mean(a) - 2, Math.sqrt(ssAbout(a, mean(a)) / (3 * 2)));
  check(anova, "model_se", null, null);
  check(anova, "relative_error_model_se", null, null);
});

Deno.test("interval measures of REML group1 match the hand computation", () => {
  const wald: [string, string, string, string] = ["a=1", "REML", "group1", "wald"];
  // Wald: rep 0 [.5, 2.5] covers 2; rep 1 [1, 1.9] misses below; rep 2 undefined;
  // rep 3 [2.1, 3] misses above; rep 4 failed replicate. tbar 1.75 is in reps 0 and 1.
  const p = (k: number, n: number) => [k / n, Math.sqrt((k / n) * (1 - k / n) / n)] as const;
  check(wald, "coverage", ...p(1, 5));
  check(wald, "coverage_defined", ...p(1, 3));
  check(wald, "bias_eliminated_coverage", ...p(2, 5));
  check(wald, "miss_below", ...p(1, 5));
  check(wald, "miss_above", ...p(1, 5));
  check(wald, "undefined_rate", ...p(2, 5));
  check(wald, "defined", 3, null);
  const widths = (REML_GROUP1.wald.filter(Array.isArray) as [number, number][])
    .map(([l, u]) => u - l);
  assert.equal(widths.length, 3);
  check(
    wald,
    "mean_width",
    mean(widths),
    Math.sqrt(ssAbout(widths, mean(widths)) / 2) / Math.sqrt(3),
  );
  // (Intercept) Wald widths are all 0.4: the one-pass sum of squares cancels, the exact
  // recomputation gives an MCSE of exactly 0.
  const flat = (REML_INTERCEPT.wald as [number, number][]).map(([l, u]) => u - l);
  assert.deepEqual(flat, [0.4, 0.4, 0.4, 0.4]);
  check(["a=1", "REML", "(Intercept)", "wald"], "mean_width", 0.4, 0);
  // Profile: reps 0 and 2 cover; failed, not-applicable and missing are misses.
  const profile: [string, string, string, string] = ["a=1", "REML", "group1", "profile"];
  check(profile, "coverage", ...p(2, 5));
  check(profile, "coverage_defined", ...p(2, 2));
  check(profile, "undefined_rate", ...p(3, 5));
  check(profile, "mean_width", (2 + 2.1) / 2, Math.sqrt(0.005 / 1) / Math.sqrt(2));
});

Deno.test("coverage + miss below + miss above + undefined rate = 1 for every interval", () => {
  const groups = new Set(
    rows.filter((r) => r.interval !== null).map((r) =>
      JSON.stringify([r.condition, r.method, r.parameter, r.interval])
    ),
  );
  assert.ok(groups.size >= 3);
  for (const g of groups) {
    const at = JSON.parse(g) as [string, string, string, string];
    const total = ["coverage", "miss_below", "miss_above", "undefined_rate"]
      .map((m) => get(...at, m).value!).reduce((a, b) => a + b, 0);
    close(total, 1, g);
  }
});

Deno.test("rows: order by condition position, method and parameter as stored; no N/A rows", () => {
  const groups: string[] = [];
  for (const r of rows) {
    const g = `${r.condition} ${r.method} ${r.parameter} ${r.interval ?? "-"}`;
    if (groups.at(-1) !== g) groups.push(g);
  }
  assert.deepEqual(groups, [
    "a=1 REML group1 -",
    "a=1 REML group1 wald",
    "a=1 REML group1 profile",
    "a=1 REML (Intercept) -",
    "a=1 REML (Intercept) wald",
    "a=1 ANOVA group1 -",
    "a=1 ANOVA (Intercept) -",
    "a=0 REML group1 -",
    "a=0 REML group1 wald",
  ]);
  // 12 estimator measures per group, 8 per interval method.
  assert.equal(rows.length, 5 * 12 + 4 * 8);
  // Counts carry no MCSE.
  for (const r of rows.filter((r) => ["attempted", "used", "defined"].includes(r.measure))) {
    assert.equal(r.mcse, null);
  }
});

Deno.test("an empty store has no rows", async () => {
  const { openStore } = await import("../../lib/store/store.ts");
  const empty = openStore(":memory:");
  assert.deepEqual(performanceMeasures(empty), []);
  empty.close();
});
