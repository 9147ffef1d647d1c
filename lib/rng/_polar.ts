/**
 * The Marsaglia polar method with a cached second variate, in the exact
 * arithmetic of numpy's legacy `RandomState` Gaussian.
 *
 * @module
 */

/**
 * Polar method (Marsaglia & Bray 1964, "A convenient method for generating
 * normal variables", SIAM Review 6(3)) as numpy's `legacy_gauss` computes it:
 * draw x1, x2 uniform on (-1, 1) until 0 < r2 = x1^2 + x2^2 < 1, set
 * f = sqrt(-2 log(r2) / r2), return f * x2 and keep f * x1 for the next call.
 *
 * Cost: on average 4/pi pairs of uniforms, one log and one sqrt per two
 * variates.
 */
export class _PolarGaussian {
  #hasCached = false;
  #cached = 0;

  /** The next standard normal variate, drawing uniforms from `uniform`. */
  next(uniform: () => number): number {
    if (this.#hasCached) {
      this.#hasCached = false;
      return this.#cached;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * uniform() - 1;
      x2 = 2 * uniform() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt(-2 * Math.log(r2) / r2);
    this.#cached = f * x1;
    this.#hasCached = true;
    return f * x2;
  }
}
