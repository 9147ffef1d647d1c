/**
 * Satterthwaite degrees of freedom for fixed-effect coefficients
 * (Giesbrecht & Burns 1985; the method of lmerTest, Kuznetsova et al.
 * 2017): nu_j = 2 Var(beta_j)^2 / (g' A g), where Var(beta_j) is a function
 * of the variances s, g its gradient in s, and A the covariance of s-hat.
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";
import { blockedFactor } from "../fit/blocked_factor.ts";
import { _inverseFromCholeskyInto } from "../linalg/cholesky.ts";
import { differenceSteps } from "./_difference_steps.ts";
import type { VarianceCovariance } from "./information.ts";
import { _informationCovariance } from "./_information_covariance.ts";
import { isNestedChain } from "../fit/_chain_factor.ts";
import { chainDerivatives } from "../fit/_chain_derivatives.ts";
import { balancedFixedVariance } from "../fit/_balanced_chain.ts";
import { scratchCopy, scratchFloat64 } from "../_typed_arrays.ts";

// lme4's isSingular tolerance on theta_k = sigma_k / sigma, on the variance scale.
const BOUNDARY_RATIO = 1e-8;

/**
 * Degrees of freedom of each fixed effect at the estimates of `variance`
 * (negative ANOVA estimates taken as 0), with its covariance as A.
 * Returns null for a coefficient whose gradient term vanishes, and for all
 * when the covariance is not available.
 *
 * With the observed information (lmerTest's choice) a component at the
 * boundary (sigma_k^2 / sigma^2 < 1e-8, lme4's isSingular) is held fixed:
 * A is the inverse observed information of the other parameters alone and
 * g has no entry for it. That is what lmerTest computes: its Hessian and
 * Jacobian are in (theta, sigma), where -2 log L and Var(beta) are even in
 * each theta_k, so at theta_k = 0 the cross derivatives and dVar(beta) /
 * dtheta_k vanish and the component drops out (lmerTest 3.1
 * `as_lmerModLT`, `get_covbeta`). In the variances the boundary is a
 * corner with one-sided derivatives that would count the component. The
 * expected information keeps every component, matching the balanced
 * closed forms at a zero estimate. The gradient is exact for nested chains
 * (one derivative evaluation, lib/fit/_chain_derivatives.ts); for crossed
 * terms it costs 2 (K + 1) + 1 factor updates and a p x p inverse each
 * (one more information matrix at the boundary).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { fitVarComp } from "../fit/fit.ts";
 * import { varianceCovariance } from "./information.ts";
 * import { satterthwaiteFixedDf } from "./satterthwaite_df.ts";
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 5, 6, 2, 4]), X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 * };
 * const cp = crossProducts(frame);
 * const fit = fitVarComp(frame);
 * // The mean of a balanced one-way design: Var(ybar) = MSA / (a n), so a - 1 = 2 df.
 * const [df] = satterthwaiteFixedDf(cp, varianceCovariance(frame, fit, { crossProducts: cp }));
 * assert.ok(Math.abs(df! - 2) < 1e-6);
 * ```
 */
export function satterthwaiteFixedDf(
  cp: CrossProducts,
  variance: VarianceCovariance,
): (number | null)[] {
  const K = cp.order.length, d = K + 1, p = cp.p;
  // The factor works in sorted-term order: position t holds frame term order[t].
  const frameIndex = (t: number) => t < K ? cp.order[t] : K;
  const s = scratchFloat64(d);
  for (let t = 0; t < d; t++) s[t] = Math.max(variance.estimates[frameIndex(t)], 0);
  const held = heldAtBoundary(variance, s);
  const covariance = held.some((h) => h)
    ? _informationCovariance(cp, s, {
      kind: "observed",
      reml: variance.likelihood === "REML",
      fixed: held,
    })
    : sortedCovariance(variance, frameIndex);
  if (!covariance) return new Array(p).fill(null);
  const slopes = isNestedChain(cp) ? exactSlopes(cp, s) : differenceSlopes(cp, s, held);
  if (!slopes) return new Array(p).fill(null);
  const { v0, grad } = slopes;
  return grad.map((g, j) => {
    let q = 0;
    for (let a = 0; a < d; a++) {
      if (held[a]) continue;
      for (let b = 0; b < d; b++) if (!held[b]) q += g[a] * covariance[a * d + b] * g[b];
    }
    const df = (2 * v0[j] * v0[j]) / q;
    return q > 0 && Number.isFinite(df) ? df : null;
  });
}

