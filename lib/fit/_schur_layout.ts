/**
 * What a dense-Schur factor (_schur_factor.ts) keeps unchanged across its
 * updates, made once and shared. Two parts:
 *
 * - the design's: the dense block's positions, A_r0 by columns, A_rr, and
 *   for the grouped update the per-count Gram matrices (O(l0 m^2), most of
 *   a factor's cost) or for the direct update A_r0 by rows. It follows from
 *   the co-occurrences and counts of the cross-products alone, which are
 *   shared by cross-products of the same design: those of one frame
 *   (a replicate's fits, information matrices and profiles make a dozen
 *   factors of one cross-products) and those with another response
 *   (`withResponse`: a parametric bootstrap's refits), and those of a design
 *   remembered across replicates (lib/model/_design_cache.ts);
 * - the response's: [X y]'Z_r and the per-count cross and outer products,
 *   made once per cross-products object.
 *
 * The layouts of the last two cross-products are kept (../_recent_memo.ts:
 * at most two of 10 MB each for InstEval stay after their fits end), and a
 * new layout takes its design's part from a kept layout of the same design
 * when there is one. Shared parts are the same numbers, made once: every entry is summed in
 * the order a factor of its own would sum it. Nothing here is written after
 * it is made.
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";
import { float64Arrays, int32Arrays } from "../_typed_arrays.ts";
import { RecentMemo } from "../_recent_memo.ts";

// Largest total size of the per-count Gram matrices kept for the grouped update.
const GROUPED_MEMORY_LIMIT = 1 << 23;

/** How a factor sums A_r0 W A_0r: `auto` picks the cheaper of the two. */
export type Grouping = "auto" | "grouped" | "direct";

/**
 * Term 0's levels of one count: the Gram, cross and outer products of their
 * columns, the Gram matrix as its lower triangle, packed by rows (entry
 * (i, j), j <= i, at i (i + 1) / 2 + j).
 */
export interface CountGroup {
  readonly count: number;
  readonly size: number;
  readonly gram: Float64Array;
  readonly cross: Float64Array;
  readonly outer: Float64Array;
}

/** The direct update's rows of A_r0: for rest position i, the levels b of term 0 (ascending). */
export interface Rows {
  readonly ptr: Int32Array;
  readonly level: Int32Array;
  readonly count: Float64Array;
  readonly until: Int32Array;
}

/** What a factor of given cross-products keeps unchanged across its updates. */
export interface SchurLayout {
  readonly P: number;
  readonly m: number;
  /** Sorted-term index of each position of the dense block. */
  readonly restTerm: Int32Array;
  /** Column b of A_r0 as (rest position, count) entries. */
  readonly colPtr: Int32Array;
  readonly idx: Int32Array;
  readonly cnt: Float64Array;
  /** A_rr, full symmetric row-major m x m. */
  readonly arr: Float64Array;
  /** [X y]'Z_r, row-major (p+1) x m. */
  readonly xyzRest: Float64Array;
  /** The grouped update's products per distinct count; null for the direct update. */
  readonly groups: readonly CountGroup[] | null;
  /** The direct update's rows; null for the grouped update. */
  readonly rows: Rows | null;
}

/** The design's part: a layout without the response's products. */
interface DesignPart {
  readonly m: number;
  readonly offset: readonly number[];
  readonly restTerm: Int32Array;
  readonly colPtr: Int32Array;
  readonly idx: Int32Array;
  readonly cnt: Float64Array;
  readonly arr: Float64Array;
  /** Per distinct count: its levels (ascending) and their packed Gram matrix. */
  readonly groups: readonly { count: number; levels: number[]; gram: Float64Array }[] | null;
  readonly rows: Rows | null;
}

/** Whether `a` and `b` are of one design: the same co-occurrence and count objects. */
function sameDesign(a: CrossProducts, b: CrossProducts): boolean {
  const K = a.nlevels.length;
  if (b.nlevels.length !== K) return false;
  for (let t = 0; t < K; t++) {
    if (a.nlevels[t] !== b.nlevels[t] || a.counts[t] !== b.counts[t]) return false;
    for (let u = 0; u < t; u++) if (a.pairs[t][u] !== b.pairs[t][u]) return false;
  }
  return true;
}

/** The layouts made last, per grouping, by cross-products, with their design's part. */
const kept = {
  auto: new RecentMemo<CrossProducts, { design: DesignPart; layout: SchurLayout }>(),
  grouped: new RecentMemo<CrossProducts, { design: DesignPart; layout: SchurLayout }>(),
  direct: new RecentMemo<CrossProducts, { design: DesignPart; layout: SchurLayout }>(),
};

