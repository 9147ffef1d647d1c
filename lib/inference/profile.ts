/**
 * Profile-likelihood confidence intervals for the variance components and
 * the residual variance (REML or ML profile), and for fixed effects (ML
 * profile), as lme4's `confint(method = "profile")` computes them.
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";
import type { VarCompFit } from "../fit/fit.ts";
import { isNestedChain } from "../fit/_chain_factor.ts";
import { chainDerivatives, chainDevianceObjective } from "../fit/_chain_derivatives.ts";
import type { SecondOrder } from "../fit/_jets.ts";
import { linearScale, NewtonProfile, type SmoothObjective } from "./_newton_profile.ts";
import { differenceFixedLimits, DifferenceVarianceProfile } from "./_difference_profile.ts";
import { scratchFloat64 } from "../_typed_arrays.ts";

/** A profile interval's end points on the variance scale (fixed effects: coefficient scale). */
export interface ProfileLimits {
  /** Lower limit; 0 when the profile stays below the cutoff down to the boundary. */
  readonly lower: number;
  /** Upper limit. */
  readonly upper: number;
}

/** Options of {@linkcode VarianceProfile}. */
export interface VarianceProfileOptions {
  /** Profile the REML criterion (true) or the ML deviance (false). @default true */
  readonly reml?: boolean;
}

/** Options of {@linkcode profileFixedLimits}. */
export interface FixedProfileOptions {
  /** The fixed-effects column to profile, an index into the fit's `fixed`. */
  readonly column: number;
  /** The rise of the ML deviance that bounds the interval, e.g. qchisq(0.95, 1) = 3.84. */
  readonly cutoff: number;
}

/**
 * Profiles of -2 log L (REML or ML) over each variance parameter in turn,
 * the others and sigma^2 re-optimised at each point, sharing one Hessian at
 * the optimum. `s` holds the variances at the optimum of this likelihood, in
 * sorted-term order with the residual last; `reml: false` profiles the ML
 * deviance (give the ML estimates then). For nested chains the derivatives
 * are exact (lib/fit/_chain_derivatives.ts) and each limit is a Newton
 * search of a few evaluations (_newton_profile.ts), the lme4 semantics
 * unchanged: a lower limit is 0 when the profile at 0 is below the cutoff.
 * Crossed terms (and a Newton search that fails) use finite differences of
 * the blocked factor (_difference_profile.ts): one Hessian, then a few
 * dozen inner minimisations per limit.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { fitVarComp } from "../fit/fit.ts";
 * import { VarianceProfile } from "./profile.ts";
 * // Balanced one-way, 3 groups of 2: SSA = 49/3 (2 df), SSE = 3 (3 df), mean 10/3.
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 5, 6, 2, 4]), X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 * };
 * const cp = crossProducts(frame);
 * const cutoff = 3.841458820694124; // R: qchisq(0.95, 1)
 * const fit = fitVarComp(frame);
 * const s = new Float64Array([fit.variances.g, fit.variances.Residual]);
 * const profile = new VarianceProfile(cp, s);
 * // sigma_g^2 = 0 is inside the interval: its lower limit is 0.
 * assert.equal(profile.limits(0, cutoff).lower, 0);
 * // Below MSA = 49/6, sigma^2 + 2 sigma_g^2 stays at MSA and the REML profile of sigma^2 is
 * // 3 (log s + 1 / s - 1), s = sigma^2 / MSE = sigma^2 here: the lower limit is its root.
 * const { lower } = profile.limits(1, cutoff);
 * assert.ok(Math.abs(3 * (Math.log(lower) + 1 / lower - 1) - cutoff) < 1e-5);
 * ```
 */
export class VarianceProfile {
  readonly #cp: CrossProducts;
  readonly #s: Float64Array;
  readonly #reml: boolean;
  readonly #newton: NewtonProfile | null;
  #difference: DifferenceVarianceProfile | null = null;

