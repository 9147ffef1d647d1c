/**
 * The two products behind term 0's part of the crossed exact information
 * (`_schur_information.ts`), for the levels b of term 0 with B_b their rows
 * of the mixed-model matrix outside term 0's block (sparse entries on the
 * dense positions, then X's columns for REML):
 * - u_b = Y B_b', a combination of rows of the inverse Y;
 * - B u for eight vectors u at a time, the rows B_b'' times each.
 * Both run in WebAssembly SIMD where it is available (the combination four
 * rows at a time by `_grouped_axpy.ts`, the products by
 * `_simd_block_products.ts`), else in scalar loops, with every sum taken in
 * the same order either way: the same bits. On InstEval (1158 positions,
 * 2972 levels of term 0) they are 0.24 s of the variance SEs' 0.6 s in
 * scalar loops, 0.11 s in SIMD.
 *
 * @module
 */

import { _ensureMemory } from "../_wasm_module.ts";
import { _simdAxpy } from "../linalg/_simd_axpy.ts";
import { GroupedAxpy } from "../linalg/_grouped_axpy.ts";
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
  const rows = fullRows(options.rows), n = options.rows.m + options.rows.p;
  return ((options.simd ?? true) && simdProducts(Y, { rows, n })) ||
    scalarProducts(Y, { rows, n });
}

/** Each level's whole row B_b in one list: its entries, then X's columns at positions m + c. */
interface FullRows {
  readonly start: Int32Array;
  readonly position: Int32Array;
  readonly value: Float64Array;
}

function fullRows(rows: TermZeroRows): FullRows {
  const { start, position, value, xPart, m, p } = rows, l0 = start.length - 1;
  const full = {
    start: new Int32Array(l0 + 1),
    position: new Int32Array(position.length + l0 * p),
    value: new Float64Array(position.length + l0 * p),
  };
  let at = 0;
  for (let b = 0; b < l0; b++) {
    full.start[b] = at;
    for (let k = start[b]; k < start[b + 1]; k++, at++) {
      full.position[at] = position[k], full.value[at] = value[k];
    }
    for (let c = 0; c < p; c++, at++) full.position[at] = m + c, full.value[at] = xPart[b * p + c];
  }
  full.start[l0] = at;
  return full;
}

function scalarProducts(Y: Float64Array, { rows, n }: { rows: FullRows; n: number }) {
  const { start, position, value } = rows, l0 = start.length - 1;
  const u = new Float64Array(n), vectors = new Float64Array(n * BLOCK);
  const q = new Float64Array(l0 * BLOCK);
  return {
    vectors,
    combine(b: number) {
      u.fill(0);
      for (let k = start[b]; k < start[b + 1]; k++) {
        const w = value[k], base = position[k] * n;
        if (w !== 0) { for (let j = 0; j < n; j++) u[j] += w * Y[base + j]; }
      }
      return u;
    },
    products(levels: number) {
      blockProducts(q, vectors, { ...rows, levels });
      return q;
    },
  };
}

/**
 * q[b BLOCK + i] = B_b u_i for the levels b below `levels` and the BLOCK
 * vectors u_i interleaved in U: each sum over B_b's entries in order, as a
 * single product would take it.
 */
function blockProducts(q: Float64Array, U: Float64Array, B: FullRows & { levels: number }) {
  const { start, position, value } = B;
  for (let b = 0; b < B.levels; b++) {
    let q0 = 0, q1 = 0, q2 = 0, q3 = 0, q4 = 0, q5 = 0, q6 = 0, q7 = 0;
    for (let k = start[b]; k < start[b + 1]; k++) {
      const v = value[k], at = position[k] * BLOCK;
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
 * The SIMD kernels on copies in their memories: Y and u for the
 * combination (u += w Y_k as u -= (-w) Y_k, the same sum exactly); the
 * vectors, q and B for the products. Null when SIMD or the memory is not
 * available.
 */
function simdProducts(Y: Float64Array, { rows, n }: { rows: FullRows; n: number }) {
  const { start, position, value } = rows, l0 = start.length - 1, list = position.length;
  const a = n <= SIMD_MAX ? _simdAxpy() : null, b = _simdBlockProducts();
  if (a === null || b === null) return null;
  // Combination: Y, then u. Products: the vectors, q, values, then start and positions.
  const uAt = n * n * 8, qAt = n * BLOCK * 8, vAt = qAt + l0 * BLOCK * 8;
  const sAt = vAt + list * 8, pAt = sAt + (l0 + 1) * 4;
  if (!_ensureMemory(a.memory, uAt + n * 8) || !_ensureMemory(b.memory, pAt + list * 4)) {
    return null;
  }
  new Float64Array(a.memory.buffer, 0, n * n).set(Y.subarray(0, n * n));
  const u = new Float64Array(a.memory.buffer, uAt, n);
  const terms = new GroupedAxpy(a.axpy, new Float64Array(a.memory.buffer));
  new Float64Array(b.memory.buffer, vAt, list).set(value);
  new Int32Array(b.memory.buffer, sAt, l0 + 1).set(start);
  new Int32Array(b.memory.buffer, pAt, list).set(position);
  const q = new Float64Array(b.memory.buffer, qAt, l0 * BLOCK);
  return {
    vectors: new Float64Array(b.memory.buffer, 0, n * BLOCK),
    combine(level: number) {
      u.fill(0);
      terms.start(uAt);
      for (let k = start[level]; k < start[level + 1]; k++) {
        if (value[k] !== 0) terms.add(position[k] * n * 8, -value[k], n);
      }
      terms.flush();
      return u;
    },
    products(levels: number) {
      b.products(qAt, 0, sAt, pAt, vAt, levels);
      return q;
    },
  };
}