/**
 * The layout of a dense-Schur factor of `cp` with `grouping`, shared with
 * the factors of `cp` made before, and its design's part with those of
 * cross-products of the same design (see the module).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts, withResponse } from "../model/cross_products.ts";
 * import { _schurLayout } from "./_schur_layout.ts";
 * const codes = (f: (i: number) => number) => Int32Array.from({ length: 12 }, (_, i) => f(i));
 * const frame = {
 *   response: "y", y: Float64Array.from({ length: 12 }, (_, i) => (i * 7) % 5),
 *   X: new Float64Array(12).fill(1), fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [
 *     { name: "a", codes: codes((i) => i % 3), levels: ["1", "2", "3"] },
 *     { name: "b", codes: codes((i) => i % 4), levels: ["1", "2", "3", "4"] },
 *   ],
 * };
 * const cp = crossProducts(frame);
 * const layout = _schurLayout(cp, "grouped");
 * assert.equal(_schurLayout(cp, "grouped"), layout);
 * // Another response: the design's Gram matrices are shared, the response's products are not.
 * const other = _schurLayout(withResponse(cp, { frame, y: frame.y.map((v) => -v) }), "grouped");
 * assert.equal(other.groups![0].gram, layout.groups![0].gram);
 * assert.notEqual(other.xyzRest, layout.xyzRest);
 * ```
 */
export function _schurLayout(cp: CrossProducts, grouping: Grouping): SchurLayout {
  const memo = kept[grouping];
  let entry = memo.get(cp);
  if (entry === undefined) {
    const design = memo.find((other) => sameDesign(other, cp))?.design ??
      designPart(cp, grouping);
    entry = { design, layout: responsePart(cp, design) };
    memo.set(cp, entry);
  }
  return entry.layout;
}

/** The dense block's positions and A_r0 and A_rr of `cp`, then the update's design parts. */
function designPart(cp: CrossProducts, grouping: Grouping): DesignPart {
  const K = cp.nlevels.length, l0 = cp.nlevels[0];
  const offset = [0, 0];
  for (let t = 1; t < K; t++) offset.push(offset[t] + cp.nlevels[t]);
  const m = offset[K];
  // Entries with count 0 (an unused level of term 0 nested in term t has one, at row -1)
  // add nothing anywhere and are left out.
  let nnz = 0;
  for (let t = 1; t < K; t++) for (const c of cp.pairs[t][0].count) if (c !== 0) nnz++;
  // The layout's arrays live as long as it does: a block each of doubles and of integers.
  const [restTerm, colPtr, idx] = int32Arrays([m, l0 + 1, nnz]);
  const [cnt, arr] = float64Arrays([nnz, m * m]);
  for (let t = 1; t < K; t++) restTerm.fill(t, offset[t], offset[t + 1]);
  let k = 0;
  for (let b = 0; b < l0; b++) {
    colPtr[b] = k;
    for (let t = 1; t < K; t++) {
      const pr = cp.pairs[t][0];
      for (let e = pr.colPtr[b]; e < pr.colPtr[b + 1]; e++) {
        if (pr.count[e] === 0) continue;
        idx[k] = offset[t] + pr.rowIdx[e];
        cnt[k++] = pr.count[e];
      }
    }
  }
  colPtr[l0] = k;
  for (let t = 1; t < K; t++) {
    const c = cp.counts[t];
    for (let a = 0; a < c.length; a++) arr[(offset[t] + a) * (m + 1)] = c[a];
    for (let s = t + 1; s < K; s++) {
      const pr = cp.pairs[s][t];
      for (let a = 0; a < cp.nlevels[t]; a++) {
        for (let e = pr.colPtr[a]; e < pr.colPtr[a + 1]; e++) {
          const i = offset[s] + pr.rowIdx[e], j = offset[t] + a;
          arr[i * m + j] = pr.count[e];
          arr[j * m + i] = pr.count[e];
        }
      }
    }
  }
  const columns = { m, colPtr, idx, cnt };
  const groups = grouping === "direct"
    ? null
    : groupByCount(cp, columns, { force: grouping === "grouped" });
  const rows = groups ? null : rowsOfColumns(cp, columns);
  return { m, offset, restTerm, colPtr, idx, cnt, arr, groups, rows };
}

/** The columns of A_r0 (see {@linkcode SchurLayout}) with the dense block's size m. */
interface Columns {
  readonly m: number;
  readonly colPtr: Int32Array;
  readonly idx: Int32Array;
  readonly cnt: Float64Array;
}

