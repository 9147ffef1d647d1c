/**
 * A stream that reproduces numpy's legacy `numpy.random.RandomState(seed)`
 * draw for draw, so data sets made by numpy scripts (such as the statsmodels
 * variance-components notebook) can be regenerated exactly.
 *
 * @module
 */

import type { RandomStream } from "./stream.ts";
import { _Mt19937 } from "./_mt19937.ts";
import { _PolarGaussian } from "./_polar.ts";

/**
 * numpy's legacy `RandomState` seeded with an integer: MT19937
 * (Matsumoto & Nishimura 1998) seeded by `init_genrand`.
 *
 * - `uint32()` is the raw MT19937 output (numpy's `next_uint32`);
 * - `uniform()` is `random_sample()`: `((a >>> 5) * 2^26 + (b >>> 6)) / 2^53`
 *   from two outputs, 53 bits of resolution on [0, 1);
 * - `normal()` is the legacy polar-method Gaussian (`standard_normal`,
 *   `normal(size=n)`), which returns `f * x2` and caches `f * x1`.
 *
 * numpy's `permutation(n)` is reproduced by {@linkcode permutation} from
 * `./permutation.ts` given this stream. uint32, uniform and permutation
 * draws are bit-identical to numpy. Normals are too, except where the C
 * library's `log` in numpy's polar step is not correctly rounded: glibc 2.36
 * differs from `Math.log` (which is correctly rounded there) for about 1 in
 * 1,100 pairs, giving a 1-ulp difference in about 0.04% of normals (19 of
 * the notebook's 40,000 nested rows, 10 of the crossed ones, each by at most
 * 1 ulp of y).
 *
 * Cost: O(1) per draw; construction fills the 624-word state.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { NumpyRandomState } from "./numpy_random_state.ts";
 * // numpy: np.random.RandomState(0).normal(size=2)
 * const rs = new NumpyRandomState(0);
 * assert.equal(rs.normal(), 1.764052345967664);
 * assert.equal(rs.normal(), 0.4001572083672233);
 * ```
 */
export class NumpyRandomState implements RandomStream {
  readonly #mt: _Mt19937;
  readonly #gauss = new _PolarGaussian();
  readonly #uniform = (): number => this.uniform();

  /**
   * Seeds MT19937 as numpy's `RandomState(seed)` does (`init_genrand`).
   *
   * @param seed An integer in [0, 2^32), as numpy's `RandomState(seed)`.
   * @throws {TypeError} if `seed` is not a number.
   * @throws {RangeError} if `seed` is not an integer in [0, 2^32).
   */
  constructor(seed: number) {
    if (typeof seed !== "number") {
      throw new TypeError(
        `NumpyRandomState seed must be a number, got ${typeof seed} ${String(seed)}`,
      );
    }
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(
        `NumpyRandomState seed must be an integer in [0, 4294967295], got ${seed}`,
      );
    }
    this.#mt = new _Mt19937(seed);
  }

  /** The next raw MT19937 output, an integer in [0, 2^32). */
  uint32(): number {
    return this.#mt.next();
  }

  /** numpy's `random_sample()`: a uniform on [0, 1) with 53-bit resolution. */
  uniform(): number {
    const a = this.#mt.next() >>> 5;
    const b = this.#mt.next() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** numpy's legacy `standard_normal()` (polar method with a cached value). */
  normal(): number {
    return this.#gauss.next(this.#uniform);
  }
}
