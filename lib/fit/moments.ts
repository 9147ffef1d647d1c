/**
 * Method-of-moments (ANOVA) estimates of the variance components, from the
 * cross-products alone. They are the ANOVA fit and the optimizer's start.
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";
import { _inverseFromCholeskyInto, choleskyInPlace } from "../linalg/cholesky.ts";
import { float64Arrays, scratchFloat64 } from "../_typed_arrays.ts";
import { _solveLinearScratch } from "../linalg/solve.ts";
import { isNestedChain } from "./_chain_factor.ts";
import { _designMemo } from "./_design_memo.ts";
import { RecentMemo } from "../_recent_memo.ts";

/** Moment estimates; raw, so a component may be negative. */
export interface MomentEstimates {
  /** One variance per sorted term (see CrossProducts.order). */
  readonly variances: Float64Array;
  /** The residual variance. */
  readonly residual: number;
  /**
   * Which estimator: `hierarchical` is the nested ANOVA of sums of squares
   * between levels within the next coarser term (Searle, Casella & McCulloch
   * 1992, ch. 3-5; the closed forms in balanced designs), `mivque0` is
   * MIVQUE with prior weights (0, ..., 0, 1) (Searle et al. 1992 ch. 11),
   * used for crossed terms or covariates.
   */
  readonly estimator: "hierarchical" | "mivque0";
}

/**
 * ANOVA estimates: the hierarchical (nested) ANOVA for intercept-only
 * nested chains, else MIVQUE0. Both equal the balanced closed forms of
 * ALGORITHMS.md section 3 on balanced data.
 *
 * Cost: O(q K^2 + nnz(Z'Z) p + q p^2), independent of n.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { momentEstimates } from "./moments.ts";
 * // One-way, 2 groups of 2: MSA = 16, MSE = 0.5, so s_a = (16 - 0.5) / 2.
 * const m = momentEstimates(crossProducts({
 *   response: "y",
 *   y: new Float64Array([1, 2, 5, 6]),
 *   X: new Float64Array([1, 1, 1, 1]),
 *   fixedNames: ["(Intercept)"],
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1]), levels: ["a", "b"] }],
 *   droppedRows: 0,
 * }));
 * assert.equal(m.estimator, "hierarchical");
 * assert.ok(Math.abs(m.variances[0] - 7.75) < 1e-12 && Math.abs(m.residual - 0.5) < 1e-12);
 * ```
 */
export function momentEstimates(cp: CrossProducts): MomentEstimates {
  return momentEstimator(cp) === "hierarchical" ? hierarchicalAnova(cp) : mivque0(cp);
}

/**
 * Which moment estimator {@linkcode momentEstimates} uses for `cp`: the
 * hierarchical ANOVA for intercept-only nested chains, else MIVQUE0.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { momentEstimator } from "./moments.ts";
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 5, 6]), fixedNames: ["(Intercept)", "x"],
 *   X: new Float64Array([1, 1, 1, 1, 0, 1, 0, 2]), droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1]), levels: ["a", "b"] }],
 * };
 * assert.equal(momentEstimator(crossProducts(frame)), "mivque0"); // a covariate
 * ```
 */
export function momentEstimator(cp: CrossProducts): MomentEstimates["estimator"] {
  return isNestedChain(cp) && isInterceptOnly(cp) ? "hierarchical" : "mivque0";
}

/**
 * The moment equations C s = q of an estimator: E[q_i] = sum_j C_ij s_j
 * with q_i = y'Q_i y, unknowns s the sorted terms' variances then the
 * residual's. The estimate is C^-1 q; its sampling covariance needs the
 * Q_i, which each estimator's equations function documents (row order).
 */
export interface MomentEquations {
  readonly estimator: MomentEstimates["estimator"];
  /** C, row-major (K+1) x (K+1). */
  readonly coefficients: Float64Array;
  /** q, one quadratic form per row of C. */
  readonly quadratics: Float64Array;
}

