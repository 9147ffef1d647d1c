/**
 * -2 log-likelihood (REML or ML) as a function of the variances themselves,
 * s = (sigma_1^2, ..., sigma_K^2, sigma^2), evaluated through the blocked
 * factor at theta_k = sqrt(sigma_k^2 / sigma^2). Information matrices,
 * Satterthwaite degrees of freedom and profiles are all derived from it.
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";
import { type BlockedFactor, blockedFactor } from "../fit/blocked_factor.ts";
import type { DerivativeParts } from "../fit/_chain_derivatives.ts";

/** Options of {@linkcode VarianceDeviance}. */
export interface VarianceDevianceOptions {
  /** The REML criterion (true) or the ML deviance (false). @default true */
  readonly reml?: boolean;
  /** The factor to evaluate through. @default blockedFactor(cp) */
  readonly factor?: BlockedFactor;
}

/** Which parts of -2 log L to evaluate (the same choice as the exact derivatives'). */
export type DevianceParts = DerivativeParts;

/**
 * With V = sigma^2 (I + Z Lambda Lambda' Z') (Bates et al. 2015, section 3):
 *   REML: -2 l_R = log|L|^2 + log|R_X|^2 + (n - p) log(2 pi sigma^2) + r^2(theta) / sigma^2
 *   ML:   -2 l   = log|L|^2 + n log(2 pi sigma^2) + r^2(theta) / sigma^2
 * `log-determinants` keeps log|V| (+ log|X'V^-1X| for REML) only, whose
 * Hessian is minus twice the expected information (ALGORITHMS.md section 4).
 * Each evaluation is one update of the blocked factor.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { fitVarComp } from "../fit/fit.ts";
 * import { VarianceDeviance } from "./variance_deviance.ts";
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 5, 6, 2, 4]), X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 * };
 * const cp = crossProducts(frame);
 * for (const method of ["reml", "ml"] as const) {
 *   const fit = fitVarComp(frame, { method });
 *   const deviance = new VarianceDeviance(cp, { reml: method === "reml" });
 *   const s = new Float64Array([fit.variances.g, fit.variances.Residual]);
 *   // At the estimates: lme4's REMLcrit or deviance, -2 logLik.
 *   assert.ok(Math.abs(deviance.evaluate(s) - fit.criterion!) < 1e-9);
 *   assert.ok(Math.abs(deviance.evaluate(s) + 2 * fit.logLik!) < 1e-9);
 * }
 * assert.equal(new VarianceDeviance(cp).evaluate(new Float64Array([1, 0])), Infinity);
 * ```
 */
export class VarianceDeviance {
  readonly #cp: CrossProducts;
  readonly #factor: BlockedFactor;
  readonly #theta: Float64Array;
  readonly reml: boolean;

  constructor(cp: CrossProducts, options: VarianceDevianceOptions = {}) {
    this.#cp = cp;
    this.#factor = options.factor ?? blockedFactor(cp);
    this.reml = options.reml ?? true;
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
