/**
 * Waiting on a shared Int32 slot between the Cholesky's threads: spin for a
 * while (the other thread's answer usually comes within a millisecond, and a
 * sleeping virtual CPU can take far longer to wake), then sleep in slices.
 *
 * @module
 */

/** How long a waiting thread spins before it sleeps. */
const SPIN_MS = 1;

/**
 * Waits until `control[index]` differs from `value` and returns its new
 * value; throws an Error after `patienceMs` (default: forever).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { _waitWhile } from "./_spin_wait.ts";
 * const control = new Int32Array(new SharedArrayBuffer(4));
 * control[0] = 5;
 * assert.equal(_waitWhile(control, 0, 4), 5);
 * assert.throws(() => _waitWhile(control, 0, 5, { patienceMs: 20 }), /within 20 ms/);
 * ```
 */
export function _waitWhile(
  control: Int32Array,
  index: number,
  value: number,
  options: { patienceMs?: number } = {},
): number {
  const start = performance.now();
  for (let s = 0;; s++) {
    const now = Atomics.load(control, index);
    if (now !== value) return now;
    if ((s & 1023) === 1023 && performance.now() - start > SPIN_MS) break;
  }
  const deadline = start + (options.patienceMs ?? Infinity);
  for (;;) {
    const now = Atomics.load(control, index);
    if (now !== value) return now;
    const left = deadline - performance.now();
    if (left <= 0) {
      throw new Error(`a helper thread did not answer within ${options.patienceMs} ms`);
    }
    Atomics.wait(control, index, value, Math.min(left, 1000));
  }
}