/**
 * Per distinct count of term 0: its levels and the packed Gram matrix of
 * their columns, sum of a_b a_b' (lower); null when the direct update is
 * cheaper (unless `force`).
 */
function groupByCount(cp: CrossProducts, a: Columns, options: { force: boolean }) {
  const m = a.m, l0 = cp.nlevels[0], c0 = cp.counts[0];
  const byCount = new Map<number, number[]>();
  let directCost = 0;
  for (let b = 0; b < l0; b++) {
    const list = byCount.get(c0[b]);
    if (list) list.push(b);
    else byCount.set(c0[b], [b]);
    const nb = a.colPtr[b + 1] - a.colPtr[b];
    directCost += nb * nb;
  }
  const g = byCount.size;
  const tooCostly = g * m * m > Math.max(directCost, m * m) || g * m * m > GROUPED_MEMORY_LIMIT;
  if (tooCostly && !options.force) return null;
  const grams = float64Arrays([...byCount.keys()].map(() => (m * (m + 1)) / 2));
  return [...byCount].map(([count, levels], k) => {
    const gram = grams[k], idx = a.idx, cnt = a.cnt;
    // Only f <= e: a column's indices ascend (terms in order, levels ascending within each),
    // so those are the entries with j <= i.
    for (const b of levels) {
      for (let e = a.colPtr[b]; e < a.colPtr[b + 1]; e++) {
        const wi = cnt[e], row = (idx[e] * (idx[e] + 1)) / 2;
        for (let f = a.colPtr[b]; f <= e; f++) gram[row + idx[f]] += wi * cnt[f];
      }
    }
    return { count, levels, gram };
  });
}

/**
 * The entries of A_r0 by rows: a counting transpose, so each row's levels
 * ascend; `until[r]` is one past entry r's own place in its level's column
 * (whose entries up to it are those at positions up to its row).
 */
function rowsOfColumns(cp: CrossProducts, a: Columns): Rows {
  const m = a.m, l0 = cp.nlevels[0], idx = a.idx, cnt = a.cnt;
  const [ptr, level, until] = int32Arrays([m + 1, idx.length, idx.length]);
  const count = new Float64Array(idx.length);
  for (let e = 0; e < idx.length; e++) ptr[idx[e] + 1]++;
  for (let i = 0; i < m; i++) ptr[i + 1] += ptr[i];
  const next = ptr.slice(0, m);
  for (let b = 0; b < l0; b++) {
    for (let e = a.colPtr[b]; e < a.colPtr[b + 1]; e++) {
      const at = next[idx[e]]++;
      level[at] = b;
      count[at] = cnt[e];
      until[at] = e + 1;
    }
  }
  return { ptr, level, count, until };
}

/** The layout of `cp` on `design`: [X y]'Z_r, and per count the sums xyz0_b a_b' and xyz0_b xyz0_b'. */
function responsePart(cp: CrossProducts, design: DesignPart): SchurLayout {
  const K = cp.nlevels.length, P = cp.p + 1, l0 = cp.nlevels[0], { m, offset } = design;
  // One block for [X y]'Z_r and all the groups' products, as for the design's arrays.
  const products = float64Arrays([P * m, ...(design.groups ?? []).flatMap(() => [P * m, P * P])]);
  const xyzRest = products[0];
  for (let t = 1; t < K; t++) {
    const l = cp.nlevels[t];
    for (let c = 0; c < P; c++) {
      xyzRest.set(cp.xyz[t].subarray(c * l, (c + 1) * l), c * m + offset[t]);
    }
  }
  const xyz0 = cp.xyz[0], idx = design.idx, cnt = design.cnt, colPtr = design.colPtr;
  const groups = design.groups && design.groups.map(({ count, levels, gram }, k) => {
    const cross = products[2 * k + 1], outer = products[2 * k + 2];
    for (const b of levels) {
      for (let e = colPtr[b]; e < colPtr[b + 1]; e++) {
        for (let c = 0; c < P; c++) cross[c * m + idx[e]] += cnt[e] * xyz0[c * l0 + b];
      }
      for (let c = 0; c < P; c++) {
        const xc = xyz0[c * l0 + b];
        for (let d = 0; d <= c; d++) outer[c * P + d] += xc * xyz0[d * l0 + b];
      }
    }
    return { count, size: levels.length, gram, cross, outer };
  });
  return { ...design, P, xyzRest, groups };
}