  constructor(cp: CrossProducts, s: Float64Array, options: VarianceProfileOptions = {}) {
    this.#cp = cp;
    this.#s = Float64Array.from(s);
    this.#reml = options.reml ?? true;
    this.#newton = isNestedChain(cp)
      ? newtonProfile(chainDevianceObjective(cp, { reml: this.#reml }), s, false)
      : null;
  }

  /** Objective evaluations of the exact Newton searches so far (0 for crossed terms). */
  get evaluations(): number {
    return this.#newton?.evaluations ?? 0;
  }

  /**
   * Where the profile of parameter `index` rises by `cutoff` above its
   * minimum. The search is on the log-SD scale, where the signed root of the
   * profile is nearly linear (the SD scale from a zero estimate); a
   * component's lower limit is 0 when the profile stays below the cutoff
   * down to 0 (lme4).
   */
  limits(index: number, cutoff: number): ProfileLimits {
    const newton = this.#newton;
    if (newton) {
      const upper = newton.limit(index, { side: 1, cutoff });
      const lower = newton.limit(index, { side: -1, cutoff, other: upper });
      if (!Number.isNaN(upper) && !Number.isNaN(lower)) return { lower, upper };
    }
    this.#difference ??= new DifferenceVarianceProfile(this.#cp, this.#s, { reml: this.#reml });
    return this.#difference.limits(index, cutoff);
  }
}

/**
 * ML profile interval of fixed effect `column`. For given theta the
 * penalised residual sum of squares is quadratic in beta, so minimising over
 * the other coefficients with beta_j = b adds (b - betaHat_j)^2 / [(X'V^-1X)^-1]_jj
 * (in sigma^2 units) to r^2(theta), read off the factor's trailing block; the
 * profile then minimises over theta alone, with the same inner minimiser and
 * root search as the variance profiles, on b = betaHat_j + se * u.
 * `mlFit` is the ML fit of the data of `cp`. Cost: one Hessian, then a few
 * dozen minimisations over theta.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { fitVarComp } from "../fit/fit.ts";
 * import { profileFixedLimits } from "./profile.ts";
 * // Balanced one-way, 3 groups of 2: SSA = 49/3 (2 df), SSE = 3 (3 df), mean 10/3.
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 5, 6, 2, 4]), X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 * };
 * const cp = crossProducts(frame);
 * const cutoff = 3.841458820694124; // R: qchisq(0.95, 1)
 * const ml = fitVarComp(frame, { method: "ml" });
 * const { lower, upper } = profileFixedLimits(cp, ml, { column: 0, cutoff });
 * // Closed form in a balanced one-way ML fit off the boundary: the deviance rises by
 * // a log(1 + a n (ybar - mu)^2 / SSA), so the limits are ybar -+ sqrt(SSA (e^(c/a) - 1) / (a n)).
 * const half = Math.sqrt((49 / 3) * (Math.exp(cutoff / 3) - 1) / 6);
 * assert.ok(Math.abs(lower - (10 / 3 - half)) < 1e-5 && Math.abs(upper - (10 / 3 + half)) < 1e-5);
 * ```
 */
export function profileFixedLimits(
  cp: CrossProducts,
  mlFit: VarCompFit,
  options: FixedProfileOptions,
): ProfileLimits {
  const { column, cutoff } = options;
  if (isNestedChain(cp)) {
    const beta = mlFit.fixed[column].estimate, se = mlFit.fixed[column].se;
    const unit = se > 0 ? se : Math.max(Math.abs(beta), 1) * 0.1;
    const K = cp.order.length, x = new Float64Array(K + 2);
    cp.order.forEach((i, t) => x[t] = mlFit.theta[i] ** 2 * mlFit.variances.Residual);
    x[K] = mlFit.variances.Residual;
    x[K + 1] = beta;
    const newton = newtonProfile(chainFixed(cp, column), x, true);
    if (newton) {
      const scale = linearScale(beta, unit);
      const upper = newton.limit(K + 1, { side: 1, cutoff, scale });
      const lower = newton.limit(K + 1, { side: -1, cutoff, scale, other: upper, mirror: true });
      if (!Number.isNaN(upper) && !Number.isNaN(lower)) return { lower, upper };
    }
  }
  return differenceFixedLimits(cp, mlFit, options);
}

/**
 * The Newton profile of `objective` about `x` (sorted-term variances, the
 * residual, then a fixed effect when `withCoefficient`), or null when the
 * objective is undefined there.
 */
function newtonProfile(
  objective: SmoothObjective,
  x: Float64Array,
  withCoefficient: boolean,
): NewtonProfile | null {
  const n = x.length, K = n - (withCoefficient ? 2 : 1);
  const lower = scratchFloat64(n).fill(-Infinity, K + 1);
  const strict = Array.from({ length: n }, (_, k) => k === K);
  try {
    return new NewtonProfile(objective, x, { lower, strict });
  } catch {
    return null;
  }
}

/** The ML deviance in (variances, beta_column) with the other coefficients profiled out. */
function chainFixed(cp: CrossProducts, column: number): SmoothObjective {
  const derivatives = chainDerivatives(cp), K = cp.order.length;
  return {
    size: K + 2,
    evaluate: (x: Float64Array, out: SecondOrder) =>
      derivatives.evaluate(x.subarray(0, K + 1)) &&
      derivatives.fixedProfile(out, { column, b: x[K + 1] }),
  };
}