/** Var(beta_j) at s and its gradient in s, per coefficient j. */
interface Slopes {
  readonly v0: Float64Array;
  readonly grad: Float64Array[];
}

/**
 * Exact Var(beta_j) and gradient for nested chains (lib/fit/_chain_derivatives.ts;
 * balanced ones with an intercept only in closed form, lib/fit/_balanced_chain.ts).
 */
function exactSlopes(cp: CrossProducts, s: Float64Array): Slopes | null {
  const balanced = balancedFixedVariance(cp, s);
  if (balanced) return { v0: scratchFloat64(1).fill(balanced.variance), grad: [balanced.gradient] };
  const derivatives = chainDerivatives(cp), p = cp.p, d = s.length;
  const fixed = derivatives.evaluate(s) ? derivatives.fixedCovariance() : null;
  if (!fixed) return null;
  return {
    v0: Float64Array.from({ length: p }, (_, j) => fixed.covariance[j * p + j]),
    grad: Array.from({ length: p }, (_, j) => fixed.gradient.slice(j * d, (j + 1) * d)),
  };
}

/** The same by central differences of the blocked factor (forward at a boundary). */
function differenceSlopes(cp: CrossProducts, s: Float64Array, held: boolean[]): Slopes | null {
  const K = cp.order.length, d = K + 1, p = cp.p, P = p + 1;
  const factor = blockedFactor(cp);
  const theta = scratchFloat64(K);
  // Var(beta) = sigma^2 (R_X'R_X)^-1 at s.
  const varBeta = (x: Float64Array): Float64Array | null => {
    for (let k = 0; k < K; k++) theta[k] = Math.sqrt(Math.max(x[k], 0) / x[K]);
    if (!factor.update(theta)) return null;
    const lxx = scratchFloat64(p * p);
    for (let c = 0; c < p; c++) {
      for (let e = 0; e <= c; e++) lxx[c * p + e] = factor.trailing[c * P + e];
    }
    const inv = _inverseFromCholeskyInto(lxx, { n: p, into: scratchFloat64(p * p) });
    const v = scratchFloat64(p);
    for (let j = 0; j < p; j++) v[j] = x[K] * inv[j * p + j];
    return v;
  };
  const v0 = varBeta(s);
  if (!v0) return null;
  const grad = Array.from({ length: p }, () => scratchFloat64(d));
  const steps = differenceSteps(s, 1e-4, 0.1);
  for (let k = 0; k < d; k++) {
    if (held[k]) continue;
    const h = steps[k];
    const up = scratchCopy(s), down = scratchCopy(s);
    up[k] += h;
    // Central where the stencil stays in s >= 0, forward at the boundary.
    const central = s[k] - h >= 0;
    if (central) down[k] -= h;
    const vu = varBeta(up), vd = central ? varBeta(down) : v0;
    if (!vu || !vd) return null;
    for (let j = 0; j < p; j++) grad[j][k] = (vu[j] - vd[j]) / (central ? 2 * h : h);
  }
  return { v0, grad };
}

/** Components held at 0: at the boundary, with the observed information of a likelihood. */
function heldAtBoundary(variance: VarianceCovariance, s: Float64Array): boolean[] {
  const K = s.length - 1;
  const applies = variance.source === "information" && variance.kind === "observed";
  return Array.from(s, (v, k) => applies && k < K && v < BOUNDARY_RATIO * s[K]);
}

/** The covariance of `variance` in sorted-term order, or null. */
function sortedCovariance(
  variance: VarianceCovariance,
  frameIndex: (t: number) => number,
): Float64Array | null {
  const cov = variance.covariance, d = variance.estimates.length;
  if (!cov) return null;
  const sorted = scratchFloat64(d * d);
  for (let ij = 0; ij < d * d; ij++) {
    sorted[ij] = cov[frameIndex(Math.floor(ij / d)) * d + frameIndex(ij % d)];
  }
  return sorted;
}
