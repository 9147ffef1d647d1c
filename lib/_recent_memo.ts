/**
 * A memo of values by key identity that holds the last few keys only: for
 * what vcsim derives once per cross-products object. A replicate's fits,
 * information matrices, intervals and tests share one cross-products, and a
 * parametric bootstrap makes a new one per refit (with the original's
 * between them). A WeakMap entry per cross-products cost more in garbage
 * collection than the work it saved on small designs (a single Penicillin
 * fit was 10-25% slower with one); a value this memo no longer holds is
 * computed again.
 *
 * @module
 */

/**
 * The values of the last `size` keys set, found by identity; older ones are
 * dropped in the order they were set.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { RecentMemo } from "./_recent_memo.ts";
 * const memo = new RecentMemo<object, number>(2);
 * const [a, b, c] = [{}, {}, {}];
 * memo.set(a, 1);
 * memo.set(b, 2);
 * assert.deepEqual([memo.get(a), memo.get(b), memo.get(c)], [1, 2, undefined]);
 * memo.set(c, 3); // drops a, the oldest
 * assert.deepEqual([memo.get(a), memo.get(b), memo.get(c)], [undefined, 2, 3]);
 * assert.equal(memo.find((_, value) => value > 2), 3);
 * assert.equal(memo.find((key) => key === a), undefined);
 * ```
 */
export class RecentMemo<K extends object, V> {
  readonly #keys: (K | null)[];
  readonly #values: (V | undefined)[];
  #next = 0;

  constructor(size = 2) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`size is ${size}; expected a positive integer`);
    }
    this.#keys = new Array(size).fill(null);
    this.#values = new Array(size).fill(undefined);
  }

  /** The value of `key`, or undefined when it is not held. */
  get(key: K): V | undefined {
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.#values[i];
    return undefined;
  }

  /** The value of a held key that `match` accepts, or undefined when none does. */
  find(match: (key: K, value: V) => boolean): V | undefined {
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key !== null && match(key, this.#values[i]!)) return this.#values[i];
    }
    return undefined;
  }

  /** Holds `value` for `key`, in place of the oldest key when full. */
  set(key: K, value: V): void {
    const at = this.#keys.indexOf(key);
    if (at >= 0) {
      this.#values[at] = value;
      return;
    }
    this.#keys[this.#next] = key;
    this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % this.#keys.length;
  }
}
