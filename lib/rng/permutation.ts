/**
 * Random permutations by the Fisher–Yates shuffle.
 *
 * @module
 */

import type { RandomStream } from "./stream.ts";
import { uniformInteger } from "./uniform_integer.ts";

/**
 * A uniformly random permutation of 0, 1, ..., n-1 by the Fisher–Yates
 * shuffle (Durstenfeld 1964, Algorithm 235; Knuth TAOCP vol. 2, 3.4.2 P):
 * start from 0..n-1 and for i = n-1 down to 1 swap entry i with entry
 * j = {@linkcode uniformInteger}(stream, i). This is exactly numpy's legacy
 * `RandomState.permutation(n)`, so with a {@linkcode NumpyRandomState} it
 * reproduces numpy's output.
 *
 * Cost: O(n) time, one Int32Array of n entries, about n `uint32()` draws
 * (fewer than 2n).
 *
 * @param n The length, an integer in [0, 2^31).
 * @throws {RangeError} if `n` is not an integer in [0, 2^31).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { permutation } from "./permutation.ts";
 * import { NumpyRandomState } from "./numpy_random_state.ts";
 * // numpy: np.random.RandomState(7).permutation(10)
 * const p = permutation(new NumpyRandomState(7), 10);
 * assert.deepEqual(Array.from(p), [8, 5, 0, 2, 1, 9, 7, 3, 6, 4]);
 * ```
 */
export function permutation(stream: RandomStream, n: number): Int32Array {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
    throw new RangeError(`permutation length must be an integer in [0, 2147483647], got ${n}`);
  }
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = uniformInteger(stream, i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
