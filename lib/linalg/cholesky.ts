/**
 * Dense Cholesky factorisation and triangular solves on row-major
 * Float64Array matrices. The fitter's hot loops run through these, so they
 * work in place and allocate nothing (but for the buffer the SIMD path keeps,
 * grown to the largest matrix it has factored).
 *
 * @module
 */

import { simdCholeskyInPlace } from "./_simd_cholesky.ts";
import { scratchFloat64 } from "../_typed_arrays.ts";

/**
 * Factors the symmetric positive definite n x n matrix `a` (row-major; only
 * the lower triangle is read) in place into its lower Cholesky factor L with
 * A = L L'. The strict upper triangle is left untouched.
 *
 * Cost: n^3 / 6 multiply-adds; from order 40 on, the inner loop runs in
 * WebAssembly SIMD, with the scalar loop's result to the bit (see
 * `_simd_cholesky.ts`).
 *
 * @returns -1 on success, else the index of the first non-positive pivot
 * (the matrix is not numerically positive definite; the lower triangle then
 * holds partial results).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { choleskyInPlace } from "./cholesky.ts";
 * const a = new Float64Array([4, 0, 2, 5]);
 * assert.equal(choleskyInPlace(a, 2), -1);
 * assert.deepEqual(Array.from(a), [2, 0, 1, 2]);
 * ```
 */
export function choleskyInPlace(a: Float64Array, n: number): number {
  if (n >= SIMD_FROM) {
    const result = simdCholeskyInPlace(a, n);
    if (result !== null) return result;
  }
  return scalarCholesky(a, n);
}

// From this order on the SIMD path is faster than the scalar loop, its copies included (the
// same time at 32, 0.8x at 48, 0.65x at 64, 0.3x at 100, 0.45x at 1156).
const SIMD_FROM = 40;

/** The factorisation as a scalar loop: the definition the SIMD path reproduces to the bit. */
function scalarCholesky(a: Float64Array, n: number): number {
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let d = a[rowJ + j];
    for (let k = 0; k < j; k++) d -= a[rowJ + k] * a[rowJ + k];
    if (!(d > 0)) return j;
    const ljj = Math.sqrt(d);
    a[rowJ + j] = ljj;
    const inv = 1 / ljj;
    // Four rows at a time share the loads of row j; each sum runs in the same order as alone.
    let i = j + 1;
    for (; i + 3 < n; i += 4) {
      const r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
      let s0 = a[r0 + j], s1 = a[r1 + j], s2 = a[r2 + j], s3 = a[r3 + j];
      for (let k = 0; k < j; k++) {
        const ajk = a[rowJ + k];
        s0 -= a[r0 + k] * ajk;
        s1 -= a[r1 + k] * ajk;
        s2 -= a[r2 + k] * ajk;
        s3 -= a[r3 + k] * ajk;
      }
      a[r0 + j] = s0 * inv;
      a[r1 + j] = s1 * inv;
      a[r2 + j] = s2 * inv;
      a[r3 + j] = s3 * inv;
    }
    for (; i < n; i++) {
      const rowI = i * n;
      let s = a[rowI + j];
      for (let k = 0; k < j; k++) s -= a[rowI + k] * a[rowJ + k];
      a[rowI + j] = s * inv;
    }
  }
  return -1;
}

/**
 * Solves L x = b in place (b becomes x) for the lower-triangular n x n `l`
 * (row-major), reading `b` at `offset` with unit stride.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { forwardSolveInPlace } from "./cholesky.ts";
 * const b = new Float64Array([2, 5]);
 * forwardSolveInPlace(new Float64Array([2, 0, 1, 2]), 2, b);
 * assert.deepEqual(Array.from(b), [1, 2]);
 * ```
 */
export function forwardSolveInPlace(l: Float64Array, n: number, b: Float64Array, offset = 0): void {
  for (let i = 0; i < n; i++) {
    const rowI = i * n;
    let s = b[offset + i];
    for (let k = 0; k < i; k++) s -= l[rowI + k] * b[offset + k];
    b[offset + i] = s / l[rowI + i];
  }
}

/**
 * Solves L X = B in place for the right-hand sides held one after another in
 * `b` (its length a multiple of n; column c at c n), each exactly as
 * {@linkcode forwardSolveInPlace} would, but reading each row of `l` once for
 * all of them (a large factor is read from memory once, not once per column).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { forwardSolveColumnsInPlace } from "./cholesky.ts";
 * const b = new Float64Array([2, 5, 4, 6]);
 * forwardSolveColumnsInPlace(new Float64Array([2, 0, 1, 2]), 2, b);
 * assert.deepEqual(Array.from(b), [1, 2, 2, 2]);
 * assert.throws(() => forwardSolveColumnsInPlace(new Float64Array([2, 0, 1, 2]), 2, b.subarray(1)), RangeError);
 * ```
 */
