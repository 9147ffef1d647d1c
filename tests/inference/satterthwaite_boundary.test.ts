/**
 * Satterthwaite df of the intercept with the observed information against
 * lmerTest (tests/fixtures/satterthwaite_boundary/make_fixture.R ->
 * satterthwaite_boundary.json): an unbalanced nested REML fit whose
 * group1:group2 variance is 0 (the component is held fixed, as lmerTest's
 * (theta, sigma) derivatives do), and one with all estimates positive.
 *
 * Tolerance 1e-6 relative: both sides differentiate numerically (lmerTest
 * numDeriv's Richardson-extrapolated Hessian and Jacobian in (theta, sigma),
 * vcsim Richardson-extrapolated differences in the variances), each good to
 * about 1e-8 relative, and the two REML optima agree to about 2e-7 relative
 * (vcsim's optimizer tolerance; lme4 ran with rhoend 1e-10), which moves the
 * df by as much. Measured: 5e-8 (boundary), 1.7e-7 (interior).
 */
import assert from "node:assert";
import { fitVarComp } from "../../lib/fit/fit.ts";
import { confidenceIntervals } from "../../lib/inference/intervals.ts";
import { modelFrame } from "../../lib/model/model_frame.ts";
import type { Dataset } from "../../lib/data/dataset.ts";

interface Reference {
  y: number[];
  group1: number[];
  group2: number[];
  singular: boolean;
  variances: Record<string, number>;
  intercept: { estimate: number; se: number; df: number };
}

const fixture = JSON.parse(
  await Deno.readTextFile(
    new URL(
      "../fixtures/satterthwaite_boundary/satterthwaite_boundary.json",
      import.meta.url,
    ),
  ),
) as { formula: string; boundary: Reference; interior: Reference };

function fitOf(r: Reference) {
  const numeric = (v: number[]) => ({ kind: "numeric" as const, values: Float64Array.from(v) });
  const data: Dataset = {
    nrow: r.y.length,
    columns: new Map([
      ["y", numeric(r.y)],
      ["group1", numeric(r.group1)],
      ["group2", numeric(r.group2)],
    ]),
  };
  const frame = modelFrame(data, fixture.formula);
  return { frame, fit: fitVarComp(frame, { method: "reml" }) };
}

function interceptDf(r: Reference, information: "expected" | "observed"): number {
  const { frame, fit } = fitOf(r);
  const inference = confidenceIntervals(frame, fit, { methods: ["satterthwaite"], information });
  return inference.intervals.find((i) => i.parameter === "(Intercept)")!.df!;
}

for (const name of ["boundary", "interior"] as const) {
  Deno.test(`${name} nested REML fit: observed-information intercept df equals lmerTest's`, () => {
    const r = fixture[name];
    const { fit } = fitOf(r);
    // The same REML fit as lme4 (lme4 names the inner term group2:group1).
    assert.equal(fit.singular, r.singular);
    const inner = r.variances["group2:group1"];
    if (name === "boundary") assert.strictEqual(fit.variances["group1:group2"], 0);
    else assert.ok(Math.abs(fit.variances["group1:group2"] / inner - 1) < 1e-6);
    assert.ok(Math.abs(fit.variances.group1 / r.variances.group1 - 1) < 1e-6);
    assert.ok(Math.abs(fit.fixed[0].se / r.intercept.se - 1) < 1e-6);
    const df = interceptDf(r, "observed");
    const error = Math.abs(df / r.intercept.df - 1);
    assert.ok(error < 1e-6, `df ${df} vs lmerTest ${r.intercept.df} (relative ${error})`);
  });
}

Deno.test("boundary nested REML fit: the expected-information df still counts the zero component", () => {
  // Unchanged by the boundary rule (which is for the observed information):
  // the df differs from lmerTest's, as before.
  const df = interceptDf(fixture.boundary, "expected");
  assert.ok(Math.abs(df - fixture.boundary.intercept.df) > 0.05, `df ${df}`);
});
