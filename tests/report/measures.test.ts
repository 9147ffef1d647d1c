// performanceMeasures (SQL aggregates) against the formulas of ALGORITHMS.md section 5
// (Morris, White & Crowther 2019, Table 6) worked by hand on the fixed store.
import assert from "node:assert";
import { type MeasureOptions, performanceMeasures } from "../../lib/report/measures.ts";
import type { MeasureRow } from "../../lib/report/measure_row.ts";
import {
  A0_ESTIMATES,
  ANOVA_GROUP1,
  ATTEMPTED,
  fixedStore,
  REML_GROUP1,
  REML_INTERCEPT,
} from "./_fixed_store.ts";
import { okFit, okReplicate } from "./_ok_records.ts";

const store = fixedStore();
const rows = performanceMeasures(store);
const defaultRows = performanceMeasures(store, { nonconverged: "use" });
const excluded = performanceMeasures(store, { nonconverged: "exclude" });
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

/** {@linkcode get} on the rows computed with `nonconverged: "exclude"`. */
function getExcluded(at: [string, string, string, string | null], measure: string): MeasureRow {
  const found = excluded.filter((r) =>
    r.condition === at[0] && r.method === at[1] && r.parameter === at[2] &&
    r.interval === at[3] && r.measure === measure
  );
  assert.equal(found.length, 1, `${at.join(" ")} ${measure} (exclude)`);
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
  options: { exclude?: true } = {},
): void {
  const row = options.exclude ? getExcluded(at, measure) : get(...at, measure);
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
  // 13 estimator measures per group, 8 per interval method.
  assert.equal(rows.length, 5 * 13 + 4 * 8);
  // nonconvergence_rate comes right after failure_rate.
  const measures = rows.slice(0, 13).map((r) => r.measure);
  assert.equal(measures.indexOf("nonconvergence_rate"), measures.indexOf("failure_rate") + 1);
  // Counts carry no MCSE.
  for (const r of rows.filter((r) => ["attempted", "used", "defined"].includes(r.measure))) {
    assert.equal(r.mcse, null);
  }
});

Deno.test("nonconvergence_rate: non-converged fits of the method over attempted replicates", () => {
  // The fixed store: REML rep 1 of a=1 is non-converged (REML_GROUP1.converged), its ANOVA
  // fits all converged or failed; both REML fits of a=0 are non-converged.
  assert.deepEqual(REML_GROUP1.converged, [true, false, true, true]);
  const p = (k: number, n: number) => [k / n, Math.sqrt((k / n) * (1 - k / n) / n)] as const;
  // 1 of the 5 attempted replicates: 0.2 with MCSE sqrt(0.2 * 0.8 / 5) = 0.1789.
  check(["a=1", "REML", "group1", null], "nonconvergence_rate", ...p(1, ATTEMPTED));
  check(["a=1", "REML", "(Intercept)", null], "nonconvergence_rate", ...p(1, ATTEMPTED));
  check(["a=1", "ANOVA", "group1", null], "nonconvergence_rate", 0, 0);
  // 2 of 2: rate 1, MCSE sqrt(1 * 0 / 2) = 0.
  check(["a=0", "REML", "group1", null], "nonconvergence_rate", 1, 0);
  // Non-converged fits have estimates: they are not failures.
  check(["a=0", "REML", "group1", null], "failure_rate", 0, 0);
  check(["a=1", "REML", "group1", null], "failure_rate", ...p(1, ATTEMPTED));
});

Deno.test("nonconverged: use is the default; anything else is a TypeError naming it", () => {
  assert.deepEqual(defaultRows, rows);
  const empty = fixedStore();
  try {
    assert.throws(
      // @ts-expect-error: not a rule
      () => performanceMeasures(empty, { nonconverged: "drop" }),
      { name: "TypeError", message: 'nonconverged is "drop"; expected "use" or "exclude"' },
    );
  } finally {
    empty.close();
  }
});

