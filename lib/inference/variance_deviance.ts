/**
 * -2 log-likelihood (REML or ML) as a function of the variances themselves,
 * s = (sigma_1^2, ..., sigma_K^2, sigma^2), evaluated through the blocked
 * factor at theta_k = sqrt(sigma_k^2 / sigma^2). Information matrices,
 * Satterthwaite degrees of freedom and profiles are all derived from it.
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";
import type { BlockedFactor } from "../fit/blocked_factor.ts";

/** Which parts of -2 log L to evaluate. */
export type DevianceParts = "full" | "log-determinants";

/**
 * With V = sigma^2 (I + Z Lambda Lambda' Z') (Bates et al. 2015, section 3):
 *   REML: -2 l_R = log|L|^2 + log|R_X|^2 + (n - p) log(2 pi sigma^2) + r^2(theta) / sigma^2
 *   ML:   -2 l   = log|L|^2 + n log(2 pi sigma^2) + r^2(theta) / sigma^2
 * `log-determinants` keeps log|V| (+ log|X'V^-1X| for REML) only, whose
 * Hessian is minus twice the expected information (ALGORITHMS.md section 4).
 */
export class VarianceDeviance {
  readonly #cp: CrossProducts;
  readonly #factor: BlockedFactor;
  readonly #theta: Float64Array;
  readonly reml: boolean;

  constructor(cp: CrossProducts, factor: BlockedFactor, reml: boolean) {
    this.#cp = cp;
    this.#factor = factor;
    this.reml = reml;
    this.#theta = new Float64Array(cp.order.length);
  }

  /** Number of variance parameters, K + 1. */
  get size(): number {
    return this.#theta.length + 1;
  }

  /**
   * Evaluates at `s` (sorted-term variances, then the residual variance).
   * Returns Infinity where V is not positive definite or s is out of range.
   */
  evaluate(s: Float64Array, parts: DevianceParts = "full"): number {
    const K = this.#theta.length, s0 = s[K];
    if (!(s0 > 0)) return Infinity;
    for (let k = 0; k < K; k++) {
      if (!(s[k] >= 0)) return Infinity;
      this.#theta[k] = Math.sqrt(s[k] / s0);
    }
    const f = this.#factor;
    if (!f.update(this.#theta)) return Infinity;
    const { n, p } = this.#cp;
    const dof = this.reml ? n - p : n;
    const logdets = f.logdetL2 + (this.reml ? f.logdetRX2 : 0) + dof * Math.log(s0);
    if (parts === "log-determinants") return logdets;
    return logdets + dof * Math.log(2 * Math.PI) + f.r2 / s0;
  }
}
