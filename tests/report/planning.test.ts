// Replicates needed for target MCSEs. Reference values: coverage from Morris, White & Crowther
// (2019), section 5.3 (n = p(1 - p)/MCSE^2: p = 0.5, MCSE 0.005 -> 10,000; p = 0.95 -> 1,900);
// bias by hand from the definitions in lib/report/planning.ts, as computed in each test.
import assert from "node:assert";
import { formatReplicatesNeeded, replicatesNeeded } from "../../lib/report/planning.ts";
import { targetRound } from "../../lib/report/target_mcse.ts";
import type { MeasureName, MeasureRow } from "../../lib/report/measure_row.ts";

const row = (
  measure: MeasureName,
  value: number | null,
  interval: string | null = null,
  parameter = "group1",
): MeasureRow => ({
  condition: "c",
  method: "REML",
  parameter,
  interval,
  measure,
  value,
  mcse: 0.01,
});

/**
 * The estimator rows of one group as `performanceMeasures` gives them: `used` of `attempted`
 * replicates with an estimate, empirical SE `empSe`, true value `truth` (null: none).
 */
function estimator(
  group: { attempted: number; used: number; empSe: number; truth: number | null },
  parameter = "group1",
): MeasureRow[] {
  const { attempted, used, empSe, truth } = group;
  const base = { condition: "c", method: "REML", parameter, interval: null };
  const biasMcse = empSe / Math.sqrt(used);
  const relative = truth === null || truth === 0 ? null : biasMcse / Math.abs(truth);
  return [
    { ...base, measure: "attempted", value: attempted, mcse: null },
    { ...base, measure: "used", value: used, mcse: null },
    { ...base, measure: "bias", value: 0.01, mcse: biasMcse },
    { ...base, measure: "relative_bias", value: relative === null ? null : 0.01, mcse: relative },
    { ...base, measure: "empirical_se", value: empSe, mcse: null },
  ];
}

Deno.test("coverage: p = 0.5 needs 10000 and p = 0.95 needs 1900 for MCSE 0.005", () => {
  const rows = [row("coverage", 0.5, "wald"), row("coverage", 0.95, "profile")];
  const plan = replicatesNeeded(rows, { coverage: 0.005 });
  assert.deepEqual(plan.rows.map((r) => r.needed), [10000, 1900]);
  assert.deepEqual(plan.rows.map((r) => r.scale), ["proportion", "proportion"]);
  assert.equal(plan.maxCoverage, 10000);
  assert.equal(plan.max, 10000);
  // A number is a coverage target, as --target-mcse has always been.
  assert.deepEqual(replicatesNeeded(rows, 0.005), plan);
});

Deno.test("coverage targets ignore bias; bias targets ignore coverage", () => {
  const rows = [...estimator({ attempted: 100, used: 100, empSe: 0.5, truth: 2 })];
  rows.push(row("coverage", 0.9, "wald"));
  assert.deepEqual(replicatesNeeded(rows, { coverage: 0.01 }).rows.map((r) => r.measure), [
    "coverage",
  ]);
  assert.deepEqual(replicatesNeeded(rows, { bias: 0.01 }).rows.map((r) => r.measure), ["bias"]);
});

Deno.test("bias relative to |truth|: n_pilot (MCSE(bias)/|truth| / target)^2", () => {
  // EmpSE 0.5 over 100 used of 100: MCSE(bias) = 0.05, relative to truth 2: 0.025.
  // Target 0.01: 100 * (0.025 / 0.01)^2 = 625, which is EmpSE^2 / (truth * target)^2.
  const plan = replicatesNeeded(estimator({ attempted: 100, used: 100, empSe: 0.5, truth: 2 }), {
    bias: 0.01,
  });
  const [bias] = plan.rows;
  assert.deepEqual(
    [bias.measure, bias.scale, bias.target, bias.pilot, bias.needed],
    ["bias", "truth", 0.01, 0.5, 625],
  );
  assert.ok(Math.abs(bias.mcse! - 0.025) < 1e-15);
  assert.equal(plan.maxBias, 625);
  // A fifth of the attempted replicates failed: 125 attempted for 100 used, 625 * 1.25.
  const failing = replicatesNeeded(
    estimator({ attempted: 125, used: 100, empSe: 0.5, truth: 2 }),
    { bias: 0.01 },
  );
  assert.equal(failing.rows[0].needed, Math.ceil(781.25));
});

