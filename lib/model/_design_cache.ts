/**
 * The grouping terms of the last model frame built from factor columns
 * alone, kept so that the next frame of the same design reuses them: a
 * simulation study draws a new response on the same factor codes in every
 * replicate of a condition (MixedModels.jl's `refit!` keeps the whole
 * model for the same reason). Reuse needs proof, not identity: the
 * columns' codes and levels are compared with private copies, so data
 * changed in place is never mistaken for the design seen before. The
 * copies are made when a design comes twice in a row, so designs that
 * change with every replicate (drawn group sizes) cost only a comparison
 * that stops at the first difference.
 *
 * Also the shared intercept column of `y ~ 1` frames.
 *
 * Arrays handed out from here (the terms' codes) are marked: code that
 * derives more from a design (cross_products.ts) may keep what it derived
 * for marked arrays, which vcsim never writes and users are told not to.
 *
 * @module
 */

import type { Dataset, FactorColumn } from "../data/dataset.ts";
import type { GroupingTerm } from "./frame.ts";

/** One design: the formula's random part, the columns it read, the terms made of them. */
interface Design {
  readonly key: string;
  readonly nrow: number;
  readonly columns: readonly {
    readonly name: string;
    readonly codes: Int32Array;
    readonly levels: readonly string[];
  }[];
  readonly terms: readonly GroupingTerm[];
}

let last: Design | null = null;
/** The columns of the last design not remembered: the next frame copies them if it repeats them. */
let pending: { key: string; columns: readonly FactorColumn[] } | null = null;
const marked = new WeakSet<Int32Array>();
let ones = new Float64Array(0);

/** Equal contents. Two codes at a time where both arrays allow: as the 64 bits they occupy. */
function sameCodes(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  let from = 0;
  const pairs = a.length >> 1;
  if (pairs >= 64 && a.byteOffset % 8 === 0 && b.byteOffset % 8 === 0) {
    const x = new BigInt64Array(a.buffer, a.byteOffset, pairs);
    const y = new BigInt64Array(b.buffer, b.byteOffset, pairs);
    for (let i = 0; i < pairs; i++) if (x[i] !== y[i]) return false;
    from = 2 * pairs;
  }
  for (let i = from; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameLevels(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The factor columns named, or null when one of them is not a factor column. */
function factorColumns(data: Dataset, names: readonly string[]): FactorColumn[] | null {
  const columns: FactorColumn[] = [];
  for (const name of names) {
    const column = data.columns.get(name);
    if (column?.kind !== "factor") return null;
    columns.push(column);
  }
  return columns;
}

/**
 * The terms last remembered for `key` when `data`'s columns `names` hold
 * exactly the codes and levels they held then (which had no missing value),
 * else null.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { _cachedTerms, _isDesignCodes, _rememberTerms } from "./_design_cache.ts";
 * const data = (codes: number[]) => ({
 *   nrow: 4,
 *   columns: new Map([["g", {
 *     kind: "factor" as const, codes: new Int32Array(codes), levels: ["a", "b"],
 *   }]]),
 * });
 * const terms = [{ name: "g", codes: new Int32Array([0, 0, 1, 1]), levels: ["a", "b"] }];
 * // Remembered the second time in a row.
 * _rememberTerms({ key: "(1|g)", data: data([0, 0, 1, 1]), names: ["g"] }, terms);
 * assert.equal(_cachedTerms({ key: "(1|g)", data: data([0, 0, 1, 1]), names: ["g"] }), null);
 * _rememberTerms({ key: "(1|g)", data: data([0, 0, 1, 1]), names: ["g"] }, terms);
 * const again = _cachedTerms({ key: "(1|g)", data: data([0, 0, 1, 1]), names: ["g"] });
 * assert.equal(again?.[0].name, "g");
 * assert.ok(_isDesignCodes(again![0].codes));
 * assert.equal(_cachedTerms({ key: "(1|g)", data: data([0, 1, 0, 1]), names: ["g"] }), null);
 * ```
 */
export function _cachedTerms(
  at: { key: string; data: Dataset; names: readonly string[] },
): readonly GroupingTerm[] | null {
  const design = last;
  if (design === null || design.key !== at.key || design.nrow !== at.data.nrow) return null;
  const columns = factorColumns(at.data, at.names);
  if (columns === null || columns.length !== design.columns.length) return null;
  for (let k = 0; k < columns.length; k++) {
    const seen = design.columns[k];
    if (seen.name !== at.names[k]) return null;
    if (!sameLevels(columns[k].levels, seen.levels)) return null;
    if (!sameCodes(columns[k].codes, seen.codes)) return null;
  }
  return design.terms;
}

/**
 * Offers `terms`, made from `data`'s factor columns `names` (no value
 * missing, every row kept), as the design of `key`. When the frame before
 * was made of the same codes and levels (the same arrays, or others with the
 * same contents) the design is remembered: its codes copied and marked, and those copies
 * returned as the terms to use; otherwise `terms` itself is returned.
 */
export function _rememberTerms(
  at: { key: string; data: Dataset; names: readonly string[] },
  terms: readonly GroupingTerm[],
): readonly GroupingTerm[] {
  const columns = factorColumns(at.data, at.names);
  if (columns === null) return terms;
  const before = pending;
  pending = { key: at.key, columns };
  const repeated = before !== null && before.key === at.key &&
    before.columns.length === columns.length &&
    columns.every((c, k) => {
      const b = before.columns[k];
      // The same arrays again count too: the copies are taken of what they hold now.
      return c.codes === b.codes ||
        (sameLevels(c.levels, b.levels) && sameCodes(c.codes, b.codes));
    });
  if (!repeated) return terms;
  pending = null;
  const kept = terms.map((t) => {
    const codes = t.codes.slice();
    marked.add(codes);
    return { name: t.name, codes, levels: [...t.levels] };
  });
  last = {
    key: at.key,
    nrow: at.data.nrow,
    columns: columns.map((c, k) => ({
      name: at.names[k],
      codes: c.codes.slice(),
      levels: [...c.levels],
    })),
    terms: kept,
  };
  return kept;
}

/**
 * The intercept-only design of n rows: frames of y ~ 1 share one column of
 * ones (as frames that keep every row share the response), since a study
 * builds one per replicate; like every frame array it is read, never written.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { _interceptColumn, _isInterceptColumn } from "./_design_cache.ts";
 * const x = _interceptColumn(3);
 * assert.deepEqual([...x], [1, 1, 1]);
 * assert.ok(_isInterceptColumn(x) && !_isInterceptColumn(new Float64Array([1, 1, 1])));
 * ```
 */
export function _interceptColumn(n: number): Float64Array {
  if (ones.length < n) ones = new Float64Array(n).fill(1);
  return ones.subarray(0, n);
}

/** Whether `x` is (a prefix of) the shared intercept column, hence all ones. */
export function _isInterceptColumn(x: Float64Array): boolean {
  return x.buffer === ones.buffer && x.byteOffset === 0;
}

/** Whether `codes` are a remembered design's codes (never written, so what derives from them holds). */
export function _isDesignCodes(codes: Int32Array): boolean {
  return marked.has(codes);
}
