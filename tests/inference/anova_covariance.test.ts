/**
 * The ANOVA estimator's own standard errors (lib/inference/anova_covariance.ts):
 * - balanced one-way and two-level nested designs against the closed forms
 *   written out below, from mean squares computed in this file;
 * - unbalanced nested, three-level nested, crossed and covariate designs
 *   (hierarchical ANOVA and MIVQUE0) against explicit n x n matrices in
 *   numpy (tests/fixtures/anova_se/make_fixture.py -> anova_se.json);
 * - a fit of given variances (fitAtVariances) keeps the inverse REML
 *   information, checked against the same script's n x n computation.
 */
import assert from "node:assert";
import { fitAtVariances, fitVarComp } from "../../lib/fit/fit.ts";
import { varianceCovariance } from "../../lib/inference/information.ts";
import { confidenceIntervals } from "../../lib/inference/intervals.ts";
import { nested } from "../../lib/generate/nested.ts";
import { deriveStream } from "../../lib/rng/derive_stream.ts";
import { modelFrame } from "../../lib/model/model_frame.ts";
import type { ModelFrame } from "../../lib/model/frame.ts";

interface FixtureDataset {
  name: string;
  estimator: "hierarchical" | "mivque0";
  y: number[];
  X: number[];
  fixedNames: string[];
  terms: { name: string; codes: number[]; levels: number }[];
  parameters: string[];
  estimates: number[];
  covariance: number[][];
  remlInformationCovariance: number[][];
}

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/anova_se/anova_se.json", import.meta.url)),
) as { datasets: FixtureDataset[] };

function frameOf(d: FixtureDataset): ModelFrame {
  return {
    response: "y",
    y: Float64Array.from(d.y),
    X: Float64Array.from(d.X),
    fixedNames: d.fixedNames,
    droppedRows: 0,
    terms: d.terms.map((t) => ({
      name: t.name,
      codes: Int32Array.from(t.codes),
      levels: Array.from({ length: t.levels }, (_, i) => String(i)),
    })),
  };
}

/** Largest |A - B| scaled by sqrt(B_ii B_jj) over all entries: relative on the diagonal. */
function scaledDifference(actual: Float64Array, expected: number[][]): number {
  const d = expected.length;
  let worst = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const scale = Math.sqrt(expected[i][i] * expected[j][j]);
      worst = Math.max(worst, Math.abs(actual[i * d + j] - expected[i][j]) / scale);
    }
  }
  return worst;
}

/** Mean squares of a nested chain from the raw data: residual first, then finest to coarsest. */
function meanSquares(frame: ModelFrame) {
  const y = frame.y, n = y.length, mean = y.reduce((a, b) => a + b, 0) / n;
  const terms = [...frame.terms].sort((s, t) => t.levels.length - s.levels.length);
  // Means of each term's levels, then SS of each stratum from squared deviations.
  const levelMeans = terms.map((t) => {
    const sum = new Float64Array(t.levels.length), count = new Float64Array(t.levels.length);
    t.codes.forEach((c, r) => {
      sum[c] += y[r];
      count[c]++;
    });
    return Array.from(t.codes, (c) => sum[c] / count[c]);
  });
  // Strata: residual (rows about the finest means), then each term about the next coarser.
  const fitted = [y, ...levelMeans, new Array(n).fill(mean)];
  const rankOf = [n, ...terms.map((t) => t.levels.length), 1];
  return fitted.slice(0, -1).map((f, k) => {
    let ss = 0;
    for (let r = 0; r < n; r++) ss += (f[r] - fitted[k + 1][r]) ** 2;
    const df = rankOf[k] - rankOf[k + 1];
    return { ms: ss / df, df };
  });
}

Deno.test("balanced one-way: ANOVA SEs equal the closed form to 1e-8", () => {
  // Searle, Casella & McCulloch (1992) ch. 3-4 (ALGORITHMS.md section 3): in a
  // balanced one-way design (a groups of n) MSA and MSE are independent, with
  // MS ~ E[MS] chi2_df / df, so Var(MS) = 2 E[MS]^2 / df; s_a = (MSA - MSE)/n
  // and s = MSE give
  //   Var(s_a) = 2/n^2 [E[MSA]^2/(a-1) + s^4/(N-a)],  Var(s) = 2 s^4/(N-a),
  //   Cov(s_a, s) = -2 s^4/(n (N-a)),
  // with E[MSA] = s + n max(s_a, 0) and s at the estimates.
  // Seeds 5, 6: positive estimates; seed 1: a negative one (-0.039).
  for (const seed of [1, 5, 6]) {
    const a = 6, n = 4, N = a * n;
    const data = nested(deriveStream(seed, ["balanced one-way SE"]), {
      nGroup1: a,
      nGroup2: 1,
      nRep: n,
      group1Sd: 0.3,
      group2Sd: 0,
      unexplainedSd: 1,
    });
    const frame = modelFrame(data, "y ~ 1 + (1|group1)");
    const fit = fitVarComp(frame, { method: "anova" });
    const [mse, msa] = meanSquares(frame);
    const sa = (msa.ms - mse.ms) / n, s = mse.ms;
    assert.ok(Math.abs(fit.variances.group1 - sa) < 1e-10 * Math.abs(sa));
    const L = s + n * Math.max(sa, 0);
    const expected = [
      [(2 / n ** 2) * (L ** 2 / (a - 1) + s ** 2 / (N - a)), (-2 * s ** 2) / (n * (N - a))],
      [(-2 * s ** 2) / (n * (N - a)), (2 * s ** 2) / (N - a)],
    ];
    const vc = varianceCovariance(frame, fit);
    assert.equal(vc.source, "anova-estimator");
    const diff = scaledDifference(vc.covariance!, expected);
    assert.ok(diff < 1e-8, `seed ${seed} (s_a ${sa}): scaled difference ${diff}`);
  }
});

