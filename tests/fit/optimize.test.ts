// The difference-Newton minimiser of crossed fits (lib/fit/optimize.ts) stops after a full,
// unshifted Newton step of at most sqrt(xtol / 100), without computing the next step. The claim
// behind it: that next step would be within xtol. Checked here by taking it: a restart from the
// result must move no coordinate by more than xtol * max(|x_k|, 1). The functions are even in each
// coordinate, as the profiled criterion is; their minima are written out.
import assert from "node:assert";
import { minimizeEven } from "../../lib/fit/optimize.ts";

interface Case {
  name: string;
  f: (x: Float64Array) => number;
  start: number[];
  /** The minimiser (coordinates >= 0). */
  minimum: number[];
}

const CASES: Case[] = [
  {
    name: "separable quartic wells, minimum at (2, 0.5, 3)",
    f: (x) => (x[0] ** 2 - 4) ** 2 + 3 * (x[1] ** 2 - 0.25) ** 2 + 0.1 * (x[2] ** 2 - 9) ** 2,
    start: [1, 1, 1],
    minimum: [2, 0.5, 3],
  },
  {
    name: "coupled wells, minimum at (1, 1)",
    f: (x) => (x[0] ** 2 - 1) ** 2 + 10 * (x[1] ** 2 - x[0] ** 2) ** 2,
    start: [0.3, 1.7],
    minimum: [1, 1],
  },
  {
    name: "a log-determinant plus a quadratic form, as in the criterion: minimum at (sqrt 2, 1)",
    // g(t) = t^2 - 2 log(1 + t^2) has its minimum at t = 1 (g' = 2t - 4t / (1 + t^2)); the
    // coupling term is 0 there. Scaled to a criterion's size, so differences carry rounding.
    f: (x) => {
      const g = (t: number) => t * t - 2 * Math.log(1 + t * t);
      return 1e4 * (g(x[0] / Math.SQRT2) + g(x[1]) + 0.01 * (x[0] * x[1] - Math.SQRT2) ** 2);
    },
    start: [0.2, 0.4],
    minimum: [Math.SQRT2, 1],
  },
];

const xtol = 1e-8;

for (const c of CASES) {
  Deno.test(`minimizeEven: ${c.name}; a restart from the result stays within xtol`, () => {
    const first = minimizeEven(c.f, new Float64Array(c.start), { xtol });
    const inputs = `start ${c.start}, result ${Array.from(first.x)}`;
    assert.ok(first.converged, inputs);
    // Central differences locate a minimum to about 1e-7 relative.
    first.x.forEach((v, k) => {
      assert.ok(Math.abs(v - c.minimum[k]) <= 1e-6 * Math.max(1, c.minimum[k]), inputs);
    });
    const again = minimizeEven(c.f, first.x, { xtol });
    assert.ok(again.converged, inputs);
    first.x.forEach((v, k) => {
      const moved = Math.abs(again.x[k] - v) / Math.max(Math.abs(v), 1);
      assert.ok(moved <= xtol, `${inputs}: the restart moved coordinate ${k} by ${moved}`);
    });
    assert.ok(again.f <= first.f, inputs);
  });
}

Deno.test("minimizeEven: the step after the last one is not computed", () => {
  // From its own result a run computes one set of differences (1 + 2K + K(K-1)/2 evaluations
  // with K = 2), finds a step within xtol and stops: no line search, one iteration.
  const f = CASES[1].f;
  const first = minimizeEven(f, new Float64Array(CASES[1].start), { xtol });
  const again = minimizeEven(f, first.x, { xtol });
  assert.deepEqual([again.iterations, again.evaluations], [1, 6]);
  // The first run ended on a full step: its last iteration took 5 evaluations of differences
  // and one trial, so its count is 1 + 6 per iteration, with no extra iteration at the end.
  assert.equal(first.evaluations, 1 + 6 * first.iterations, `iterations ${first.iterations}`);
});