Deno.test("bias where the truth is 0: in units of the empirical SE, 1 / target^2", () => {
  // MCSE(bias) / EmpSE = 1 / sqrt(100) = 0.1; target 0.05: 100 * (0.1 / 0.05)^2 = 400 = 1/0.05^2.
  const rows = estimator({ attempted: 100, used: 100, empSe: 0.3, truth: 0 }, "(Intercept)");
  const plan = replicatesNeeded(rows, { bias: 0.05 });
  assert.deepEqual([plan.rows[0].scale, plan.rows[0].needed], ["empirical-se", 400]);
  const text = formatReplicatesNeeded(plan);
  assert.match(text, /^replicates needed for a bias MCSE of at most 0\.05 x \|truth\| \(x EmpSE/);
  assert.match(text, /REML \(Intercept\) bias: 400 \(MCSE now 0\.1 x EmpSE, EmpSE = 0\.3\)/);
});

Deno.test("formatReplicatesNeeded names each target's scale", () => {
  const rows = [
    ...estimator({ attempted: 100, used: 100, empSe: 0.5, truth: 2 }),
    row("coverage", 0.2, "wald"),
  ];
  const text = formatReplicatesNeeded(replicatesNeeded(rows, { coverage: 0.05, bias: 0.01 }));
  // Coverage 0.2 * 0.8 / 0.05^2 = 64; bias 625 as above.
  assert.match(
    text,
    /^replicates needed for a coverage MCSE of at most 0\.05 \(5 percentage points\):$/m,
  );
  assert.match(text, /^ {2}c {2}REML group1 coverage wald: 64 \(p = 0\.2000\)$/m);
  assert.match(
    text,
    /^ {2}c {2}REML group1 bias: 625 \(MCSE now 0\.025 x \|truth\|, EmpSE = 0\.5\)$/m,
  );
  assert.match(text, /^max over coverage: 64; max over bias: 625; max over all: 625$/m);
});

Deno.test("null pilots are skipped; bad targets are refused", () => {
  const plan = replicatesNeeded([row("coverage", null, "wald"), row("bias", 0.1)], {
    coverage: 0.01,
    bias: 0.01,
  });
  assert.equal(plan.rows.length, 0); // bias without an empirical SE row
  assert.equal(plan.max, 0);
  assert.throws(() => replicatesNeeded([], 0), /coverage target MCSE must be a positive number/);
  assert.throws(() => replicatesNeeded([], { bias: -1 }), /bias target MCSE must be a positive/);
  assert.throws(() => replicatesNeeded([], {}), /neither a coverage nor a bias target/);
});

Deno.test("targetRound: batches of 100, at least one more, capped; stops when met", () => {
  const cov = (value: number, mcse: number | null, interval = "wald"): MeasureRow => ({
    ...row("coverage", value, interval),
    mcse,
  });
  // p = 0.5 at MCSE 0.05 (100 reps); target 0.01 -> 0.25 / 1e-4 = 2500.
  const round = targetRound([cov(0.5, 0.05), cov(0.95, 0.02, "exact")], {
    current: 100,
    targets: 0.01,
  });
  assert.deepEqual([round.next, round.stop], [2500, null]);
  assert.deepEqual(round.worst.map((r) => [r.interval, r.mcse, r.target]), [["wald", 0.05, 0.01]]);
  // Needed 1900 (p = 0.95, target 0.005) but 2000 stored: one more, rounded up to 2100.
  assert.equal(targetRound([cov(0.95, 0.0051)], { current: 2000, targets: 0.005 }).next, 2100);
  const capped = { targets: 0.001, cap: 1000 };
  assert.equal(targetRound([cov(0.5, 0.05)], { ...capped, current: 100 }).next, 1000);
  assert.equal(targetRound([cov(0.5, 0.05)], { ...capped, current: 1000 }).stop, "cap");
  assert.equal(targetRound([cov(0.5, 0.004)], { current: 100, targets: 0.005 }).stop, "met");
  const none = targetRound([cov(0.5, null), row("bias", 1)], { current: 100, targets: 0.005 });
  assert.deepEqual([none.stop, none.worst], ["no-mcse", []]);
});

Deno.test("targetRound with a bias target: met only when both kinds are", () => {
  // Bias MCSE relative to truth 0.025 (see above); coverage MCSE 0.01.
  const rows = [
    ...estimator({ attempted: 100, used: 100, empSe: 0.5, truth: 2 }),
    row("coverage", 0.9, "wald"),
  ];
  const both = targetRound(rows, { current: 100, targets: { coverage: 0.02, bias: 0.01 } });
  // Coverage met (0.01 <= 0.02); bias needs 625, so 700 after rounding up.
  assert.deepEqual(both.worst.map((r) => [r.measure, r.scale]), [
    ["coverage", "proportion"],
    ["bias", "truth"],
  ]);
  assert.deepEqual([both.next, both.stop], [700, null]);
  assert.equal(targetRound(rows, { current: 100, targets: { bias: 0.03 } }).stop, "met");
});
