/**
 * The design search on measures known exactly: the answer is the smallest
 * value meeting the target; replicates go to the values near it; a
 * confirmation that misses moves up; bad options are refused.
 */
import assert from "node:assert";
import { searchDesign, type SearchEstimate } from "../../lib/study/design_search.ts";

const values = Array.from({ length: 59 }, (_, i) => i + 2);

/** A binomial-like estimate of `p` whose MCSE shrinks with the replicates, without noise. */
const exactly = (p: (x: number) => number) => (x: number, reps: number): Promise<SearchEstimate> =>
  Promise.resolve({ estimate: p(x), mcse: Math.sqrt((p(x) * (1 - p(x))) / reps), reps });

Deno.test("the smallest value meeting an at-least target; more replicates near it than far", async () => {
  const power = (a: number) => 1 - Math.exp(-a / 15); // >= 0.8 from a = 25 (24.14...)
  const seen: { value: number; reps: number }[] = [];
  const result = await searchDesign({
    values,
    target: { direction: "at-least", value: 0.8 },
    evaluate: async (x, reps) => {
      seen.push({ value: x, reps });
      return await exactly(power)(x, reps);
    },
  });
  assert.equal(result.value, 25);
  assert.ok(result.confirmed);
  const most = (x: number) => Math.max(...seen.filter((s) => s.value === x).map((s) => s.reps));
  assert.equal(most(60), 100, "far from the target: one look");
  assert.ok(most(24) >= 800 || most(25) >= 800, "near the target: many replicates");
  assert.equal(result.confirmation.reps, 6400);
});

Deno.test("an at-most target (a width falling with the groups) and a target never met", async () => {
  const width = (a: number) => 4 / Math.sqrt(a);
  const evaluate = (x: number, reps: number) =>
    Promise.resolve({ estimate: width(x), mcse: 0.01 / Math.sqrt(reps / 100), reps });
  const met = await searchDesign({
    values,
    target: { direction: "at-most", value: 0.7 },
    evaluate,
  });
  assert.equal(met.value, 33); // 4 / sqrt(33) = 0.696, 4 / sqrt(32) = 0.707
  const never = await searchDesign({
    values,
    target: { direction: "at-most", value: 0.1 },
    evaluate,
  });
  assert.equal(never.value, null);
  assert.equal(never.confirmed, false);
  assert.equal(never.steps.length, 1);
});

Deno.test("a confirmation that misses the target moves up one value", async () => {
  // Early looks (few replicates) see 0.9 at 23; the large confirmation run sees the truth.
  const truth = (a: number) => (a >= 24 ? 0.81 : 0.79);
  const result = await searchDesign({
    values,
    target: { direction: "at-least", value: 0.8 },
    initialReps: 100,
    maxReps: 400,
    evaluate: (x, reps) =>
      Promise.resolve({
        estimate: x === 23 && reps <= 400 ? 0.9 : truth(x),
        mcse: 0.001,
        reps,
      }),
  });
  assert.equal(result.value, 24);
  assert.ok(result.confirmed);
  assert.ok(result.steps.some((s) => s.value === 23 && s.estimate.reps === 1600));
});

Deno.test("bad search options are refused with what was expected", async () => {
  const evaluate = exactly(() => 0.5);
  const target = { direction: "at-least" as const, value: 0.8 };
  await assert.rejects(searchDesign({ values: [], target, evaluate }), /at least one candidate/);
  await assert.rejects(searchDesign({ values: [3, 2], target, evaluate }), /finite and increasing/);
  await assert.rejects(
    searchDesign({ values, target: { ...target, value: NaN }, evaluate }),
    /target value must be a finite number/,
  );
  await assert.rejects(
    searchDesign({ values, target, evaluate, initialReps: 200, maxReps: 100 }),
    /must be at least 200/,
  );
  await assert.rejects(
    searchDesign({ values, target, evaluate, initialReps: 0 }),
    /positive integer/,
  );
});
