/**
 * Cross-products of a random-intercept model, computed once per dataset so
 * that every evaluation of the profiled criterion is independent of the
 * number of rows (docs: ALGORITHMS.md section 2, "Cross-products once").
 *
 * @module
 */

import type { ModelFrame } from "./frame.ts";
import { _isDesignCodes, _isInterceptColumn } from "./_design_cache.ts";

/**
 * Co-occurrence counts of two grouping terms: for each level `a` of the term
 * with more levels, the levels `b` of the other term seen with it and how
 * many rows have both, stored column-compressed by `a`.
 */
export interface CoOccurrence {
  /** Entries of level a are at colPtr[a] .. colPtr[a+1]-1. */
  readonly colPtr: Int32Array;
  /** Level of the coarser term for each entry. */
  readonly rowIdx: Int32Array;
  /** Number of rows with both levels, for each entry. */
  readonly count: Float64Array;
  /** True when every level a occurs with exactly one level b (a is nested in b). */
  readonly nested: boolean;
}

/** Cross-products of Z (by term), X and y; terms sorted by decreasing number of levels. */
export interface CrossProducts {
  /** Number of rows. */
  readonly n: number;
  /** Number of fixed-effects columns. */
  readonly p: number;
  /** `order[t]` is the frame's index of the t-th term in sorted order. */
  readonly order: readonly number[];
  /** Number of levels of each sorted term. */
  readonly nlevels: readonly number[];
  /** Rows per level of each sorted term (Z_t'Z_t is diag(counts[t])). */
  readonly counts: readonly Float64Array[];
  /** `pairs[s][t]` for t < s: co-occurrence of sorted terms t (finer) and s. */
  readonly pairs: readonly (readonly CoOccurrence[])[];
  /** [X y]'Z_t for each sorted term, row-major (p+1) x l_t. */
  readonly xyz: readonly Float64Array[];
  /** [X y]'[X y], row-major (p+1) x (p+1). */
  readonly xyxy: Float64Array;
}

// Above this many cells, co-occurrences are counted in a Map instead of a dense table.
const DENSE_COUNT_LIMIT = 1 << 22;

/** Rows per level of remembered designs' codes (see _design_cache.ts); never written. */
const designCounts = new WeakMap<Int32Array, Float64Array>();

/** Co-occurrences of remembered designs' codes (see _design_cache.ts), by fine then coarse codes. */
const designPairs = new WeakMap<Int32Array, WeakMap<Int32Array, CoOccurrence>>();

/** {@linkcode coOccurrence}, kept for a remembered design's codes, which are never written. */
function designCoOccurrence(
  fine: Int32Array,
  fineCounts: Float64Array,
  coarse: Int32Array,
  lCoarse: number,
): CoOccurrence {
  if (!_isDesignCodes(fine) || !_isDesignCodes(coarse)) {
    return coOccurrence(fine, fineCounts, coarse, lCoarse);
  }
  let byCoarse = designPairs.get(fine);
  if (!byCoarse) designPairs.set(fine, byCoarse = new WeakMap());
  let pair = byCoarse.get(coarse);
  if (!pair) {
    // Its own copy of the counts: the nested case would otherwise share this frame's array.
    pair = coOccurrence(fine, fineCounts.slice(), coarse, lCoarse);
    byCoarse.set(coarse, pair);
  }
  return pair;
}

