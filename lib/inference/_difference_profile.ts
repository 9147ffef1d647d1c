/**
 * Profile limits by finite differences of the blocked factor: the inner
 * minimiser of _conditional_minimizer.ts along each profile and a secant
 * and Brent search for the cutoff. What crossed terms use, and the fallback
 * of the exact Newton profiles of nested chains (profile.ts).
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";
import { blockedFactor } from "../fit/blocked_factor.ts";
import type { VarCompFit } from "../fit/fit.ts";
import { VarianceDeviance } from "./variance_deviance.ts";
import { ConditionalMinimizer, evenHessian } from "./_conditional_minimizer.ts";
import { brentRoot } from "../special/root.ts";
import { choleskyInPlace, forwardSolveInPlace } from "../linalg/cholesky.ts";
import type { FixedProfileOptions, ProfileLimits, VarianceProfileOptions } from "./profile.ts";
import { scratchCopy, scratchFloat64 } from "../_typed_arrays.ts";

/**
 * Profiles of -2 log L over each variance parameter (see VarianceProfile in
 * profile.ts), by finite differences: construction costs one Hessian
 * (O(d^2) deviance evaluations for d = K + 1 parameters), each limits call a
 * few dozen inner minimisations.
 */
export class DifferenceVarianceProfile {
  readonly #objective: (tau: Float64Array) => number;
  readonly #tauHat: Float64Array;
  readonly #dMin: number;
  readonly #hessian: Float64Array;

  constructor(cp: CrossProducts, s: Float64Array, options: VarianceProfileOptions = {}) {
    const deviance = new VarianceDeviance(cp, { reml: options.reml ?? true });
    const d = s.length, variances = new Float64Array(d);
    // Square-root-variance coordinates: the deviance is even in each and smooth at 0.
    this.#objective = (tau) => {
      for (let j = 0; j < d; j++) variances[j] = tau[j] * tau[j];
      return deviance.evaluate(variances);
    };
    this.#tauHat = Float64Array.from(s, Math.sqrt);
    this.#dMin = this.#objective(this.#tauHat);
    this.#hessian = evenHessian(this.#objective, this.#tauHat);
  }

  /**
   * Where the profile of parameter `index` rises by `cutoff` above its
   * minimum. The search is on the log-SD scale, where the signed root of the
   * profile is nearly linear; a component's lower limit is 0 when the
   * profile stays below the cutoff down to 0 (lme4).
   */
  limits(index: number, cutoff: number): ProfileLimits {
    const d = this.#tauHat.length, dMin = this.#dMin;
    const seLogSd = this.#seLogSd(index);
    const inner = new ConditionalMinimizer(this.#objective, this.#tauHat, index, this.#hessian);
    const profileAt = (sd: number): number => Math.max(inner.minimize(sd).f - dMin, 0);
    const sd = this.#tauHat[index];
    const step = Number.isFinite(seLogSd) && seLogSd > 0 ? Math.min(seLogSd, 2) : 0.5;
    const z = Math.sqrt(cutoff);
    const zeta = (logSd: number): number => Math.sqrt(profileAt(Math.exp(logSd)));
    // At a zero estimate log SD is unusable: search the SD scale itself from 0,
    // with a first step of a tenth of the residual SD.
    const upperSd = sd > 0
      ? Math.exp(searchLimit(zeta, Math.log(sd), step, z))
      : searchLimit((v) => Math.sqrt(profileAt(v)), 0, 0.1 * this.#tauHat[d - 1], z);
    let lowerSd = 0;
    inner.restart();
    if (sd > 0) {
      // The search runs off the floor (returning -Infinity) when the profile stays
      // below the cutoff down to 0.
      const floor = index < d - 1 ? Math.log(sd) - 25 : -Infinity;
      lowerSd = Math.exp(searchLimit(zeta, Math.log(sd), -step, z, floor));
    }
    return { lower: lowerSd * lowerSd, upper: upperSd * upperSd };
  }

  /** Wald SE of log SD from the Hessian (Var(tau) = 2 H^-1 for a deviance); NaN if unusable. */
  #seLogSd(index: number): number {
    const d = this.#tauHat.length, work = scratchCopy(this.#hessian);
    if (choleskyInPlace(work, d) >= 0) return NaN;
    const e = scratchFloat64(d);
    e[index] = 1;
    forwardSolveInPlace(work, d, e);
    let inverseDiagonal = 0;
    for (const v of e) inverseDiagonal += v * v;
    return Math.sqrt(2 * inverseDiagonal) / this.#tauHat[index];
  }
}