/**
 * y'P_t y = sum over levels a of term t of (sum of y in a)^2 / n_a, the sum
 * of squares of the projection on term t's levels; t = K (past the last
 * term) is the grand mean, (sum y)^2 / n, when X is the intercept.
 * O(levels of term t).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { levelSumOfSquares } from "./moments.ts";
 * const cp = crossProducts({
 *   response: "y", y: new Float64Array([1, 2, 5, 6]), X: new Float64Array([1, 1, 1, 1]),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1]), levels: ["a", "b"] }],
 * });
 * assert.equal(levelSumOfSquares(cp, 0), 3 ** 2 / 2 + 11 ** 2 / 2); // group sums 3 and 11
 * assert.equal(levelSumOfSquares(cp, 1), 14 ** 2 / 4); // the grand mean
 * ```
 */
export function levelSumOfSquares(cp: CrossProducts, t: number): number {
  const P = cp.p + 1;
  if (t >= cp.nlevels.length) {
    const sy = cp.xyxy[(P - 1) * P];
    return (sy * sy) / cp.n;
  }
  const l = cp.nlevels[t], c = cp.counts[t], ys = cp.xyz[t].subarray((P - 1) * l);
  let s = 0;
  for (let a = 0; a < l; a++) s += (ys[a] * ys[a]) / c[a];
  return s;
}

/**
 * True when X is the single intercept column (a column of ones).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { isInterceptOnly } from "./moments.ts";
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 5, 6]), X: new Float64Array([1, 1, 1, 1]),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1]), levels: ["a", "b"] }],
 * };
 * assert.ok(isInterceptOnly(crossProducts(frame)));
 * const X = new Float64Array([1, 1, 1, 1, 0, 1, 0, 2]);
 * const withX = { ...frame, X, fixedNames: ["(Intercept)", "x"] };
 * assert.ok(!isInterceptOnly(crossProducts(withX)));
 * ```
 */
export function isInterceptOnly(cp: CrossProducts): boolean {
  let known = interceptOnly.get(cp);
  if (known === undefined) {
    known = cp.p === 1 && cp.xyxy[0] === cp.n && sameValues(cp.xyz[0], cp.counts[0]);
    interceptOnly.set(cp, known);
  }
  return known;
}

// Asked by every fit, interval and test of a replicate: answered once per cross-products.
const interceptOnly = new RecentMemo<CrossProducts, boolean>();

/** Whether the first c.length entries of x equal c's. */
function sameValues(x: Float64Array, c: Float64Array): boolean {
  for (let a = 0; a < c.length; a++) if (x[a] !== c[a]) return false;
  return true;
}

/**
 * Nested ANOVA: SS_t = y'(P_t - P_{t+1})y with P_t the projection on the
 * levels of term t (P_{-1} = I, P_K = grand mean), and
 * E[SS_t] = sum_j (T(t,j) - T(t+1,j)) s_j + (rank P_t - rank P_{t+1}) s0,
 * T(t,j) = tr(Z_j' P_t Z_j) = sum over levels m of j of n_m^2 / n_{anc_t(m)}
 * for j finer than t, and n otherwise (Searle et al. 1992, section 3.6 and 5.3).
 * Throws a RangeError unless the terms are a nested chain with an
 * intercept-only fixed part. Cost: O(q K) for q levels of K terms.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { hierarchicalAnova } from "./moments.ts";
 * // Balanced a/b: 2 levels of a, 2 of b in each, 2 rows per cell.
 * const cp = crossProducts({
 *   response: "y", y: new Float64Array([1, 3, 2, 4, 7, 8, 9, 13]), X: new Float64Array(8).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [
 *     { name: "a", codes: new Int32Array([0, 0, 0, 0, 1, 1, 1, 1]), levels: ["1", "2"] },
 *     {
 *       name: "a:b", codes: new Int32Array([0, 0, 1, 1, 2, 2, 3, 3]),
 *       levels: ["1", "2", "3", "4"],
 *     },
 *   ],
 * });
 * // Closed forms: MSE = 3.125, MS(b in a) = 6.625, MSA = 91.125, so
 * // s_b = (6.625 - 3.125) / 2 and s_a = (91.125 - 6.625) / 4. Sorted terms: finest first.
 * const m = hierarchicalAnova(cp);
 * assert.deepEqual(cp.order, [1, 0]);
 * assert.ok(Math.abs(m.variances[0] - 1.75) < 1e-12 && Math.abs(m.variances[1] - 21.125) < 1e-12);
 * assert.ok(Math.abs(m.residual - 3.125) < 1e-12);
 * ```
 */