Deno.test("exclude: REML group1 estimator measures as recomputed without rep 1", () => {
  const at: [string, string, string, null] = ["a=1", "REML", "group1", null];
  const kept = [0, 1, 2, 3].filter((k) => REML_GROUP1.converged[k]);
  assert.deepEqual(kept, [0, 2, 3]);
  const t = kept.map((k) => REML_GROUP1.estimate[k]), n = 3;
  // By hand: 1.5, 3.0, 0.0: tbar 1.5, deviations 0, 1.5, -1.5, sum of squares 4.5.
  assert.equal(mean(t), 1.5);
  assert.equal(ssAbout(t, 1.5), 4.5);
  const ex = { exclude: true } as const;
  check(at, "attempted", ATTEMPTED, null, ex);
  check(at, "used", n, null, ex);
  // Unchanged: rep 4 is still the only failure; rep 1 still counted as non-converged.
  check(at, "failure_rate", 1 / 5, Math.sqrt(0.2 * 0.8 / 5), ex);
  check(at, "nonconvergence_rate", 1 / 5, Math.sqrt(0.2 * 0.8 / 5), ex);
  // Singular: rep 3 of the 3 used.
  check(at, "boundary_rate", 1 / 3, Math.sqrt((1 / 3) * (2 / 3) / 3), ex);
  check(at, "mean", 1.5, Math.sqrt(4.5 / (3 * 2)), ex);
  check(at, "bias", -0.5, Math.sqrt(4.5 / (3 * 2)), ex);
  check(at, "relative_bias", -0.5 / 2, Math.sqrt(4.5 / 6) / 2, ex);
  check(at, "empirical_se", 1.5, 1.5 / Math.sqrt(2 * 2), ex);
  // MSE: (t - 2)^2 = .25, 1, 4, mean 1.75; sum((d^2 - 1.75)^2) = 2.25 + .5625 + 5.0625 = 7.875.
  check(at, "mse", 1.75, Math.sqrt(7.875 / (3 * 2)), ex);
  // Model SE over reps 0 and 3 (rep 2 has none): se^2 = .25, .36, mean .305, Var .00605.
  const modSe = Math.sqrt(0.305), varSe2 = (0.055 ** 2 * 2) / 1;
  check(at, "model_se", modSe, Math.sqrt(varSe2 / (4 * 2 * 0.305)), ex);
});

Deno.test("exclude: coverage and widths as recomputed without rep 1's intervals", () => {
  const p = (k: number, n: number) => [k / n, Math.sqrt((k / n) * (1 - k / n) / n)] as const;
  const ex = { exclude: true } as const;
  // REML group1 Wald without rep 1 ([1, 1.9], a miss below): rep 0 [.5, 2.5] covers 2 and
  // tbar 1.5; rep 2 undefined; rep 3 [2.1, 3] misses above; rep 4 failed. Rep 1 counts as
  // undefined, so coverage + misses + undefined is still 1.
  const wald: [string, string, string, string] = ["a=1", "REML", "group1", "wald"];
  check(wald, "coverage", ...p(1, 5), ex);
  check(wald, "coverage_defined", ...p(1, 2), ex);
  check(wald, "bias_eliminated_coverage", ...p(1, 5), ex);
  check(wald, "miss_below", ...p(0, 5), ex);
  check(wald, "miss_above", ...p(1, 5), ex);
  check(wald, "undefined_rate", ...p(3, 5), ex);
  check(wald, "defined", 2, null, ex);
  // Widths 2.0 and 0.9: mean 1.45, sum of squares 2 * 0.55^2 = 0.605.
  check(wald, "mean_width", 1.45, Math.sqrt(0.605 / 1) / Math.sqrt(2), ex);
  // (Intercept) Wald without rep 1 ([-.4, 0], covers 0): reps 0 and 3 cover, rep 2
  // [.1, .5] misses above: 2 of 5 (3 of 5 when used); widths all 0.4 (exact path: MCSE 0).
  const intercept: [string, string, string, string] = ["a=1", "REML", "(Intercept)", "wald"];
  check(intercept, "coverage", ...p(3, 5));
  check(intercept, "coverage", ...p(2, 5), ex);
  check(intercept, "coverage_defined", ...p(2, 3), ex);
  check(intercept, "miss_above", ...p(1, 5), ex);
  check(intercept, "mean_width", 0.4, 0, ex);
  // Profile of rep 1 failed anyway: unchanged, 2 of 5.
  check(["a=1", "REML", "group1", "profile"], "coverage", ...p(2, 5), ex);
  const t = [0, 2, 3].map((k) => REML_INTERCEPT.estimate[k]);
  check(
    ["a=1", "REML", "(Intercept)", null],
    "bias",
    mean(t),
    Math.sqrt(ssAbout(t, mean(t)) / 6),
    ex,
  );
});

Deno.test("exclude: a condition with no converged fit keeps its rows, with nothing used", () => {
  assert.equal(A0_ESTIMATES.length, 2);
  const ex = { exclude: true } as const;
  const at: [string, string, string, null] = ["a=0", "REML", "group1", null];
  check(at, "used", 0, null, ex);
  check(at, "failure_rate", 0, 0, ex);
  check(at, "nonconvergence_rate", 1, 0, ex);
  for (const m of ["mean", "bias", "empirical_se", "model_se", "mse", "boundary_rate"]) {
    check(at, m, null, null, ex);
  }
  // Both intervals excluded: every one of the 2 attempted is undefined, so a miss.
  const wald: [string, string, string, string] = ["a=0", "REML", "group1", "wald"];
  check(wald, "coverage", 0, 0, ex);
  check(wald, "undefined_rate", 1, 0, ex);
  check(wald, "defined", 0, null, ex);
  check(wald, "coverage_defined", null, null, ex);
  check(wald, "mean_width", null, null, ex);
});

