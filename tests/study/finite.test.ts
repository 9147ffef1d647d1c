// Non-finite numbers are failed fits or intervals, never a store error.
import assert from "node:assert";
import { finiteFit } from "../../lib/study/_finite.ts";
import type { FitRecord } from "../../lib/store/records.ts";

const fit = (estimate: number, se: number, lower: number, upper: number): FitRecord => ({
  method: "REML",
  status: "ok",
  converged: true,
  singular: false,
  evaluations: 7,
  fitMs: 1,
  message: null,
  parameters: [{
    parameter: "group1",
    truth: 4,
    estimate,
    se,
    intervals: [
      { interval: "wald", lower, upper, status: "ok" },
      { interval: "profile", lower: 1, upper: 2, status: "ok" },
    ],
  }],
});

Deno.test("a non-finite estimate or SE fails the fit, naming it", () => {
  for (
    const [estimate, se, what] of [[NaN, 1, "estimate of group1 is NaN"], [
      3,
      -Infinity,
      "se of group1 is -Infinity",
    ]] as const
  ) {
    const out = finiteFit(fit(estimate, se, 1, 2));
    assert.equal(out.status, "error");
    assert.equal(out.message, `non-finite result: ${what}`);
    assert.deepEqual(out.parameters, []);
    assert.equal(out.evaluations, 7);
  }
});

Deno.test("a non-finite limit fails that interval only", () => {
  const out = finiteFit(fit(3, 1, -1, Infinity));
  assert.equal(out.status, "ok");
  assert.deepEqual(out.parameters[0].intervals, [
    { interval: "wald", lower: null, upper: null, status: "failed" },
    { interval: "profile", lower: 1, upper: 2, status: "ok" },
  ]);
  const clean = fit(3, 1, 1, 2);
  assert.equal(finiteFit(clean).parameters[0], clean.parameters[0]);
});
