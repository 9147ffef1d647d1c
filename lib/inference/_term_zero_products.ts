/**
 * The two products behind term 0's part of the crossed exact information
 * (`_schur_information.ts`), for the levels b of term 0 with B_b their rows
 * of the mixed-model matrix outside term 0's block (sparse entries on the
 * dense positions, then X's columns for REML):
 * - u_b = Y B_b', a combination of rows of the inverse Y;
 * - B u for eight vectors u at a time, the rows B_b'' times each.
 * Both run in WebAssembly SIMD (`_simd_row_combination.ts`,
 * `_simd_block_products.ts`) where it is available, else in scalar loops,
 * with every sum taken in the same order either way: the same bits. On
 * InstEval (1158 positions, 2972 levels of term 0) they are 0.24 s of the
 * variance SEs' 0.6 s in scalar loops, 0.11 s in SIMD.
 *
 * @module
 */

import { _ensureMemory } from "../_wasm_module.ts";
import { _simdRowCombination } from "../linalg/_simd_row_combination.ts";
import { _simdBlockProducts } from "../linalg/_simd_block_products.ts";

/** Levels of term 0 whose products B u are formed together. */
export const BLOCK = 8;

/** Term 0's rows B_b: entries (position, value) from start[b] to start[b + 1], then X's. */
export interface TermZeroRows {
  readonly start: Int32Array;
  readonly position: Int32Array;
  readonly value: Float64Array;
  /** theta_0 Z_0'X, l0 x p row-major. */
  readonly xPart: Float64Array;
  /** Dense positions. */
  readonly m: number;
  /** X's columns in the bordered matrix (0 for ML). */
  readonly p: number;
}

/** The products for one inverse Y (n x n, n = m + p). */
export interface TermZeroProducts {
  /** u_b = Y B_b', a view overwritten by the next call. */
  combine(b: number): Float64Array;
  /** The BLOCK vectors u, interleaved (entry j of vector i at j BLOCK + i), to be filled. */
  readonly vectors: Float64Array;
  /** B_b'' times each of the vectors, for b'' below `levels`, at q[b'' BLOCK + i]. */
  products(levels: number): Float64Array;
}

/**
 * The products for `Y` and `rows`, in SIMD unless `simd` is false or SIMD
 * or its memory is not available.
 */
export function termZeroProducts(
  Y: Float64Array,
  options: { rows: TermZeroRows; simd?: boolean },
): TermZeroProducts {
  return ((options.simd ?? true) && simdProducts(Y, options.rows)) ||
    scalarProducts(Y, options.rows);
}

/** u += w * the row of Y that starts at `base`. */
function addRow(u: Float64Array, Y: Float64Array, base: number, w: number): void {
  const n = u.length;
  if (w === 0) return;
  for (let j = 0; j < n; j++) u[j] += w * Y[base + j];
}

function scalarProducts(Y: Float64Array, rows: TermZeroRows): TermZeroProducts {
  const { start, position, value, xPart, m, p } = rows, n = m + p, l0 = start.length - 1;
  const u = new Float64Array(n), vectors = new Float64Array(n * BLOCK);
  const q = new Float64Array(l0 * BLOCK);
  return {
    vectors,
    combine(b) {
      u.fill(0);
      for (let k = start[b]; k < start[b + 1]; k++) addRow(u, Y, position[k] * n, value[k]);
      for (let c = 0; c < p; c++) addRow(u, Y, (m + c) * n, xPart[b * p + c]);
      return u;
    },
    products(levels) {
      blockProducts(q, vectors, { ...rows, levels });
      return q;
    },
  };
}

/**
 * q[b BLOCK + i] = B_b u_i for the levels b below `levels` and the BLOCK
 * vectors u_i interleaved in U: each sum over B_b's entries in order, then
 * over X's columns, as a single product would take it.
 */