/**
 * ML profile limits of fixed effect `options.column` (see
 * profileFixedLimits in profile.ts) by finite differences: for given theta
 * the penalised residual sum of squares is quadratic in beta, so minimising
 * over the other coefficients with beta_j = b adds (b - betaHat_j)^2 /
 * [(X'V^-1X)^-1]_jj (in sigma^2 units) to r^2(theta), read off the
 * factor's trailing block; the profile then minimises over theta alone, on
 * b = betaHat_j + se * u.
 */
export function differenceFixedLimits(
  cp: CrossProducts,
  mlFit: VarCompFit,
  options: FixedProfileOptions,
): ProfileLimits {
  const { column, cutoff } = options;
  const beta = mlFit.fixed[column].estimate, se = mlFit.fixed[column].se;
  const scale = se > 0 ? se : Math.max(Math.abs(beta), 1) * 0.1;
  const K = cp.order.length, n = cp.n, p = cp.p, P = p + 1;
  const factor = blockedFactor(cp);
  const theta = new Float64Array(K), e = new Float64Array(p);
  const objective = (x: Float64Array): number => {
    for (let t = 0; t < K; t++) theta[t] = x[t];
    if (!factor.update(theta)) return Infinity;
    const L = factor.trailing;
    // betaHat = L_X^-T c with c the last row of L; [(X'V^-1X)^-1]_jj = |L_X^-1 e_j|^2.
    e.fill(0);
    for (let i = 0; i < p; i++) e[i] = L[p * P + i];
    for (let i = p - 1; i >= 0; i--) {
      let v = e[i];
      for (let k = i + 1; k < p; k++) v -= L[k * P + i] * e[k];
      e[i] = v / L[i * P + i];
    }
    const betaHat = e[column];
    e.fill(0);
    e[column] = 1;
    let variance = 0;
    for (let i = 0; i < p; i++) {
      let v = e[i];
      for (let k = 0; k < i; k++) v -= L[i * P + k] * e[k];
      e[i] = v / L[i * P + i];
      variance += e[i] * e[i];
    }
    const b = beta + scale * x[K];
    const r2 = factor.r2 + (b - betaHat) ** 2 / variance;
    return factor.logdetL2 + n * (1 + Math.log((2 * Math.PI * r2) / n));
  };
  const xHat = new Float64Array(K + 1);
  cp.order.forEach((i, t) => xHat[t] = mlFit.theta[i]);
  const dMin = objective(xHat);
  const inner = new ConditionalMinimizer(objective, xHat, K, evenHessian(objective, xHat));
  const zeta = (u: number): number => Math.sqrt(Math.max(inner.minimize(u).f - dMin, 0));
  const z = Math.sqrt(cutoff);
  const upper = searchLimit(zeta, 0, 1, z);
  inner.restart();
  const lower = searchLimit(zeta, 0, -1, z);
  return { lower: beta + scale * lower, upper: beta + scale * upper };
}

/**
 * Finds x on the side of x0 given by the sign of `step` where g(x) = target,
 * with g(x0) = 0 and g increasing away from x0, nearly linearly with slope
 * 1/|step|: the first trial is that line's root, later ones extrapolate the
 * secant (overshooting a little to bracket), then Brent's method.
 * Returns -Infinity when the search passes `floor` without reaching target.
 */
function searchLimit(
  g: (x: number) => number,
  x0: number,
  step: number,
  target: number,
  floor = -Infinity,
): number {
  let a = x0, ga = 0;
  let b = x0 + step * target * 1.05, gb = g(b);
  for (let expand = 0; gb < target; expand++) {
    if (b < floor) return -Infinity;
    if (expand > 60 || !Number.isFinite(gb)) {
      return gb >= target || !Number.isFinite(gb) ? b : Infinity * Math.sign(step);
    }
    // Extrapolate the secant through (a, ga) and (b, gb), moving at least as far again
    // as the last step (g may flatten) and at most four times as far.
    const secant = gb > ga ? (target - gb) * (b - a) / (gb - ga) * 1.1 : Infinity;
    const distance = Math.min(Math.max(Math.abs(secant), Math.abs(b - a)), 4 * Math.abs(b - a));
    a = b;
    ga = gb;
    b += Math.sign(step) * distance;
    gb = g(b);
  }
  // 1e-6 in the signed root is 1e-6 standard errors: far below what intervals need.
  return brentRoot((x) => g(x) - target, a, b, ga - target, gb - target, 1e-6);
}
