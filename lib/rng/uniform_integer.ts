/**
 * Uniform integers on {0, ..., max} by masked rejection sampling.
 *
 * @module
 */

import type { RandomStream } from "./stream.ts";

/**
 * An integer uniform on {0, 1, ..., max}, drawn exactly as numpy's
 * `random_interval(max)` does for max < 2^32: with `mask` the smallest
 * all-ones bit pattern >= max, draw `stream.uint32() & mask` until the value
 * is <= max (rejection sampling, so the result is exactly uniform).
 *
 * Cost: fewer than two `uint32()` draws on average; none when `max` is 0.
 *
 * @param max The largest value, an integer in [0, 2^32).
 * @throws {RangeError} if `max` is not an integer in [0, 2^32).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { uniformInteger } from "./uniform_integer.ts";
 * import { NumpyRandomState } from "./numpy_random_state.ts";
 * const k = uniformInteger(new NumpyRandomState(1), 5);
 * assert.ok(Number.isInteger(k) && k >= 0 && k <= 5);
 * ```
 */
export function uniformInteger(stream: RandomStream, max: number): number {
  if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
    throw new RangeError(`uniformInteger max must be an integer in [0, 4294967295], got ${max}`);
  }
  if (max === 0) return 0;
  let mask = max;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  mask >>>= 0;
  let value: number;
  do {
    value = (stream.uint32() & mask) >>> 0;
  } while (value > max);
  return value;
}
