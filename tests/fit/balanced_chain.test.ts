// The closed-form -2 log L of balanced nested chains (lib/fit/_balanced_chain.ts)
// against two independent computations: the jets of lib/fit/_chain_derivatives.ts
// (value, gradient and Hessian, any chain) and the deviance of
// lib/inference/variance_deviance.ts through the blocked Cholesky factor (value only). Designs: one-way, two-level
// and three-level nesting, with variances from 0 to far apart.
import assert from "node:assert";
import { crossProducts } from "../../lib/model/cross_products.ts";
import { balancedChainObjective, balancedFixedVariance } from "../../lib/fit/_balanced_chain.ts";
import { ChainDerivatives } from "../../lib/fit/_chain_derivatives.ts";
import { secondOrder } from "../../lib/fit/_jets.ts";
import { VarianceDeviance } from "../../lib/inference/variance_deviance.ts";
import { fitVarComp } from "../../lib/fit/fit.ts";
import { hierarchicalAnova } from "../../lib/fit/moments.ts";
import type { ModelFrame } from "../../lib/model/frame.ts";

function wobble(i: number): number {
  const s = Math.sin(12.9898 * (i + 1)) * 43758.5453;
  return s - Math.floor(s) - 0.5;
}

/**
 * A balanced chain: `shape` = [levels of the coarsest term, children per
 * level of each finer term..., rows per cell]; terms named t0 (coarsest)
 * down, each level's effect of SD 1 + its depth, plus `offset`.
 */
function balanced(shape: number[], offset = 0): ModelFrame {
  const rows = shape.reduce((a, b) => a * b, 1), depth = shape.length - 1;
  const codes = Array.from({ length: depth }, () => new Int32Array(rows));
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let per = rows;
    for (let t = 0; t < depth; t++) {
      per /= shape[t];
      codes[t][i] = Math.floor(i / per);
      y[i] += (1 + t) * wobble(1000 * (t + 1) + codes[t][i]);
    }
    y[i] += offset + wobble(i);
  }
  return {
    response: "y",
    y,
    X: new Float64Array(rows).fill(1),
    fixedNames: ["(Intercept)"],
    terms: codes.map((c, t) => ({
      name: `t${t}`,
      codes: c,
      levels: Array.from({ length: c[rows - 1] + 1 }, (_, l) => String(l)),
    })),
    droppedRows: 0,
  };
}

// With a tolerance against the jets: they work from uncentred cross-products, so
// a large mean costs them about eps (mean^2 / variance) relative, where the
// closed form centres its between-strata sums of squares (seen: 5e-12 at offset 50).
const DESIGNS: [string, ModelFrame, number][] = [
  ["one-way 6 x 4", balanced([6, 4]), 1e-12],
  ["one-way 3 x 2, offset 50", balanced([3, 2], 50), 1e-10],
  ["two-level 5 x 20 x 10", balanced([5, 20, 10]), 1e-12],
  ["two-level 2 x 3 x 2", balanced([2, 3, 2]), 1e-12],
  ["three-level 3 x 4 x 2 x 3", balanced([3, 4, 2, 3]), 1e-12],
  ["three-level 2 x 2 x 5 x 2, offset -7", balanced([2, 2, 5, 2], -7), 1e-11],
];

/** Variances (sorted terms finest first, residual last) of K terms: ordinary, boundary, far apart. */
function points(K: number): Float64Array[] {
  const at = (f: (k: number) => number, s0: number) =>
    Float64Array.from({ length: K + 1 }, (_, k) => k < K ? f(k) : s0);
  return [
    at((k) => 1 + k, 1),
    at((k) => k === 0 ? 0 : 2, 0.5),
    at(() => 0, 3),
    at((k) => 10 ** (2 * k - 1), 1e-2),
    at((k) => 1e-3 * (k + 1), 40),
  ];
}

const relative = (got: number, want: number, scale: number) => Math.abs(got - want) / scale;

Deno.test("balanced chain: f, g and H equal the jets' to rounding", () => {
  for (const [name, frame, tolerance] of DESIGNS) {
    const cp = crossProducts(frame), K = cp.order.length;
    for (const reml of [true, false]) {
      const closed = balancedChainObjective(cp, { reml });
      assert.ok(closed, `${name}: the design is balanced`);
      const jets = new ChainDerivatives(cp);
      for (const x of points(K)) {
        const a = secondOrder(K + 1), b = secondOrder(K + 1);
        assert.ok(closed.evaluate(x, a) && jets.evaluate(x) && jets.deviance(b, { reml }));
        const what = `${name}, ${reml ? "REML" : "ML"}, s = [${x.join(", ")}]`;
        assert.ok(relative(a.f, b.f, Math.abs(b.f)) < tolerance, `${what}: f ${a.f} vs ${b.f}`);
        // Derivatives relative to the largest entry (entries span many magnitudes).
        const gScale = Math.max(...b.g.map(Math.abs)), hScale = Math.max(...b.H.map(Math.abs));
        a.g.forEach((v, i) =>
          assert.ok(relative(v, b.g[i], gScale) < tolerance, `${what}: g[${i}] ${v} vs ${b.g[i]}`)
        );
        a.H.forEach((v, i) =>
          assert.ok(relative(v, b.H[i], hScale) < tolerance, `${what}: H[${i}] ${v} vs ${b.H[i]}`)
        );
      }
    }
  }
});