function blockProducts(q: Float64Array, U: Float64Array, B: TermZeroRows & { levels: number }) {
  const { start, position, value, xPart, m, p } = B;
  for (let b = 0; b < B.levels; b++) {
    let q0 = 0, q1 = 0, q2 = 0, q3 = 0, q4 = 0, q5 = 0, q6 = 0, q7 = 0;
    for (let k = start[b]; k < start[b + 1]; k++) {
      const v = value[k], at = position[k] * BLOCK;
      q0 += v * U[at], q1 += v * U[at + 1], q2 += v * U[at + 2], q3 += v * U[at + 3];
      q4 += v * U[at + 4], q5 += v * U[at + 5], q6 += v * U[at + 6], q7 += v * U[at + 7];
    }
    for (let c = 0; c < p; c++) {
      const v = xPart[b * p + c], at = (m + c) * BLOCK;
      q0 += v * U[at], q1 += v * U[at + 1], q2 += v * U[at + 2], q3 += v * U[at + 3];
      q4 += v * U[at + 4], q5 += v * U[at + 5], q6 += v * U[at + 6], q7 += v * U[at + 7];
    }
    const o = b * BLOCK;
    q[o] = q0, q[o + 1] = q1, q[o + 2] = q2, q[o + 3] = q3;
    q[o + 4] = q4, q[o + 5] = q5, q[o + 6] = q6, q[o + 7] = q7;
  }
}

/** Largest order the SIMD route takes (its copy of Y stays within 128 MiB). */
const SIMD_MAX = 4096;

/**
 * The SIMD kernels on copies in their memories: Y, u and every level's row
 * list (byte addresses of Y's rows and their weights, X's after the
 * entries) for the combination; the vectors, q and B for the products.
 * Null when SIMD or the memory is not available.
 */
function simdProducts(Y: Float64Array, rows: TermZeroRows): TermZeroProducts | null {
  const { start, position, value, xPart, m, p } = rows, n = m + p, l0 = start.length - 1;
  const a = n <= SIMD_MAX ? _simdRowCombination() : null, b = _simdBlockProducts();
  if (a === null || b === null) return null;
  const nnz = position.length, list = nnz + l0 * p;
  // Combination: Y, u, the weights, then the rows' byte addresses.
  const uAt = n * n * 8, wAt = uAt + n * 8, rAt = wAt + list * 8;
  // Products: the vectors, q, values, X's part, then start and positions.
  const qAt = n * BLOCK * 8, vAt = qAt + l0 * BLOCK * 8, xAt = vAt + nnz * 8;
  const sAt = xAt + l0 * p * 8, pAt = sAt + (l0 + 1) * 4;
  if (!_ensureMemory(a.memory, rAt + list * 4) || !_ensureMemory(b.memory, pAt + nnz * 4)) {
    return null;
  }
  new Float64Array(a.memory.buffer, 0, n * n).set(Y.subarray(0, n * n));
  const weights = new Float64Array(a.memory.buffer, wAt, list);
  const addresses = new Int32Array(a.memory.buffer, rAt, list);
  for (let level = 0, at = 0; level < l0; level++) {
    for (let k = start[level]; k < start[level + 1]; k++, at++) {
      weights[at] = value[k];
      addresses[at] = position[k] * n * 8;
    }
    for (let c = 0; c < p; c++, at++) {
      weights[at] = xPart[level * p + c];
      addresses[at] = (m + c) * n * 8;
    }
  }
  const u = new Float64Array(a.memory.buffer, uAt, n);
  new Float64Array(b.memory.buffer, vAt, nnz).set(value);
  new Float64Array(b.memory.buffer, xAt, l0 * p).set(xPart);
  new Int32Array(b.memory.buffer, sAt, l0 + 1).set(start);
  new Int32Array(b.memory.buffer, pAt, nnz).set(position);
  const q = new Float64Array(b.memory.buffer, qAt, l0 * BLOCK);
  return {
    vectors: new Float64Array(b.memory.buffer, 0, n * BLOCK),
    combine(level) {
      u.fill(0);
      const first = start[level] + level * p, count = start[level + 1] - start[level] + p;
      a.combine(uAt, rAt + 4 * first, wAt + 8 * first, count, n);
      return u;
    },
    products(levels) {
      b.products(qAt, 0, sAt, pAt, vAt, xAt, levels, m, p);
      return q;
    },
  };
}
