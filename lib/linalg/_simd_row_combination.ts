/**
 * A linear combination of rows in WebAssembly SIMD: u += w_k r_k over a list
 * of rows r_k with weights w_k, two doubles at a time. Each entry of u takes
 * its terms in list order, each a product then a sum (f64 arithmetic is IEEE
 * 754 with no fused multiply-add), as the scalar loop
 * `for k: if (w[k] !== 0) for j: u[j] += w[k] * r_k[j]` does, so the results
 * agree to the bit.
 *
 * @module
 */

import { F64, type FunctionModule, I32, lazyInstance, op, V128 } from "../_wasm_module.ts";

// Parameters, then locals.
const U = 0, ROWS = 1, WEIGHTS = 2, COUNT = 3, LENGTH = 4;
const K = 5, PU = 6, PR = 7, END = 8, W = 9, WV = 10;

/**
 * combine(u, rows, weights, count, length), addresses in bytes: for
 * k = 0 .. count - 1 with w = weights[k] != 0 (doubles) and the row at byte
 * rows[k] (Int32s), u[j] += w row[j] for j = 0 .. length - 1. Returns count.
 */
function combineKernel(): FunctionModule {
  // deno-fmt-ignore
  const pairs = [
    ...op.block, ...op.loop,
    ...op.get(PU), ...op.i32(16), ...op.add, ...op.get(END), ...op.gtS, ...op.brIf(1),
    ...op.get(PU),
    ...op.get(PU), ...op.v128Load(0),
    ...op.get(WV), ...op.get(PR), ...op.v128Load(0), ...op.f64x2Mul,
    ...op.f64x2Add, ...op.v128Store(0),
    ...[PU, PR].flatMap((p) => [...op.get(p), ...op.i32(16), ...op.add, ...op.set(p)]),
    ...op.br(0), ...op.end, ...op.end,
  ];
  // deno-fmt-ignore
  const last = [
    ...op.get(PU), ...op.get(END), ...op.ltS, ...op.if,
    ...op.get(PU),
    ...op.get(PU), ...op.f64Load(0),
    ...op.get(W), ...op.get(PR), ...op.f64Load(0), ...op.f64Mul,
    ...op.f64Add, ...op.f64Store(0),
    ...op.end,
  ];
  // deno-fmt-ignore
  const body = [
    ...op.i32(0), ...op.set(K),
    ...op.block, ...op.loop,
    ...op.get(K), ...op.get(COUNT), ...op.geS, ...op.brIf(1),
    ...op.get(WEIGHTS), ...op.get(K), ...op.i32(3), ...op.shl, ...op.add, ...op.f64Load(0),
    ...op.set(W),
    ...op.get(W), ...op.f64Const0, ...op.f64Ne, ...op.if,
    ...op.get(W), ...op.f64x2Splat, ...op.set(WV),
    ...op.get(U), ...op.tee(PU), ...op.get(LENGTH), ...op.i32(3), ...op.shl, ...op.add,
    ...op.set(END),
    ...op.get(ROWS), ...op.get(K), ...op.i32(2), ...op.shl, ...op.add, ...op.i32Load(0),
    ...op.set(PR),
    ...pairs, ...last,
    ...op.end,
    ...op.get(K), ...op.i32(1), ...op.add, ...op.set(K),
    ...op.br(0), ...op.end, ...op.end,
    ...op.get(COUNT),
  ];
  return {
    name: "combine",
    params: [I32, I32, I32, I32, I32],
    locals: [[4, I32], [1, F64], [1, V128]],
    body,
  };
}

/** The kernel: see {@linkcode combineKernel}. */
export type Combine = (
  u: number,
  rows: number,
  weights: number,
  count: number,
  length: number,
) => number;

const instance = lazyInstance<Combine>(combineKernel);

/** The instantiated kernel and its memory, or null where WebAssembly SIMD is not available. */
export function _simdRowCombination(): { combine: Combine; memory: WebAssembly.Memory } | null {
  const compiled = instance();
  return compiled && { combine: compiled.fn, memory: compiled.memory };
}