function coOccurrence(
  fine: Int32Array,
  fineCounts: Float64Array,
  coarse: Int32Array,
  lCoarse: number,
): CoOccurrence {
  const lFine = fineCounts.length;
  const n = fine.length;
  const parent = new Int32Array(lFine).fill(-1);
  let nested = true;
  for (let r = 0; r < n; r++) {
    const a = fine[r], b = coarse[r];
    if (parent[a] < 0) parent[a] = b;
    else if (parent[a] !== b) {
      nested = false;
      break;
    }
  }
  if (nested) {
    const count = fineCounts;
    const colPtr = new Int32Array(lFine + 1);
    for (let a = 0; a <= lFine; a++) colPtr[a] = a;
    return { colPtr, rowIdx: parent, count, nested };
  }
  const colPtr = new Int32Array(lFine + 1);
  let rowIdx: Int32Array, count: Float64Array;
  if (lFine * lCoarse <= DENSE_COUNT_LIMIT) {
    const table = new Float64Array(lFine * lCoarse);
    for (let r = 0; r < n; r++) table[fine[r] * lCoarse + coarse[r]]++;
    let nnz = 0;
    for (let i = 0; i < table.length; i++) if (table[i] !== 0) nnz++;
    rowIdx = new Int32Array(nnz);
    count = new Float64Array(nnz);
    let k = 0;
    for (let a = 0; a < lFine; a++) {
      colPtr[a] = k;
      for (let b = 0; b < lCoarse; b++) {
        const c = table[a * lCoarse + b];
        if (c !== 0) {
          rowIdx[k] = b;
          count[k++] = c;
        }
      }
    }
    colPtr[lFine] = k;
  } else {
    const cells = new Map<number, number>();
    for (let r = 0; r < n; r++) {
      const key = fine[r] * lCoarse + coarse[r];
      cells.set(key, (cells.get(key) ?? 0) + 1);
    }
    const keys = Float64Array.from(cells.keys()).sort();
    rowIdx = new Int32Array(keys.length);
    count = new Float64Array(keys.length);
    let a = 0;
    for (let k = 0; k < keys.length; k++) {
      const col = Math.floor(keys[k] / lCoarse);
      while (a <= col) colPtr[a++] = k;
      rowIdx[k] = keys[k] - col * lCoarse;
      count[k] = cells.get(keys[k])!;
    }
    while (a <= lFine) colPtr[a++] = keys.length;
  }
  return { colPtr, rowIdx, count, nested };
}

function isAllOnes(v: Float64Array): boolean {
  if (_isInterceptColumn(v)) return true;
  for (let i = 0; i < v.length; i++) if (v[i] !== 1) return false;
  return true;
}

/**
 * Computes the cross-products of a model frame. Terms are sorted by
 * decreasing number of levels (stable), as MixedModels.jl does, so that the
 * largest term gets the diagonal block of the factor.
 *
 * Cost: O(n (p + 1)^2 + n K^2) once; afterwards nothing touches the rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "./cross_products.ts";
 * const cp = crossProducts({
 *   response: "y",
 *   y: new Float64Array([1, 2, 3, 4]),
 *   X: new Float64Array([1, 1, 1, 1]),
 *   fixedNames: ["(Intercept)"],
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1]), levels: ["a", "b"] }],
 *   droppedRows: 0,
 * });
 * assert.deepEqual(Array.from(cp.counts[0]), [2, 2]);
 * assert.deepEqual(Array.from(cp.xyz[0]), [2, 2, 3, 7]); // 1'Z and y'Z
 * assert.deepEqual(Array.from(cp.xyxy), [4, 10, 10, 30]);
 * ```
 */
