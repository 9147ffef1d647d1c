/**
 * Sparse rows times eight dense vectors in WebAssembly SIMD: for each sparse
 * row b (entries `value` at `position`), q_b = the row times each of eight
 * vectors held interleaved (entry j of vector i at 8 j + i). Each of the
 * eight sums takes its terms in the row's order, a product then a sum each
 * (IEEE 754 f64, no fused multiply-add), from 0, as scalar loops over the
 * row do, so the results agree to the bit.
 *
 * @module
 */

import { type FunctionModule, I32, lazyInstance, op, V128 } from "../_wasm_module.ts";

// Parameters, then locals.
const Q = 0, VECTORS = 1, START = 2, POSITION = 3, VALUE = 4, ROWS = 5;
const B = 6, K = 7, KEND = 8, AT = 9, A0 = 10, V = 14;

/** acc_r += V x the r-th pair of doubles at byte AT, r = 0 .. 3. */
const accumulate = (): number[] =>
  [0, 1, 2, 3].flatMap((r) => [
    ...op.get(A0 + r),
    ...op.get(V),
    ...op.get(AT),
    ...op.v128Load(16 * r),
    ...op.f64x2Mul,
    ...op.f64x2Add,
    ...op.set(A0 + r),
  ]);

/**
 * products(q, vectors, start, position, value, rows), addresses in bytes:
 * for b = 0 .. rows - 1, the eight doubles at q + 64 b take the sum over
 * k = start[b] .. start[b + 1] - 1 of value[k] x vectors[position[k]], where
 * vectors[j] are the eight doubles at vectors + 64 j. start and position hold
 * Int32s. Returns rows.
 */
function productsKernel(): FunctionModule {
  const index = (base: number, i: number[], shift: number) => [
    ...op.get(base),
    ...i,
    ...op.i32(shift),
    ...op.shl,
    ...op.add,
  ];
  // deno-fmt-ignore
  const entries = [
    ...op.block, ...op.loop,
    ...op.get(K), ...op.get(KEND), ...op.geS, ...op.brIf(1),
    ...index(VALUE, op.get(K), 3), ...op.v128Load64Splat(0), ...op.set(V),
    ...op.get(VECTORS), ...index(POSITION, op.get(K), 2), ...op.i32Load(0), ...op.i32(6),
    ...op.shl, ...op.add, ...op.set(AT),
    ...accumulate(),
    ...op.get(K), ...op.i32(1), ...op.add, ...op.set(K),
    ...op.br(0), ...op.end, ...op.end,
  ];
  // deno-fmt-ignore
  const body = [
    ...op.i32(0), ...op.set(B),
    ...op.block, ...op.loop,
    ...op.get(B), ...op.get(ROWS), ...op.geS, ...op.brIf(1),
    ...[0, 1, 2, 3].flatMap((r) => [...op.f64Const0, ...op.f64x2Splat, ...op.set(A0 + r)]),
    ...index(START, op.get(B), 2), ...op.i32Load(0), ...op.set(K),
    ...index(START, op.get(B), 2), ...op.i32Load(4), ...op.set(KEND),
    ...entries,
    ...[0, 1, 2, 3].flatMap((r) => [
      ...index(Q, op.get(B), 6), ...op.get(A0 + r), ...op.v128Store(16 * r),
    ]),
    ...op.get(B), ...op.i32(1), ...op.add, ...op.set(B),
    ...op.br(0), ...op.end, ...op.end,
    ...op.get(ROWS),
  ];
  return {
    name: "products",
    params: [I32, I32, I32, I32, I32, I32],
    locals: [[4, I32], [5, V128]],
    body,
  };
}

/** The kernel: see {@linkcode productsKernel}. */
export type BlockProducts = (
  q: number,
  vectors: number,
  start: number,
  position: number,
  value: number,
  rows: number,
) => number;

const instance = lazyInstance<BlockProducts>(productsKernel);

/** The instantiated kernel and its memory, or null where WebAssembly SIMD is not available. */
export function _simdBlockProducts(): {
  products: BlockProducts;
  memory: WebAssembly.Memory;
} | null {
  const compiled = instance();
  return compiled && { products: compiled.fn, memory: compiled.memory };
}
