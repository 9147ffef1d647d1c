// The blocked factor's profiled criterion against a dense n x n computation
// with ml-matrix, at arbitrary theta, for every layout: nested chains,
// crossed, partially crossed and three-term designs, with covariates.
import assert from "node:assert";
import { CholeskyDecomposition, Matrix } from "../../lib/_deps/ml_matrix.ts";
import { crossProducts } from "../../lib/model/cross_products.ts";
import { blockedFactor } from "../../lib/fit/blocked_factor.ts";
import { profiledCriterion } from "../../lib/fit/fit.ts";
import { SchurFactor } from "../../lib/fit/_schur_factor.ts";
import type { ModelFrame } from "../../lib/model/frame.ts";

/** Deterministic, irregular values (no RNG needed for an algebraic identity). */
function wobble(i: number, k: number): number {
  const s = Math.sin(12.9898 * (i + 1) + 78.233 * (k + 1)) * 43758.5453;
  return s - Math.floor(s) - 0.5;
}

function frame(
  codes: Record<string, number[]>,
  covariates: number,
): ModelFrame {
  const n = Object.values(codes)[0].length;
  const p = 1 + covariates;
  const X = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    X[i] = 1;
    for (let c = 1; c < p; c++) X[c * n + i] = wobble(i, c + 10);
  }
  const y = Float64Array.from(
    { length: n },
    (_, i) => 3 * wobble(i, 0) + (codes.a?.[i] ?? 0) * 0.3,
  );
  return {
    response: "y",
    y,
    X,
    fixedNames: ["(Intercept)", ...Array.from({ length: covariates }, (_, c) => `x${c + 1}`)],
    terms: Object.entries(codes).map(([name, c]) => ({
      name,
      codes: Int32Array.from(c),
      levels: Array.from({ length: Math.max(...c) + 1 }, (_, l) => String(l)),
    })),
    droppedRows: 0,
  };
}

/** -2 log-likelihood profiled over sigma^2, by dense algebra on V = I + sum theta_k^2 Z_k Z_k'. */
function denseCriterion(f: ModelFrame, theta: number[], reml: boolean): number {
  const n = f.y.length, p = f.fixedNames.length;
  const V = Matrix.eye(n, n);
  f.terms.forEach((t, k) => {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (t.codes[i] === t.codes[j]) V.set(i, j, V.get(i, j) + theta[k] ** 2);
      }
    }
  });
  const X = new Matrix(n, p);
  for (let i = 0; i < n; i++) for (let c = 0; c < p; c++) X.set(i, c, f.X[c * n + i]);
  const y = Matrix.columnVector(Array.from(f.y));
  const chol = new CholeskyDecomposition(V);
  const logdetV = 2 *
    Array.from({ length: n }, (_, i) => Math.log(chol.lowerTriangularMatrix.get(i, i)))
      .reduce((a, b) => a + b);
  const ViX = chol.solve(X), Viy = chol.solve(y);
  const XtViX = X.transpose().mmul(ViX);
  const sym = XtViX.clone().add(XtViX.transpose()).mul(0.5);
  const cx = new CholeskyDecomposition(sym);
  const beta = cx.solve(X.transpose().mmul(Viy));
  const r = y.clone().sub(X.mmul(beta));
  const r2 = r.transpose().mmul(chol.solve(r)).get(0, 0);
  if (!reml) return logdetV + n * (1 + Math.log((2 * Math.PI * r2) / n));
  const logdetXVX = 2 *
    Array.from({ length: p }, (_, i) => Math.log(cx.lowerTriangularMatrix.get(i, i))).reduce((
      a,
      b,
    ) => a + b);
  return logdetV + logdetXVX + (n - p) * (1 + Math.log((2 * Math.PI * r2) / (n - p)));
}