Deno.test("balanced two-level nested: ANOVA SEs equal the closed form to 1e-8", () => {
  // Searle, Casella & McCulloch (1992) ch. 4 (ALGORITHMS.md section 3): in a
  // balanced a x b x n nested design MSA, MSB(A), MSE are independent with
  // E[MSA] = s + n sB + b n sA (df a-1), E[MSB] = s + n sB (df a(b-1)),
  // E[MSE] = s (df ab(n-1)) and Var(MS) = 2 E[MS]^2 / df. The estimates
  // sA = (MSA - MSB)/(bn), sB = (MSB - MSE)/n, s = MSE give
  //   Var(sA) = (VA + VB)/(bn)^2, Var(sB) = (VB + VE)/n^2, Var(s) = VE,
  //   Cov(sA, sB) = -VB/(b n^2), Cov(sB, s) = -VE/n, Cov(sA, s) = 0,
  // V_k = 2 E[MS_k]^2 / df_k with the expectations at the estimates (negative as 0).
  // Seed 4: positive estimates; seeds 5, 6: a negative sA (-0.72, -6.1).
  for (const seed of [4, 5, 6]) {
    const a = 5, b = 3, n = 2;
    const data = nested(deriveStream(seed, ["balanced nested SE"]), {
      nGroup1: a,
      nGroup2: b,
      nRep: n,
      group1Sd: seed === 6 ? 0.1 : 1.5,
    });
    const frame = modelFrame(data, "y ~ 1 + (1|group1/group2)");
    const fit = fitVarComp(frame, { method: "anova" });
    const [mse, msb, msa] = meanSquares(frame);
    const sA = (msa.ms - msb.ms) / (b * n), sB = (msb.ms - mse.ms) / n, s = mse.ms;
    const eB = s + n * Math.max(sB, 0), eA = eB + b * n * Math.max(sA, 0);
    const VA = (2 * eA ** 2) / msa.df, VB = (2 * eB ** 2) / msb.df, VE = (2 * s ** 2) / mse.df;
    // Frame order: group1, group1:group2, Residual.
    const expected = [
      [(VA + VB) / (b * n) ** 2, -VB / (b * n * n), 0],
      [-VB / (b * n * n), (VB + VE) / n ** 2, -VE / n],
      [0, -VE / n, VE],
    ];
    const vc = varianceCovariance(frame, fit);
    const diff = scaledDifference(vc.covariance!, expected);
    assert.ok(diff < 1e-8, `seed ${seed} (sA ${sA}, sB ${sB}): scaled difference ${diff}`);
  }
});

for (const d of fixture.datasets) {
  Deno.test(`${d.name} (${d.estimator}): ANOVA covariance equals the n x n computation to 1e-8`, () => {
    const frame = frameOf(d);
    const fit = fitVarComp(frame, { method: "anova" });
    assert.equal(fit.estimator, d.estimator);
    d.parameters.forEach((name, a) => {
      const error = Math.abs(fit.variances[name] - d.estimates[a]) / Math.abs(d.estimates[a]);
      assert.ok(error < 1e-10, `${name} estimate: ${fit.variances[name]} vs ${d.estimates[a]}`);
    });
    const vc = varianceCovariance(frame, fit);
    assert.deepEqual(vc.parameters, d.parameters);
    const diff = scaledDifference(vc.covariance!, d.covariance);
    assert.ok(diff < 1e-8, `scaled difference ${diff}`);
    // The Wald kinds use the same SEs.
    const inference = confidenceIntervals(frame, fit, { methods: ["wald"] });
    assert.deepEqual(inference.variance.se, vc.se);
  });
}

Deno.test("given variances keep the inverse REML information at the estimates", () => {
  for (const d of fixture.datasets.filter((d) => d.estimates.every((s) => s > 0))) {
    const frame = frameOf(d);
    const anova = fitVarComp(frame, { method: "anova" });
    const given = fitAtVariances(frame, { variances: anova.variances });
    assert.equal(given.method, "ANOVA");
    assert.equal(given.estimator, "given");
    const vc = varianceCovariance(frame, given);
    assert.equal(vc.source, "information");
    // Finite differences of the blocked factor: about 1e-7 relative.
    const diff = scaledDifference(vc.covariance!, d.remlInformationCovariance);
    assert.ok(diff < 1e-6, `${d.name}: scaled difference ${diff}`);
    // ... which is not the ANOVA estimator's variance in these unbalanced designs.
    assert.ok(scaledDifference(vc.covariance!, d.covariance) > 1e-3, d.name);
  }
});

Deno.test("a negative ANOVA estimate: the Satterthwaite interval is undefined and names it", () => {
  const d = fixture.datasets.find((d) => d.name === "nested_negative")!;
  const frame = frameOf(d);
  const fit = fitVarComp(frame, { method: "anova" });
  assert.ok(fit.variances.group1 < 0);
  const { intervals } = confidenceIntervals(frame, fit, { methods: ["satterthwaite"] });
  const group1 = intervals.find((i) => i.parameter === "group1")!;
  assert.equal(group1.status, "undefined");
  // The numpy script's estimate is -0.47751277501522...
  assert.equal(group1.note, "the estimate is negative (-0.4775)");
  const inner = intervals.find((i) => i.parameter === "group1:group2")!;
  assert.equal(inner.status, "ok");
});