export function hierarchicalAnova(cp: CrossProducts): MomentEstimates {
  const { coefficients, quadratics } = _sharedHierarchicalEquations(cp);
  return fromSolution(_solveLinearScratch(coefficients, quadratics, cp.nlevels.length + 1), cp, {
    estimator: "hierarchical",
  });
}

/**
 * The equations of {@linkcode hierarchicalAnova}: row r is the stratum
 * t = r - 1 (row 0 the residual, SS_{-1} = y'(I - P_0)y), so that
 * Q_r = P_{r-1} - P_r.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { hierarchicalEquations } from "./moments.ts";
 * // One-way, 2 groups of 2: E[SSE] = 2 s0, E[SSA] = 2 s_a + s0.
 * const eq = hierarchicalEquations(crossProducts({
 *   response: "y", y: new Float64Array([1, 2, 5, 6]), X: new Float64Array([1, 1, 1, 1]),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1]), levels: ["a", "b"] }],
 * }));
 * assert.deepEqual(Array.from(eq.coefficients), [0, 2, 2, 1]);
 * assert.deepEqual(Array.from(eq.quadratics), [1, 16]);
 * ```
 */
export function hierarchicalEquations(cp: CrossProducts): MomentEquations {
  const eq = _sharedHierarchicalEquations(cp);
  return {
    estimator: eq.estimator,
    coefficients: Float64Array.from(eq.coefficients),
    quadratics: Float64Array.from(eq.quadratics),
  };
}

/**
 * {@linkcode hierarchicalEquations} as kept for `cp`, not copied: for callers that only read
 * them. Every fit of a replicate and its ANOVA covariance ask for them: computed once.
 */
export function _sharedHierarchicalEquations(cp: CrossProducts): MomentEquations {
  let eq = equationsCache.get(cp);
  if (!eq) {
    eq = computeHierarchicalEquations(cp);
    equationsCache.set(cp, eq);
  }
  return eq;
}

const equationsCache = new RecentMemo<CrossProducts, MomentEquations>();

/**
 * table[t + 1][j] = T(t, j) for strata t = -1 .. K: counts alone, so once
 * per design.
 */
const traceTable = _designMemo((cp) => {
  const K = cp.nlevels.length, n = cp.n;
  const table = Array.from({ length: K + 2 }, () => new Float64Array(K).fill(n));
  for (let j = 0; j < K; j++) {
    const cj = cp.counts[j];
    const anc = new Int32Array(cj.length);
    for (let m = 0; m < anc.length; m++) anc[m] = m;
    for (let t = j + 1; t < K; t++) {
      const parent = cp.pairs[t][t - 1].rowIdx, ct = cp.counts[t];
      let s = 0;
      for (let m = 0; m < cj.length; m++) {
        anc[m] = parent[anc[m]];
        s += (cj[m] * cj[m]) / ct[anc[m]];
      }
      table[t + 1][j] = s;
    }
    table[K + 1][j] = sumSquares(cj) / n;
  }
  return table as readonly Float64Array[];
});

function computeHierarchicalEquations(cp: CrossProducts): MomentEquations {
  if (!isNestedChain(cp)) {
    throw new RangeError("the hierarchical ANOVA needs each term nested in the next");
  }
  if (!isInterceptOnly(cp)) {
    throw new RangeError("the hierarchical ANOVA needs an intercept-only fixed part");
  }
  const K = cp.nlevels.length, n = cp.n, P = cp.p + 1;
  const table = traceTable(cp);
  const T = (t: number, j: number): number => table[t + 1][j];
  const rank = (t: number): number => t < 0 ? n : t >= K ? 1 : cp.nlevels[t];
  const quads = Float64Array.from(
    { length: K + 2 },
    (_, i) => i === 0 ? cp.xyxy[P * P - 1] : levelSumOfSquares(cp, i - 1),
  );
  const quad = (t: number): number => quads[t + 1];
  // Rows: strata t = -1 (residual) .. K-1; unknowns s_0..s_{K-1}, s0 last.
  const N = K + 1, A = new Float64Array(N * N), b = new Float64Array(N);
  for (let row = 0; row < N; row++) {
    const t = row - 1;
    for (let j = 0; j < K; j++) A[row * N + j] = T(t, j) - T(t + 1, j);
    A[row * N + K] = rank(t) - rank(t + 1);
    b[row] = quad(t) - quad(t + 1);
  }
  return { estimator: "hierarchical", coefficients: A, quadratics: b };
}

