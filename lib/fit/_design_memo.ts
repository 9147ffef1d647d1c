/**
 * What follows from a nested chain's design alone, kept once per design:
 * the cross-products of a remembered design (lib/model/_design_cache.ts)
 * share their co-occurrence objects, made once per design, so the chain's
 * co-occurrences (sorted terms t and t + 1) identify the design and its
 * counts; with one term, its counts (also made once per design, and kept by
 * the cross-products of another response, `withResponse`) identify it.
 * Other cross-products get a fresh value every time.
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";

/**
 * A memo of `build(cp)` by the design of `cp`, whose sorted terms must form
 * a nested chain. A remembered value is used only for cross-products with
 * the same numbers of levels as those it was built from.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { _designMemo } from "./_design_memo.ts";
 * const frame = {
 *   response: "y", y: new Float64Array([1, 3, 2, 4]), X: new Float64Array(4).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [
 *     { name: "a", codes: new Int32Array([0, 0, 1, 1]), levels: ["1", "2"] },
 *     { name: "a:b", codes: new Int32Array([0, 1, 2, 3]), levels: ["1", "2", "3", "4"] },
 *   ],
 * };
 * let builds = 0;
 * const cells = _designMemo((cp) => (builds++, cp.nlevels[0]));
 * const cp = crossProducts(frame);
 * assert.equal(cells(cp), 4);
 * assert.equal(cells({ ...cp, xyz: [] }), 4); // the same co-occurrences: remembered
 * assert.equal(cells({ ...cp, nlevels: [5, 2] }), 5); // other sizes: built again
 * assert.equal(builds, 2);
 * // One term: its counts identify the design.
 * const one = crossProducts({ ...frame, terms: [frame.terms[0]] });
 * assert.equal(cells(one), 2);
 * assert.equal(cells({ ...one, xyz: [] }), 2);
 * assert.equal(builds, 3);
 * ```
 */
export function _designMemo<T>(build: (cp: CrossProducts) => T): (cp: CrossProducts) => T {
  const memo = new WeakMap<
    object,
    { pairs: readonly object[]; nlevels: readonly number[]; value: T }
  >();
  return (cp) => {
    const K = cp.nlevels.length;
    const pairs: readonly object[] = K < 2
      ? [cp.counts[0]]
      : Array.from({ length: K - 1 }, (_, t) => cp.pairs[t + 1][t]);
    const known = memo.get(pairs[0]);
    if (
      known && known.pairs.length === pairs.length &&
      known.pairs.every((q, t) => q === pairs[t]) &&
      known.nlevels.every((l, t) => l === cp.nlevels[t])
    ) return known.value;
    const value = build(cp);
    memo.set(pairs[0], { pairs, nlevels: [...cp.nlevels], value });
    return value;
  };
}
