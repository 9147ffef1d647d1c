/**
 * The sampling covariance of vcsim's ANOVA estimators (the hierarchical
 * nested ANOVA and MIVQUE0 of lib/fit/moments.ts), the standard errors of
 * an ANOVA fit: not the inverse REML information, which in unbalanced
 * designs is the efficient estimator's variance, not this one's
 * (ALGORITHMS.md section 4, "Variance of a quadratic estimator").
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";
import {
  _sharedHierarchicalEquations,
  mivque0Equations,
  type MomentEstimates,
  momentEstimator,
} from "../fit/moments.ts";
import { _solveLinearScratch } from "../linalg/solve.ts";
import { scratchFloat64 } from "../_typed_arrays.ts";
import { _hierarchicalQuadraticCovariance } from "./_hierarchical_quadratics.ts";
import { _mivque0QuadraticCovariance } from "./_mivque0_quadratics.ts";

/** Options of {@linkcode anovaCovariance}. */
export interface AnovaCovarianceOptions {
  /**
   * Which moment estimator produced the estimates.
   * @default the one momentEstimates uses for `cp` (momentEstimator)
   */
  estimator?: MomentEstimates["estimator"];
}

/**
 * Covariance of the moment estimator s-hat = C^-1 q, q_i = y'Q_i y, for
 * normal y: Cov(q_i, q_j) = 2 tr(Q_i V Q_j V) and
 * Cov(s-hat) = C^-1 Cov(q) C^-T (Searle, Casella & McCulloch 1992, ch. 5
 * and 11), evaluated at V(s) with `variances` (sorted terms, then the
 * residual) and negative components taken as 0. The traces are sums over
 * levels (hierarchical) or Z'Z-block products (MIVQUE0); see
 * _hierarchical_quadratics.ts and _mivque0_quadratics.ts. In balanced
 * designs this is sum_k c_k^2 2 E[MS_k]^2 / df_k for each estimate
 * sum_k c_k MS_k, with the expectations at the estimates.
 *
 * Returns the (K+1) x (K+1) covariance, row-major in the same order, or
 * null when C is singular.
 *
 * Cost: O(K^2 q) hierarchical; O((l_1 p + nnz(Z_1'Z_r) + nnz(Z_r'Z_r)) m
 * + m^2 p) MIVQUE0, with l_1 the levels of the largest term and m those of
 * the others (the notebook's nested design: 0.15 ms; its crossed one: 7 ms).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { anovaCovariance } from "./anova_covariance.ts";
 * // Balanced one-way, a = 3 groups of n = 2: at (s_a, s) = (1, 2) the mean
 * // squares have expectations L = s + n s_a = 4 and s, so
 * // Var(s_a-hat) = 2/n^2 (L^2/(a-1) + s^2/(N-a)) = (16/2 + 4/3) / 2.
 * const cp = crossProducts({
 *   response: "y", y: new Float64Array([1, 2, 5, 6, 2, 4]), X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 * });
 * const cov = anovaCovariance(cp, new Float64Array([1, 2]))!;
 * assert.ok(Math.abs(cov[0] - (16 / 2 + 4 / 3) / 2) < 1e-12);
 * assert.ok(Math.abs(cov[3] - (2 * 4) / 3) < 1e-12); // Var(MSE) = 2 s^2 / (N - a)
 * ```
 */
export function anovaCovariance(
  cp: CrossProducts,
  variances: Float64Array,
  options: AnovaCovarianceOptions = {},
): Float64Array | null {
  const N = cp.nlevels.length + 1;
  if (variances.length !== N || !variances.every(Number.isFinite)) {
    throw new TypeError(
      `variances must be ${N} finite numbers (sorted terms, then the residual), got [${
        Array.from(variances).join(", ")
      }]`,
    );
  }
  const estimator = options.estimator ?? momentEstimator(cp);
  if (estimator !== "hierarchical" && estimator !== "mivque0") {
    throw new TypeError(
      `unknown moment estimator "${estimator}": expected hierarchical or mivque0`,
    );
  }
  const s = variances.map((v) => Math.max(v, 0));
  const hierarchical = estimator === "hierarchical";
  const C = (hierarchical ? _sharedHierarchicalEquations(cp) : mivque0Equations(cp)).coefficients;
  const covQ = hierarchical
    ? _hierarchicalQuadraticCovariance(cp, s)
    : _mivque0QuadraticCovariance(cp, s);
  // A = C^-1 column by column, then A Cov(q) A'.
  const A = scratchFloat64(N * N);
  for (let j = 0; j < N; j++) {
    const e = scratchFloat64(N);
    e[j] = 1;
    const col = _solveLinearScratch(C, e, N);
    if (!col) return null;
    for (let i = 0; i < N; i++) A[i * N + j] = col[i];
  }
  const AQ = scratchFloat64(N * N);
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < N; k++) {
      for (let j = 0; j < N; j++) AQ[i * N + j] += A[i * N + k] * covQ[k * N + j];
    }
  }
  const cov = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j <= i; j++) {
      let v = 0;
      for (let k = 0; k < N; k++) v += AQ[i * N + k] * A[j * N + k];
      cov[i * N + j] = cov[j * N + i] = v;
    }
  }
  return cov;
}