/**
 * MIVQUE0: sum_j tr(M V_i M V_j) s_j = y'M V_i M y, V_i = Z_i Z_i', V_0 = I,
 * M = I - X(X'X)^-1 X' (ALGORITHMS.md section 3). With U_i = Z_i'X and
 * B = (X'X)^-1, tr(M V_i M V_j) = ||Z_i'Z_j - U_i B U_j'||_F^2, expanded so
 * that only the nonzero co-occurrence counts and p x p products are touched.
 * Throws a RangeError when X is rank deficient or the equations are singular.
 * Cost: O(nnz(Z'Z) p + q p^2), independent of n.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { mivque0 } from "./moments.ts";
 * // Balanced a/b: 2 levels of a, 2 of b in each, 2 rows per cell.
 * const cp = crossProducts({
 *   response: "y", y: new Float64Array([1, 3, 2, 4, 7, 8, 9, 13]), X: new Float64Array(8).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [
 *     { name: "a", codes: new Int32Array([0, 0, 0, 0, 1, 1, 1, 1]), levels: ["1", "2"] },
 *     {
 *       name: "a:b", codes: new Int32Array([0, 0, 1, 1, 2, 2, 3, 3]),
 *       levels: ["1", "2", "3", "4"],
 *     },
 *   ],
 * });
 * // On balanced data it is the ANOVA (see hierarchicalAnova): s_b = 1.75, s_a = 21.125.
 * const m = mivque0(cp);
 * assert.equal(m.estimator, "mivque0");
 * assert.ok(Math.abs(m.variances[0] - 1.75) < 1e-12 && Math.abs(m.variances[1] - 21.125) < 1e-12);
 * assert.ok(Math.abs(m.residual - 3.125) < 1e-12);
 * ```
 */
export function mivque0(cp: CrossProducts): MomentEstimates {
  const { coefficients, quadratics } = mivque0Equations(cp);
  return fromSolution(_solveLinearScratch(coefficients, quadratics, cp.nlevels.length + 1), cp, {
    estimator: "mivque0",
  });
}

/**
 * The equations of {@linkcode mivque0}: row i < K is q_i = y'M V_i M y
 * (sorted term i), row K is q_K = y'My, so that Q_i = M V_i M and Q_K = M.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { mivque0Equations } from "./moments.ts";
 * // One-way, 2 groups of 2: Z'MZ = [1 -1; -1 1], so tr(M V_1 M V_1) = 4, tr(M V_1) = 2,
 * // tr(M) = 3; the centered group sums are -4 and 4.
 * const eq = mivque0Equations(crossProducts({
 *   response: "y", y: new Float64Array([1, 2, 5, 6]), X: new Float64Array([1, 1, 1, 1]),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1]), levels: ["a", "b"] }],
 * }));
 * assert.deepEqual(Array.from(eq.coefficients), [4, 2, 2, 3]);
 * assert.deepEqual(Array.from(eq.quadratics), [32, 17]);
 * ```
 */
