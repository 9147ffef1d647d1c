/**
 * The inverse of a symmetric positive definite matrix from its lower
 * Cholesky factor L, for orders in the thousands: X = L^-1 row by row
 * (each row a sum of earlier rows, so every inner loop runs along a row),
 * then A^-1 = X' X as a sum of the outer products of X's rows, over the
 * lower triangle. About n^3 / 3 multiply-adds in all, against about n^3 / 2
 * for the column-by-column solves of `inverseFromCholesky` (cholesky.ts),
 * and every access along a row. The row updates (axpy along a row) run in
 * WebAssembly SIMD, from order 200 four terms at a time (`_grouped_axpy.ts`),
 * to the same bits. Medians on one machine, SIMD one term at a time / scalar loops / the
 * solves: 0.28 / 0.70 / 1.3 ms at order 100, 23 / 73 / 185 ms at 500,
 * 0.26 / 0.88 / 2.3 s at 1158; four terms at a time (a row read and written
 * once per four) took order 500 from 16-24 to 12-19 ms and 1158 from 225 to
 * 125-139 ms, and took 100 from 0.23 to 0.30 ms (so smaller orders keep the
 * one-term sweep).
 *
 * @module
 */

import { _ensureMemory } from "../_wasm_module.ts";
import { _simdAxpy } from "./_simd_axpy.ts";
import { _simdRowSweep } from "./_simd_row_sweep.ts";
import { GroupedAxpy } from "./_grouped_axpy.ts";

/**
 * A^-1 for A = L L' (`l` row-major n x n, lower triangle read), as a new
 * full symmetric row-major matrix. Its inner loops run in WebAssembly SIMD
 * where that is available, with the same result to the bit (`simd: false`
 * takes the scalar loops).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { _choleskyInverse } from "./_cholesky_inverse.ts";
 * // A = [[4, 2], [2, 5]] = L L' with L = [[2, 0], [1, 2]]; A^-1 = [[5, -2], [-2, 4]] / 16.
 * const inv = _choleskyInverse(new Float64Array([2, 0, 1, 2]), 2);
 * assert.deepEqual(Array.from(inv), [5 / 16, -2 / 16, -2 / 16, 4 / 16]);
 * ```
 */
export function _choleskyInverse(
  l: Float64Array,
  n: number,
  options: { simd?: boolean } = {},
): Float64Array {
  const fast = (options.simd ?? true) ? simdInverse(l, n) : null;
  if (fast !== null) return fast;
  const x = triangularInverse(l, n);
  const out = new Float64Array(n * n);
  // out_ij = sum over k >= i of x_ki x_kj (j <= i): row k adds to rows 0..k.
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i <= k; i++) {
      const xki = x[rk + i];
      if (xki === 0) continue;
      const ri = i * n;
      for (let j = 0; j <= i; j++) out[ri + j] += xki * x[rk + j];
    }
  }
  return symmetrize(out, n);
}

/** Copies the lower triangle of row-major `a` to the upper one; returns `a`. */
function symmetrize(a: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j];
  }
  return a;
}

/** Largest order the SIMD path takes (its two n x n matrices stay within 256 MiB). */
const SIMD_INVERSE_MAX = 4096;

/** Smallest order whose row updates go four terms at a time (below it the calls cost more). */
const GROUPED_FROM = 200;

/**
 * The same sums as {@linkcode _choleskyInverse}'s loops, entry by entry in the
 * same order, with the row updates in WebAssembly SIMD: X's row i takes its
 * terms from rows k < i, and the product's row i from X's rows k >= i
 * (out_i[0..i] += x_ki x_k[0..i], as the negated product subtracted). From
 * order GROUPED_FROM a row takes four terms at a time (`_grouped_axpy.ts`),
 * below it all of a row's terms in one call of the row sweep
 * (`_simd_row_sweep.ts`). The same result to the bit. Null where
 * WebAssembly SIMD or the memory is not available.
 */
function simdInverse(l: Float64Array, n: number): Float64Array | null {
  if (n > SIMD_INVERSE_MAX) return null;
  return n >= GROUPED_FROM ? groupedInverse(l, n) : sweptInverse(l, n);
}

/** Sets x_ii = 1, runs `terms` (x_i[0..k] -= l_ik x_k[0..k] for k < i), then scales the row. */
function inverseRow(
  x: Float64Array,
  { l, n, i }: { l: Float64Array; n: number; i: number },
  terms: () => void,
): void {
  const ri = i * n;
  x[ri + i] = 1;
  terms();
  const inv = 1 / l[ri + i];
  for (let j = 0; j <= i; j++) x[ri + j] *= inv;
}

/** {@linkcode simdInverse} by the row sweep, on L, X and the product from byte 0. */
function sweptInverse(l: Float64Array, n: number): Float64Array | null {
  const kernel = _simdRowSweep();
  const size = n * n * 8, row = 8 * n;
  if (kernel === null || !_ensureMemory(kernel.memory, 3 * size)) return null;
  const { sweep, memory } = kernel;
  new Float64Array(memory.buffer, 0, n * n).set(l.subarray(0, n * n));
  const x = new Float64Array(memory.buffer, size, n * n).fill(0);
  const out = new Float64Array(memory.buffer, 2 * size, n * n).fill(0);
  for (let i = 0; i < n; i++) {
    inverseRow(x, { l, n, i }, () => sweep(size + i * row, 0, size, row, i * row, i, 0));
  }
  for (let k = 0; k < n; k++) sweep(2 * size, row, size + k * row, 0, size + k * row, k + 1, 1);
  return symmetrize(out.slice(), n);
}

/** {@linkcode simdInverse} four terms at a time, on X and the product from byte 0. */
function groupedInverse(l: Float64Array, n: number): Float64Array | null {
  const kernel = _simdAxpy();
  const size = n * n * 8, row = 8 * n;
  if (kernel === null || !_ensureMemory(kernel.memory, 2 * size)) return null;
  const x = new Float64Array(kernel.memory.buffer, 0, n * n).fill(0);
  const out = new Float64Array(kernel.memory.buffer, size, n * n).fill(0);
  const rows = new GroupedAxpy(kernel.axpy, new Float64Array(kernel.memory.buffer));
  for (let i = 0; i < n; i++) {
    inverseRow(x, { l, n, i }, () => {
      rows.start(i * row);
      for (let k = 0, ri = i * n; k < i; k++) {
        if (l[ri + k] !== 0) rows.add(k * row, l[ri + k], k + 1);
      }
      rows.flush();
    });
  }
  for (let i = 0; i < n; i++) {
    rows.start(size + i * row);
    for (let k = i; k < n; k++) if (x[k * n + i] !== 0) rows.add(k * row, -x[k * n + i], i + 1);
  }
  rows.flush();
  return symmetrize(out.slice(), n);
}

/** L^-1 (lower triangular, row-major): row i is (e_i - sum over k < i of l_ik row k) / l_ii. */
function triangularInverse(l: Float64Array, n: number): Float64Array {
  const x = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    x[ri + i] = 1;
    for (let k = 0; k < i; k++) {
      const lik = l[ri + k];
      if (lik === 0) continue;
      const rk = k * n;
      for (let j = 0; j <= k; j++) x[ri + j] -= lik * x[rk + j];
    }
    const inv = 1 / l[ri + i];
    for (let j = 0; j <= i; j++) x[ri + j] *= inv;
  }
  return x;
}