Deno.test("exclude: same rows as use where every fit converged; both rates never change", () => {
  assert.equal(excluded.length, rows.length);
  const same = (r: MeasureRow) =>
    r.method === "ANOVA" ||
    ["attempted", "failure_rate", "nonconvergence_rate"].includes(r.measure);
  const pick = (list: MeasureRow[]) => list.filter(same);
  // Two ANOVA groups' 13 measures; the 3 rows of the three REML groups.
  assert.equal(pick(rows).length, 2 * 13 + 3 * 3);
  assert.deepEqual(pick(excluded), pick(rows));
  // Row order and keys are the same under both rules.
  const keys = (list: MeasureRow[]) =>
    list.map((r) => `${r.condition} ${r.method} ${r.parameter} ${r.interval} ${r.measure}`);
  assert.deepEqual(keys(excluded), keys(rows));
});

Deno.test("exclude: the exact width recomputation leaves non-converged fits out too", async () => {
  const { openStore } = await import("../../lib/store/store.ts");
  const small = openStore(":memory:");
  try {
    // Rep 0, non-converged, has width 1.0 and gives the width shift (measures.ts SHIFTS);
    // the converged reps 1-3 have widths 0.4, 0.4001, 0.4002, whose one-pass sum of squared
    // deviations from that shift nearly cancels (2e-8 of 1.08), so it is recomputed exactly.
    // With rep 0 in that recomputation the MCSE would be about 0.35 instead of 5.8e-5.
    const fits = [[0.7, 0.5], [0.1, 0.2], [0.2, 0.20005], [0.3, 0.2001]];
    small.writeReplicates(fits.map(([x, half], rep) => ({
      condition: "c",
      rep,
      status: "ok",
      message: null,
      generateMs: 0,
      totalMs: 0,
      fits: [{
        method: "REML",
        status: rep === 0 ? "nonconverged" : "ok",
        converged: rep !== 0,
        singular: false,
        evaluations: 1,
        fitMs: 0,
        message: null,
        parameters: [{
          parameter: "group1",
          truth: 0.2,
          estimate: x,
          se: 0.1,
          intervals: [{ interval: "wald", lower: x - half, upper: x + half, status: "ok" }],
        }],
      }],
    })));
    const widths = fits.map(([x, half]) => (x + half) - (x - half));
    const width = (options: MeasureOptions) =>
      performanceMeasures(small, options).find((r) => r.measure === "mean_width")!;
    // Excluded: mean 0.4001, sd 1e-4, MCSE 1e-4 / sqrt(3); the helpers give it to rounding.
    const kept = widths.slice(1);
    const excludedWidth = width({ nonconverged: "exclude" });
    close(excludedWidth.value, mean(kept), "mean width");
    close(excludedWidth.mcse, Math.sqrt(ssAbout(kept, mean(kept)) / 2) / Math.sqrt(3), "MCSE");
    assert.ok(Math.abs(excludedWidth.mcse! - 1e-4 / Math.sqrt(3)) < 1e-9);
    const usedWidth = width({ nonconverged: "use" });
    close(usedWidth.value, mean(widths), "mean width (use)");
    close(usedWidth.mcse, Math.sqrt(ssAbout(widths, mean(widths)) / 3) / 2, "MCSE (use)");
  } finally {
    small.close();
  }
});

Deno.test("an empty store has no rows", async () => {
  const { openStore } = await import("../../lib/store/store.ts");
  const empty = openStore(":memory:");
  assert.deepEqual(performanceMeasures(empty), []);
  empty.close();
});

Deno.test("a true value that differs between replicates judges each interval by its own", async () => {
  const { openStore } = await import("../../lib/store/store.ts");
  const store = openStore(":memory:");
  // Every interval is [0.5, 1.5]. Group g: truth 1, 2, 1, 2 (covered in reps 0 and 2); group
  // h: truth 1, unknown, 1, unknown (covered where known). Judged by one value per group,
  // g would be covered in none (2) or all (1) of its replicates.
  const truths: Record<string, (number | null)[]> = { g: [1, 2, 1, 2], h: [1, null, 1, null] };
  store.writeReplicates([0, 1, 2, 3].map((rep) =>
    okReplicate(rep, [
      okFit(
        "REML",
        ["g", "h"].map((parameter) => ({
          parameter,
          truth: truths[parameter][rep],
          estimate: 1,
          se: null,
          intervals: [{ interval: "wald", lower: 0.5, upper: 1.5, status: "ok" as const }],
        })),
      ),
    ])
  ));
  const measured = performanceMeasures(store);
  store.close();
  const value = (parameter: string, measure: string) =>
    measured.find((r) =>
      r.parameter === parameter && r.interval === "wald" && r.measure === measure
    )
      ?.value;
  assert.deepEqual([value("g", "coverage"), value("g", "miss_above"), value("g", "miss_below")], [
    0.5,
    0,
    0.5,
  ]);
  // h: 2 hits of 4 attempted; the replicates without a true value are neither hit nor miss.
  assert.deepEqual([value("h", "coverage"), value("h", "miss_below")], [0.5, 0]);
});