export function mivque0Equations(cp: CrossProducts): MomentEquations {
  const K = cp.nlevels.length, n = cp.n, p = cp.p, P = p + 1;
  // Temporaries in one block (typed arrays are costly to make one by one): X'X (factored in place),
  // X'y, and per term U_i B (l_i x p, row-major) and F_i (p x p).
  const [work, xty, ...perTerm] = float64Arrays([
    p * p,
    p,
    ...cp.nlevels.flatMap((l) => [l * p, p * p]),
  ]);
  for (let c = 0; c < p; c++) for (let d = 0; d < p; d++) work[c * p + d] = cp.xyxy[c * P + d];
  if (choleskyInPlace(work, p) >= 0) {
    throw new RangeError("the fixed-effects design is rank deficient");
  }
  const B = _inverseFromCholeskyInto(work, { n: p, into: scratchFloat64(p * p) });
  for (let c = 0; c < p; c++) xty[c] = cp.xyxy[(P - 1) * P + c];
  const beta0 = matVec(B, xty, p);
  const UB: Float64Array[] = [], BF: Float64Array[] = [];
  for (let i = 0; i < K; i++) {
    const l = cp.nlevels[i], x = cp.xyz[i];
    const ub = perTerm[2 * i], F = perTerm[2 * i + 1];
    for (let a = 0; a < l; a++) {
      for (let c = 0; c < p; c++) {
        let s = 0;
        for (let d = 0; d < p; d++) s += x[d * l + a] * B[d * p + c];
        ub[a * p + c] = s;
        for (let d = 0; d < p; d++) F[c * p + d] += x[c * l + a] * x[d * l + a];
      }
    }
    UB.push(ub);
    BF.push(matMul(B, F, p));
  }
  const trProd = (X: Float64Array, Y: Float64Array): number => {
    let s = 0;
    for (let c = 0; c < p; c++) for (let d = 0; d < p; d++) s += X[c * p + d] * Y[d * p + c];
    return s;
  };
  // U_i[a] . (U_j B)[b]
  const bilinear = (i: number, a: number, j: number, b: number): number => {
    const x = cp.xyz[i], l = cp.nlevels[i], ub = UB[j];
    let s = 0;
    for (let c = 0; c < p; c++) s += x[c * l + a] * ub[b * p + c];
    return s;
  };
  const N = K + 1, [A, rhs] = float64Arrays([N * N, N]), I = identity(p);
  for (let i = 0; i < K; i++) {
    const c = cp.counts[i];
    let diag = 0;
    for (let a = 0; a < c.length; a++) diag += c[a] * c[a] - 2 * c[a] * bilinear(i, a, i, a);
    A[i * N + i] = diag + trProd(BF[i], BF[i]);
    for (let j = i + 1; j < K; j++) {
      const pr = cp.pairs[j][i];
      let s = 0;
      for (let a = 0; a < cp.nlevels[i]; a++) {
        for (let e = pr.colPtr[a]; e < pr.colPtr[a + 1]; e++) {
          const cnt = pr.count[e];
          s += cnt * cnt - 2 * cnt * bilinear(i, a, j, pr.rowIdx[e]);
        }
      }
      A[i * N + j] = A[j * N + i] = s + trProd(BF[i], BF[j]);
    }
    A[i * N + K] = A[K * N + i] = n - trProd(BF[i], I);
    const l = cp.nlevels[i], x = cp.xyz[i];
    let q = 0;
    for (let a = 0; a < l; a++) {
      let r = x[p * l + a];
      for (let d = 0; d < p; d++) r -= x[d * l + a] * beta0[d];
      q += r * r;
    }
    rhs[i] = q;
  }
  A[K * N + K] = n - p;
  let yMy = cp.xyxy[P * P - 1];
  for (let c = 0; c < p; c++) yMy -= xty[c] * beta0[c];
  rhs[K] = yMy;
  return { estimator: "mivque0", coefficients: A, quadratics: rhs };
}

function fromSolution(
  x: Float64Array | null,
  cp: CrossProducts,
  options: { estimator: MomentEstimates["estimator"] },
): MomentEstimates {
  const K = cp.nlevels.length, estimator = options.estimator;
  if (!x) {
    throw new RangeError(
      "the moment equations are singular: a variance component is not identifiable",
    );
  }
  return { variances: x.slice(0, K), residual: x[K], estimator };
}

function sumSquares(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return s;
}

function identity(p: number): Float64Array {
  const I = scratchFloat64(p * p);
  for (let c = 0; c < p; c++) I[c * p + c] = 1;
  return I;
}

function matVec(A: Float64Array, v: Float64Array, p: number): Float64Array {
  const out = scratchFloat64(p);
  for (let c = 0; c < p; c++) for (let d = 0; d < p; d++) out[c] += A[c * p + d] * v[d];
  return out;
}

function matMul(A: Float64Array, B: Float64Array, p: number): Float64Array {
  const out = scratchFloat64(p * p);
  for (let c = 0; c < p; c++) {
    for (let k = 0; k < p; k++) {
      const a = A[c * p + k];
      for (let d = 0; d < p; d++) out[c * p + d] += a * B[k * p + d];
    }
  }
  return out;
}