Deno.test("balanced chain: log-determinant parts and Var(beta) equal the jets' to rounding", () => {
  for (const [name, frame, tolerance] of DESIGNS) {
    const cp = crossProducts(frame), K = cp.order.length;
    const jets = new ChainDerivatives(cp), all = points(K);
    for (const x of all) {
      const what = `${name}, s = [${x.join(", ")}]`;
      for (const reml of [true, false]) {
        const closed = balancedChainObjective(cp, { reml, parts: "log-determinants" })!;
        const a = secondOrder(K + 1), b = secondOrder(K + 1);
        assert.ok(closed.evaluate(x, a) && jets.evaluate(x));
        assert.ok(jets.deviance(b, { reml, parts: "log-determinants" }));
        assert.ok(
          relative(a.f, b.f, Math.max(Math.abs(b.f), 1)) < tolerance,
          `${what}: f ${a.f} vs ${b.f}`,
        );
        const hScale = Math.max(...b.H.map(Math.abs));
        a.H.forEach((v, i) =>
          assert.ok(relative(v, b.H[i], hScale) < tolerance, `${what}: H[${i}] ${v} vs ${b.H[i]}`)
        );
      }
      // The jets reach Var(beta) as 1 / (1'V^-1 1) through the recursion, and its gradient as
      // -[A (dQ/ds) A]: they lose digits where a variance is 0 (seen: 1.4e-10 relative) and more
      // where the variances are far apart (6e-7 at the fourth point), so only the first three
      // points are compared; the closed forms, L_K / N and m_t / N, are exact to rounding.
      if (all.indexOf(x) > 2) continue;
      const v = balancedFixedVariance(cp, x)!, w = jets.fixedCovariance()!;
      const varError = relative(v.variance, w.covariance[0], w.covariance[0]);
      assert.ok(varError < 1e-9, `${what}: Var ${v.variance} vs ${w.covariance[0]} (${varError})`);
      const gScale = Math.max(...w.gradient.map(Math.abs));
      v.gradient.forEach((g, k) =>
        assert.ok(
          relative(g, w.gradient[k], gScale) < 1e-9,
          `${what}: dVar/ds[${k}] ${g} vs ${w.gradient[k]}`,
        )
      );
    }
  }
});

Deno.test("balanced chain: the value equals the factor's deviance", () => {
  // The factor's determinant, at variance ratios of 1e5, is good to about 2e-12 relative.
  for (const [name, frame] of DESIGNS) {
    const cp = crossProducts(frame), K = cp.order.length;
    for (const reml of [true, false]) {
      const closed = balancedChainObjective(cp, { reml })!,
        factor = new VarianceDeviance(cp, { reml });
      for (const x of points(K)) {
        const out = secondOrder(K + 1);
        assert.ok(closed.evaluate(x, out));
        const want = factor.evaluate(x);
        assert.ok(
          relative(out.f, want, Math.abs(want)) < 1e-10,
          `${name}, [${x}]: ${out.f} vs ${want}`,
        );
      }
    }
  }
});

Deno.test("balanced chain: outside the domain, unbalanced designs and covariates", () => {
  const cp = crossProducts(balanced([3, 4, 2]));
  const closed = balancedChainObjective(cp, { reml: true })!, out = secondOrder(3);
  for (const x of [[1, 1, 0], [1, -1e-9, 1], [NaN, 1, 1], [1, 1, Infinity]]) {
    assert.equal(closed.evaluate(Float64Array.from(x), out), false, `[${x}]`);
  }
  // One row fewer in the last cell: not balanced.
  const frame = balanced([3, 4, 2]), n = frame.y.length - 1;
  const short: ModelFrame = {
    ...frame,
    y: frame.y.subarray(0, n),
    X: frame.X.subarray(0, n),
    terms: frame.terms.map((t) => ({ ...t, codes: t.codes.subarray(0, n) })),
  };
  assert.equal(balancedChainObjective(crossProducts(short), { reml: true }), null);
  // A covariate: not intercept-only.
  const X = new Float64Array(2 * frame.y.length);
  for (let i = 0; i < frame.y.length; i++) X[2 * i] = 1, X[2 * i + 1] = wobble(5000 + i);
  const withX: ModelFrame = { ...frame, X, fixedNames: ["(Intercept)", "x"] };
  assert.equal(balancedChainObjective(crossProducts(withX), { reml: true }), null);
});

Deno.test("balanced chain: REML fits equal the ANOVA estimates when these are positive", () => {
  // Searle et al. 1992, section 6.7: in balanced data, REML is the ANOVA solution
  // when every ANOVA estimate is positive.
  for (const [name, frame] of DESIGNS) {
    const cp = crossProducts(frame), anova = hierarchicalAnova(cp);
    if (!anova.variances.every((s) => s > 0)) continue;
    const fit = fitVarComp(frame, { method: "reml", crossProducts: cp });
    cp.order.forEach((term, t) => {
      const got = fit.variances[frame.terms[term].name], want = anova.variances[t];
      assert.ok(
        relative(got, want, want) < 1e-8,
        `${name}, ${frame.terms[term].name}: ${got} vs ${want}`,
      );
    });
    const s0 = fit.variances.Residual;
    assert.ok(relative(s0, anova.residual, anova.residual) < 1e-8, `${name}: ${s0}`);
  }
});