export function forwardSolveColumnsInPlace(l: Float64Array, n: number, b: Float64Array): void {
  if (n === 0) return;
  if (b.length % n !== 0) {
    throw new RangeError(`b has ${b.length} values; expected a multiple of n (${n})`);
  }
  const columns = b.length / n;
  // forwardSolveInPlace's loop with a loop over the columns inside: kept apart, since that extra
  // loop slows a single solve of order 100 by 7-20%. Columns go three (an odd count's first
  // three) or two at a time, each with its own sum: one sum's chain of subtractions waits on
  // each one before, several chains side by side do not (InstEval's three columns of order
  // 1156: 2.9-3.3 ms to 1.1-1.6), and each sum keeps its order.
  for (let i = 0; i < n; i++) {
    const rowI = i * n, d = l[rowI + i];
    let c = 0;
    if (columns % 2 === 1 && columns >= 3) {
      const o = 0, o2 = n, o3 = 2 * n;
      let s = b[o + i], t = b[o2 + i], u = b[o3 + i];
      for (let k = 0; k < i; k++) {
        const lk = l[rowI + k];
        s -= lk * b[o + k], t -= lk * b[o2 + k], u -= lk * b[o3 + k];
      }
      b[o + i] = s / d, b[o2 + i] = t / d, b[o3 + i] = u / d;
      c = 3;
    }
    for (; c + 2 <= columns; c += 2) {
      const o = c * n, o2 = o + n;
      let s = b[o + i], t = b[o2 + i];
      for (let k = 0; k < i; k++) {
        const lk = l[rowI + k];
        s -= lk * b[o + k], t -= lk * b[o2 + k];
      }
      b[o + i] = s / d, b[o2 + i] = t / d;
    }
    if (c < columns) {
      const o = c * n;
      let s = b[o + i];
      for (let k = 0; k < i; k++) s -= l[rowI + k] * b[o + k];
      b[o + i] = s / d;
    }
  }
}

/**
 * Solves L' x = b in place (b becomes x) for the lower-triangular n x n `l`
 * (row-major), reading `b` at `offset` with unit stride.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { backSolveTransposedInPlace } from "./cholesky.ts";
 * const b = new Float64Array([4, 4]);
 * backSolveTransposedInPlace(new Float64Array([2, 0, 1, 2]), 2, b);
 * assert.deepEqual(Array.from(b), [1, 2]);
 * ```
 */
export function backSolveTransposedInPlace(
  l: Float64Array,
  n: number,
  b: Float64Array,
  offset = 0,
): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[offset + i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[offset + k];
    b[offset + i] = s / l[i * n + i];
  }
}

/**
 * Sum of log diagonal entries of the first `m` rows of the n x n `l`
 * (row-major): half the log determinant of L L' restricted to those rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { logDiagonalSum } from "./cholesky.ts";
 * assert.equal(logDiagonalSum(new Float64Array([1, 0, 0, Math.E]), 2, 2), 1);
 * ```
 */
export function logDiagonalSum(l: Float64Array, n: number, m = n): number {
  let s = 0;
  for (let i = 0; i < m; i++) s += Math.log(l[i * n + i]);
  return s;
}

/**
 * Inverse of A = L L' from its lower Cholesky factor (row-major n x n),
 * returned as a new full symmetric row-major matrix. Cost: about n^3 / 2.
 * For orders in the hundreds and more, `_cholesky_inverse.ts` is up to 9
 * times faster (row by row, in SIMD; 0.26 against 2.3 s at order 1158), but rounds
 * differently, so callers whose results are stored keep this one.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { inverseFromCholesky } from "./cholesky.ts";
 * const inv = inverseFromCholesky(new Float64Array([2, 0, 0, 4]), 2);
 * assert.deepEqual(Array.from(inv), [0.25, 0, 0, 0.0625]);
 * ```
 */
export function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  return _inverseFromCholeskyInto(l, { n, into: new Float64Array(n * n) });
}

/** {@linkcode inverseFromCholesky} written into `at.into` (n x n, every entry set). */
export function _inverseFromCholeskyInto(
  l: Float64Array,
  at: { n: number; into: Float64Array },
): Float64Array {
  const { n, into: inv } = at;
  const col = scratchFloat64(n);
  for (let j = 0; j < n; j++) {
    col.fill(0);
    col[j] = 1;
    forwardSolveInPlace(l, n, col);
    backSolveTransposedInPlace(l, n, col);
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i];
  }
  return inv;
}
