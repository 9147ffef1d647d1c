/**
 * Standard errors, Satterthwaite degrees of freedom and MLS / exact intervals
 * in balanced designs, against formulas in mean squares:
 * - Dyestuff (balanced one-way, 6 x 5): values computed in R from the mean
 *   squares (tests/fixtures/inference/balanced_dyestuff.R -> .json);
 * - a balanced crossed design: mean squares computed in this file.
 */
import assert from "node:assert";
import { fitVarComp } from "../../lib/fit/fit.ts";
import { confidenceIntervals } from "../../lib/inference/intervals.ts";
import { crossed } from "../../lib/generate/crossed.ts";
import { deriveStream } from "../../lib/rng/derive_stream.ts";
import { modelFrame } from "../../lib/model/model_frame.ts";
import { loadLme4Reference } from "../fit/_lme4_fixtures.ts";

const hand = JSON.parse(
  await Deno.readTextFile(
    new URL("../fixtures/inference/balanced_dyestuff.json", import.meta.url),
  ),
);

function assertClose(
  actual: number | null | undefined,
  expected: number,
  tol: number,
  what: string,
) {
  assert.ok(typeof actual === "number", `${what}: ${actual}`);
  const error = Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(error <= tol, `${what}: ${actual} vs ${expected} (relative ${error})`);
}

const dyestuff = await loadLme4Reference("dyestuff");
const fit = fitVarComp(dyestuff.frame, { method: "reml" });
const inference = confidenceIntervals(dyestuff.frame, fit, {
  methods: ["wald", "satterthwaite", "t", "mls", "exact"],
});
const interval = (parameter: string, method: string) =>
  inference.intervals.find((i) => i.parameter === parameter && i.method === method)!;

Deno.test("balanced one-way: REML equals ANOVA, Wald SEs equal the exact ANOVA variance formulas", () => {
  assertClose(fit.variances.Batch, hand.Batch, 1e-7, "Batch variance");
  assertClose(fit.variances.Residual, hand.Residual, 1e-7, "Residual variance");
  const se = (name: string) => inference.variance.se[inference.variance.parameters.indexOf(name)];
  assertClose(se("Batch"), hand.se_Batch, 1e-6, "SE of Batch variance");
  assertClose(se("Residual"), hand.se_Residual, 1e-6, "SE of Residual variance");
});

Deno.test("balanced one-way: Satterthwaite df of the Batch variance is the mean-square formula", () => {
  assertClose(interval("Batch", "satterthwaite").df, hand.satterthwaite_df_Batch, 1e-5, "df");
});

Deno.test("balanced one-way: intercept Satterthwaite df is a - 1; t interval uses a - 1", () => {
  assertClose(interval("(Intercept)", "satterthwaite").df, 5, 1e-6, "Satterthwaite df");
  const t = interval("(Intercept)", "t");
  assert.strictEqual(t.df, 5);
  assertClose(t.lower, hand.t_interval[0], 1e-9, "t lower");
  assertClose(t.upper, hand.t_interval[1], 1e-9, "t upper");
  assertClose(fit.fixed[0].se, hand.intercept_se, 1e-7, "intercept SE");
});

Deno.test("balanced one-way: MLS and exact chi-square intervals match hand computation", () => {
  const mls = interval("Batch", "mls");
  assertClose(mls.lower, hand.mls_Batch[0], 1e-9, "MLS lower");
  assertClose(mls.upper, hand.mls_Batch[1], 1e-9, "MLS upper");
  const exact = interval("Residual", "exact");
  assertClose(exact.lower, hand.exact_Residual[0], 1e-12, "exact lower");
  assertClose(exact.upper, hand.exact_Residual[1], 1e-12, "exact upper");
  // MLS for the residual variance is the exact interval; exact does not apply to Batch.
  assertClose(interval("Residual", "mls").lower, hand.exact_Residual[0], 1e-12, "MLS residual");
  assert.strictEqual(interval("Batch", "exact").status, "not-applicable");
});

Deno.test("balanced crossed: intercept Satterthwaite df equals the mean-square formula", () => {
  const a = 8, b = 6, n = 3;
  const data = crossed(deriveStream(11, ["balanced crossed"]), {
    nGroup1: a,
    nGroup2: b,
    nRep: n,
    layout: "balanced",
  });
  const frame = modelFrame(data, "y ~ 1 + (1|group1) + (1|group2)");
  // Mean squares of the additive two-way model, computed here from the data.
  const y = frame.y, g1 = frame.terms[0].codes, g2 = frame.terms[1].codes, N = y.length;
  const mean = y.reduce((s, v) => s + v, 0) / N;
  const m1 = new Float64Array(a), m2 = new Float64Array(b);
  for (let i = 0; i < N; i++) {
    m1[g1[i]] += y[i] / (b * n);
    m2[g2[i]] += y[i] / (a * n);
  }
  let ssa = 0, ssb = 0, sse = 0;
  for (const m of m1) ssa += b * n * (m - mean) ** 2;
  for (const m of m2) ssb += a * n * (m - mean) ** 2;
  for (let i = 0; i < N; i++) sse += (y[i] - m1[g1[i]] - m2[g2[i]] + mean) ** 2;
  const dfa = a - 1, dfb = b - 1, dfe = N - a - b + 1;
  const msa = ssa / dfa, msb = ssb / dfb, mse = sse / dfe;
  assert.ok(msa > mse && msb > mse, "the design must give an interior fit");
  const expectedDf = (msa + msb - mse) ** 2 / (msa ** 2 / dfa + msb ** 2 / dfb + mse ** 2 / dfe);

  const fit = fitVarComp(frame, { method: "reml" });
  // Balanced with positive ANOVA estimates: REML = ANOVA, Var(mean) = (MSA + MSB - MSE) / N.
  assertClose(fit.fixed[0].se, Math.sqrt((msa + msb - mse) / N), 1e-6, "intercept SE");
  const df = confidenceIntervals(frame, fit, { methods: ["satterthwaite"] }).intervals
    .find((i) => i.parameter === "(Intercept)")!.df;
  assertClose(df, expectedDf, 1e-5, "Satterthwaite df");
});