export function crossProducts(frame: ModelFrame): CrossProducts {
  const n = frame.y.length;
  const p = frame.fixedNames.length;
  const P = p + 1;
  const order = frame.terms.map((_, i) => i).sort((i, j) =>
    frame.terms[j].levels.length - frame.terms[i].levels.length || i - j
  );
  const codes = order.map((i) => frame.terms[i].codes);
  const nlevels = order.map((i) => frame.terms[i].levels.length);
  const columns = Array.from(
    { length: P },
    (_, c) => c < p ? frame.X.subarray(c * n, (c + 1) * n) : frame.y,
  );
  const constantOne = columns.map(isAllOnes);
  const counts: Float64Array[] = [], xyz: Float64Array[] = [];
  const pairs: CoOccurrence[][] = [];
  let yTotals: YTotals | null = null;
  for (let t = 0; t < codes.length; t++) {
    const code = codes[t], l = nlevels[t];
    const row: CoOccurrence[] = [];
    pairs.push(row);
    let count: Float64Array, out: Float64Array;
    const below = t > 0 ? designCoOccurrence(codes[t - 1], counts[t - 1], code, l) : null;
    if (below?.nested) {
      // Nested in the finer term: aggregate its sums over levels, not rows.
      count = new Float64Array(l);
      out = new Float64Array(P * l);
      const parent = below.rowIdx, finer = counts[t - 1], finerSums = xyz[t - 1];
      const lf = finer.length;
      countLevels(code, { count, fill: () => aggregate(finer, { parent, into: count }) });
      for (let c = 0; c < P; c++) {
        aggregate(finerSums.subarray(c * lf, (c + 1) * lf), {
          parent,
          into: out.subarray(c * l, (c + 1) * l),
        });
      }
    } else {
      count = new Float64Array(l);
      out = new Float64Array(P * l);
      const totals = levelSums(code, { columns, constantOne, count, out, totals: t === 0 });
      if (t === 0) yTotals = totals;
    }
    counts.push(count);
    xyz.push(out);
    for (let j = 0; j < t; j++) {
      row.push(j === t - 1 ? below! : designCoOccurrence(codes[j], counts[j], code, l));
    }
  }
  return {
    n,
    p,
    order,
    nlevels,
    counts,
    pairs,
    xyz,
    xyxy: yTotals === null
      ? productsOfColumns(columns, constantOne)
      : new Float64Array([n, yTotals.sum, yTotals.sum, yTotals.squares]),
  };
}

/**
 * Rows per level of `code` into the zeroed `at.count`: counted by `at.fill`,
 * or copied from those kept with a remembered design's codes (which are
 * counted once and kept).
 */
function countLevels(code: Int32Array, at: { count: Float64Array; fill: () => void }): void {
  const { count } = at, design = _isDesignCodes(code);
  const known = design ? designCounts.get(code) : undefined;
  if (known?.length === count.length) return count.set(known);
  at.fill();
  if (design) designCounts.set(code, count.slice());
}

/**
 * into[parent[a]] += values[a] for each a in order, a parent's sum kept in a local while its
 * children run on (a nested term's children are usually adjacent): the same additions in the
 * same order.
 */
function aggregate(values: Float64Array, at: { parent: Int32Array; into: Float64Array }): void {
  const { parent, into } = at, n = values.length;
  if (n === 0) return;
  let p = parent[0], sum = into[p];
  for (let a = 0; a < n; a++) {
    const q = parent[a];
    if (q !== p) {
      into[p] = sum;
      p = q;
      sum = into[q];
    }
    sum += values[a];
  }
  into[p] = sum;
}

/**
 * [X y]'[X y] from the columns, row-major P x P. Products with the
 * intercept column need no multiplication (the sums are the same); for
 * `y ~ 1` the sum and the sum of squares of y share one pass.
 */
function productsOfColumns(columns: Float64Array[], constantOne: boolean[]): Float64Array {
  const P = columns.length, n = columns[0].length;
  const xyxy = new Float64Array(P * P);
  if (P === 2 && constantOne[0] && !constantOne[1]) {
    const y = columns[1];
    let s = 0, ss = 0;
    for (let r = 0; r < n; r++) {
      const v = y[r];
      s += v;
      ss += v * v;
    }
    xyxy.set([n, s, s, ss]);
    return xyxy;
  }
  for (let c = 0; c < P; c++) {
    const u = columns[c];
    for (let d = 0; d <= c; d++) {
      let s = 0;
      if (constantOne[c] && constantOne[d]) s = n;
      else if (constantOne[c] || constantOne[d]) {
        const v = constantOne[d] ? u : columns[d];
        for (let r = 0; r < n; r++) s += v[r];
      } else {
        const v = columns[d];
        for (let r = 0; r < n; r++) s += u[r] * v[r];
      }
      xyxy[c * P + d] = s;
      xyxy[d * P + c] = s;
    }
  }
  return xyxy;
}

/** The sum and the sum of squares of y, in row order. */
interface YTotals {
  readonly sum: number;
  readonly squares: number;
}