function check(name: string, f: ModelFrame, layout: string, thetas: number[][]) {
  Deno.test(`blocked factor (${layout}) equals the dense criterion: ${name}`, () => {
    const cp = crossProducts(f);
    const auto = blockedFactor(cp);
    assert.equal(auto.layout, layout);
    const factors = layout === "dense-schur"
      ? [new SchurFactor(cp, "grouped"), new SchurFactor(cp, "direct")]
      : [auto];
    for (const factor of factors) {
      for (const theta of thetas) {
        const sorted = Float64Array.from(cp.order, (i) => theta[i]);
        for (const reml of [true, false]) {
          assert.ok(factor.update(sorted));
          const got = profiledCriterion(factor, { n: cp.n, p: cp.p, reml });
          const want = denseCriterion(f, theta, reml);
          assert.ok(
            Math.abs(got - want) <= 1e-10 * Math.abs(want),
            `theta ${theta} reml ${reml}: ${got} vs ${want}`,
          );
        }
      }
    }
  });
}

const n = 48;
const idx = Array.from({ length: n }, (_, i) => i);
// Unbalanced nested: 4 batches with 2, 3, 1, 4 casks of uneven sizes.
const caskOf = idx.map((i) => Math.floor((i * i) / 97) % 10);
const batchOf = caskOf.map((c) => [0, 0, 1, 1, 1, 2, 3, 3, 3, 3][c]);
check("unbalanced a/b with a covariate", frame({ a: batchOf, "a:b": caskOf }, 1), "nested-chain", [
  [0.5, 1.3],
  [0, 2],
  [1.7, 0],
  [3, 0.01],
]);
check(
  "three-level chain",
  frame(
    { a: idx.map((i) => i % 3), "a:b": idx.map((i) => i % 6), "a:b:c": idx.map((i) => i % 12) },
    0,
  ),
  "nested-chain",
  [[0.4, 0.9, 1.1], [0, 0.5, 0]],
);
check(
  "crossed with empty cells",
  frame({ a: idx.map((i) => i % 8), b: idx.map((i) => Math.floor(i / 5) % 5) }, 2),
  "dense-schur",
  [
    [0.5, 1.3],
    [0, 2],
    [1.7, 0],
  ],
);
check("unequal counts", frame({ a: caskOf, b: idx.map((i) => (i * 7) % 4) }, 0), "dense-schur", [[
  0.8,
  0.6,
], [2, 0]]);
check(
  "three terms: nested plus crossed",
  frame({ a: batchOf, "a:b": caskOf, c: idx.map((i) => i % 3) }, 1),
  "dense-schur",
  [[0.4, 0.9, 1.1], [1, 0, 0.3]],
);

Deno.test("dense-Schur factors of one cross-products share its layout, not their state", () => {
  // Factors of one cross-products share what does not change with theta (_schur_factor.ts);
  // updated in turn at different thetas, each must give, to the bit, what a factor of its
  // own (of a copy of the cross-products, so that nothing is shared) gives.
  const f = frame({ a: idx.map((i) => i % 8), b: idx.map((i) => Math.floor(i / 5) % 5) }, 2);
  const cp = crossProducts(f);
  const thetas = [[0.5, 1.3], [0, 2], [1.7, 0.2]].map((t) =>
    Float64Array.from(cp.order, (i) => t[i])
  );
  for (const grouping of ["grouped", "direct"] as const) {
    const shared = thetas.map(() => new SchurFactor(cp, grouping));
    const alone = thetas.map(() => new SchurFactor({ ...cp }, grouping));
    for (let round = 0; round < 2; round++) {
      thetas.forEach((theta, k) => {
        assert.ok(shared[k].update(theta));
        assert.ok(alone[k].update(theta));
      });
      thetas.forEach((_, k) => {
        const [a, b] = [shared[k], alone[k]];
        assert.deepStrictEqual(
          [a.logdetL2, a.logdetRX2, a.r2, [...a.trailing]],
          [b.logdetL2, b.logdetRX2, b.r2, [...b.trailing]],
          `${grouping} theta ${thetas[k]}`,
        );
      });
    }
  }
});
