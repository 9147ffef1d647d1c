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
import { inverseFromCholesky } from "../linalg/cholesky.ts";
import { differenceSteps } from "./_difference_steps.ts";
import type { VarianceCovariance } from "./information.ts";

/**
 * Degrees of freedom of each fixed effect at the estimates of `variance`
 * (negative ANOVA estimates taken as 0), with its covariance as A.
 * Returns null for a coefficient whose gradient term vanishes, and for all
 * when the covariance is not available.
 */
export function satterthwaiteFixedDf(
  cp: CrossProducts,
  variance: VarianceCovariance,
): (number | null)[] {
  const cov = variance.covariance;
  const K = cp.order.length, d = K + 1, p = cp.p, P = p + 1;
  if (!cov) return new Array(p).fill(null);
  // The factor works in sorted-term order: position t holds frame term order[t].
  const frameIndex = (t: number) => t < K ? cp.order[t] : K;
  const s = Float64Array.from(
    { length: d },
    (_, t) => Math.max(variance.estimates[frameIndex(t)], 0),
  );
  const covariance = Float64Array.from(
    { length: d * d },
    (_, ij) => cov[frameIndex(Math.floor(ij / d)) * d + frameIndex(ij % d)],
  );
  const factor = blockedFactor(cp);
  const theta = new Float64Array(K);
  // Var(beta) = sigma^2 (R_X'R_X)^-1 at s.
  const varBeta = (x: Float64Array): Float64Array | null => {
    for (let k = 0; k < K; k++) theta[k] = Math.sqrt(Math.max(x[k], 0) / x[K]);
    if (!factor.update(theta)) return null;
    const lxx = new Float64Array(p * p);
    for (let c = 0; c < p; c++) {
      for (let e = 0; e <= c; e++) lxx[c * p + e] = factor.trailing[c * P + e];
    }
    const inv = inverseFromCholesky(lxx, p);
    return Float64Array.from({ length: p }, (_, j) => x[K] * inv[j * p + j]);
  };
  const v0 = varBeta(s);
  if (!v0) return new Array(p).fill(null);
  const grad = Array.from({ length: p }, () => new Float64Array(d));
  const steps = differenceSteps(s, 1e-4, 0.1);
  for (let k = 0; k < d; k++) {
    const h = steps[k];
    const up = Float64Array.from(s), down = Float64Array.from(s);
    up[k] += h;
    // Central where the stencil stays in s >= 0, forward at the boundary.
    const central = s[k] - h >= 0;
    if (central) down[k] -= h;
    const vu = varBeta(up), vd = central ? varBeta(down) : v0;
    if (!vu || !vd) return new Array(p).fill(null);
    for (let j = 0; j < p; j++) grad[j][k] = (vu[j] - vd[j]) / (central ? 2 * h : h);
  }
  return grad.map((g, j) => {
    let q = 0;
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) q += g[a] * covariance[a * d + b] * g[b];
    }
    const df = (2 * v0[j] * v0[j]) / q;
    return q > 0 && Number.isFinite(df) ? df : null;
  });
}