/**
 * Row counts and sums of each column of [X y] per level of one term. With
 * `totals` and an intercept-only [X y] (the commonest case), also y's sum
 * and sum of squares, in row order in the same pass (the [X y]'[X y] of
 * {@linkcode productsOfColumns}, summed alike); else null. A remembered
 * design's counts are counted once.
 */
function levelSums(
  code: Int32Array,
  into: {
    columns: Float64Array[];
    constantOne: boolean[];
    count: Float64Array;
    out: Float64Array;
    totals: boolean;
  },
): YTotals | null {
  const { columns, constantOne, count, out } = into, n = code.length, P = columns.length;
  const l = count.length;
  countLevels(code, {
    count,
    fill: () => {
      for (let r = 0; r < n; r++) count[code[r]]++;
    },
  });
  if (into.totals && P === 2 && constantOne[0] && !constantOne[1]) {
    // A level's sum is kept in a local while its rows run on (rows of a level are usually
    // adjacent), then stored: the same additions in the same order as out[l + code[r]] += v,
    // without a store and a load of that sum on every row.
    const y = columns[1];
    let sum = 0, squares = 0;
    let level = n > 0 ? code[0] : 0, run = n > 0 ? out[l + level] : 0;
    for (let r = 0; r < n; r++) {
      const v = y[r], c = code[r];
      if (c !== level) {
        out[l + level] = run;
        level = c;
        run = out[l + c];
      }
      run += v;
      sum += v;
      squares += v * v;
    }
    if (n > 0) out[l + level] = run;
    out.set(count);
    return { sum, squares };
  }
  for (let c = 0; c < P; c++) {
    const sums = out.subarray(c * l, (c + 1) * l);
    if (constantOne[c]) sums.set(count);
    else aggregate(columns[c], { parent: code, into: sums });
  }
  return null;
}

/** The response {@linkcode withResponse} puts in place of the frame's. */
export interface NewResponse {
  /** The frame `cp` was computed from (its design and codes are used). */
  readonly frame: ModelFrame;
  /** The new response, one value per row of the frame. */
  readonly y: Float64Array;
}

/**
 * Cross-products of `response.frame`'s design (whose cross-products are
 * `cp`) with another response `response.y`: only the y
 * row of [X y]'Z and the y row and column of [X y]'[X y] are recomputed, as
 * in a parametric bootstrap or a simulation with a fixed design.
 *
 * Cost: O(n (K + p)).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts, withResponse } from "./cross_products.ts";
 * const frame = {
 *   response: "y",
 *   y: new Float64Array([1, 2, 3, 4]),
 *   X: new Float64Array([1, 1, 1, 1]),
 *   fixedNames: ["(Intercept)"],
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1]), levels: ["a", "b"] }],
 *   droppedRows: 0,
 * };
 * const y2 = new Float64Array([2, 2, 0, 1]);
 * const swapped = withResponse(crossProducts(frame), { frame, y: y2 });
 * assert.deepEqual(swapped, crossProducts({ ...frame, y: y2 }));
 * ```
 */
export function withResponse(cp: CrossProducts, response: NewResponse): CrossProducts {
  const { frame, y } = response;
  const { n, p } = cp, P = p + 1;
  const xyz = cp.xyz.map((block, t) => {
    const l = cp.nlevels[t], code = frame.terms[cp.order[t]].codes;
    const out = Float64Array.from(block);
    const sums = out.subarray(p * l);
    sums.fill(0);
    for (let r = 0; r < n; r++) sums[code[r]] += y[r];
    return out;
  });
  const xyxy = Float64Array.from(cp.xyxy);
  for (let c = 0; c <= p; c++) {
    const u = c < p ? frame.X.subarray(c * n, (c + 1) * n) : y;
    let s = 0;
    for (let r = 0; r < n; r++) s += u[r] * y[r];
    xyxy[c * P + p] = s;
    xyxy[p * P + c] = s;
  }
  return { ...cp, xyz, xyxy };
}
