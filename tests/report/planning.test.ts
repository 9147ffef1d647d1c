// Replicates needed for a target MCSE; reference values from ALGORITHMS.md section 5
// (Morris, White & Crowther 2019, section 5.3): p = 0.5, MCSE 0.005 -> 10,000; p = 0.95 -> 1,900.
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

Deno.test("coverage: p = 0.5 needs 10000 and p = 0.95 needs 1900 for MCSE 0.005", () => {
  const plan = replicatesNeeded(
    [row("coverage", 0.5, "wald"), row("coverage", 0.95, "profile")],
    0.005,
  );
  assert.deepEqual(plan.rows.map((r) => r.needed), [10000, 1900]);
  assert.equal(plan.maxCoverage, 10000);
  assert.equal(plan.max, 10000);
});

Deno.test("bias: EmpSE^2 / MCSE^2 from the group's empirical SE", () => {
  // EmpSE 0.3, target 0.01: 0.09 / 0.0001 = 900.
  const plan = replicatesNeeded(
    [row("bias", 0.02), row("empirical_se", 0.3), row("coverage", 0.9, "wald")],
    0.01,
  );
  const bias = plan.rows.find((r) => r.measure === "bias")!;
  assert.deepEqual([bias.pilot, bias.needed], [0.3, 900]);
  // 0.9 * 0.1 / 0.0001 = 900 too; max over coverage only is the coverage row.
  assert.equal(plan.maxCoverage, 900);
  assert.match(formatReplicatesNeeded(plan), /REML group1 bias: 900 \(EmpSE = 0\.3\)/);
});

Deno.test("null pilots are skipped; a non-positive target is refused", () => {
  const plan = replicatesNeeded([row("coverage", null, "wald"), row("bias", 0.1)], 0.01);
  assert.equal(plan.rows.length, 0); // bias without an empirical SE row
  assert.equal(plan.max, 0);
  assert.throws(() => replicatesNeeded([], 0), /positive number/);
});

Deno.test("targetRound: batches of 100, at least one more, capped; stops when met", () => {
  const cov = (value: number, mcse: number | null, interval = "wald"): MeasureRow => ({
    ...row("coverage", value, interval),
    mcse,
  });
  // p = 0.5 at MCSE 0.05 (100 reps); target 0.01 -> 0.25 / 1e-4 = 2500.
  assert.deepEqual(targetRound([cov(0.5, 0.05), cov(0.95, 0.02, "exact")], 100, 0.01), {
    maxMcse: 0.05,
    worst: cov(0.5, 0.05),
    next: 2500,
    stop: null,
  });
  // Needed 1900 (p = 0.95, target 0.005) but 2000 stored: one more, rounded up to 2100.
  assert.equal(targetRound([cov(0.95, 0.0051)], 2000, 0.005).next, 2100);
  assert.equal(targetRound([cov(0.5, 0.05)], 100, 0.001, { cap: 1000 }).next, 1000);
  assert.equal(targetRound([cov(0.5, 0.05)], 1000, 0.001, { cap: 1000 }).stop, "cap");
  assert.equal(targetRound([cov(0.5, 0.004)], 100, 0.005).stop, "met");
  assert.equal(targetRound([cov(0.5, null), row("bias", 1)], 100, 0.005).stop, "no-coverage");
});
