/**
 * Up to four axpy terms on one row in WebAssembly SIMD: d[j] -= c_1 s_1[j],
 * then c_2 s_2[j], ... for j below a length, two doubles at a time. The row
 * is read and written once for all the terms, and each entry still takes its
 * terms in order, each a product then a subtraction (IEEE 754 f64, no fused
 * multiply-add), as one pass per term would: the same bits.
 *
 * @module
 */

import { F64, type FunctionModule, I32, lazyInstance, op, V128 } from "../_wasm_module.ts";

// Parameters, then locals.
const DST = 0, S0 = 1, C0 = 5, LENGTH = 9, TERMS = 10;
const J = 11, END = 12, V0 = 13, D = 17;

/** The loop of `terms` terms over the pairs, then the last entry if the length is odd. */
function termsLoop(terms: number): number[] {
  const range = Array.from({ length: terms }, (_, r) => r);
  // deno-fmt-ignore
  return [
    ...range.flatMap((r) => [...op.get(C0 + r), ...op.f64x2Splat, ...op.set(V0 + r)]),
    ...op.block, ...op.loop,
    ...op.get(J), ...op.i32(16), ...op.add, ...op.get(END), ...op.gtS, ...op.brIf(1),
    ...op.get(DST), ...op.get(J), ...op.add, ...op.v128Load(0), ...op.set(D),
    ...range.flatMap((r) => [
      ...op.get(D), ...op.get(V0 + r), ...op.get(S0 + r), ...op.get(J), ...op.add,
      ...op.v128Load(0), ...op.f64x2Mul, ...op.f64x2Sub, ...op.set(D),
    ]),
    ...op.get(DST), ...op.get(J), ...op.add, ...op.get(D), ...op.v128Store(0),
    ...op.get(J), ...op.i32(16), ...op.add, ...op.set(J),
    ...op.br(0), ...op.end, ...op.end,
    ...op.get(J), ...op.get(END), ...op.ltS, ...op.if,
    ...op.get(DST), ...op.get(J), ...op.add,
    ...op.get(DST), ...op.get(J), ...op.add, ...op.f64Load(0),
    ...range.flatMap((r) => [
      ...op.get(C0 + r), ...op.get(S0 + r), ...op.get(J), ...op.add, ...op.f64Load(0),
      ...op.f64Mul, ...op.f64Sub,
    ]),
    ...op.f64Store(0),
    ...op.end,
  ];
}

/**
 * axpy(d, s1, s2, s3, s4, c1, c2, c3, c4, length, terms), addresses in bytes:
 * for j = 0 .. length - 1, d[j] -= c_r s_r[j] for r = 1 .. terms (1 to 4) in
 * order; the unused sources and coefficients are ignored. Returns terms.
 */
function axpyKernel(): FunctionModule {
  // deno-fmt-ignore
  const body = [
    ...op.i32(0), ...op.set(J),
    ...op.get(LENGTH), ...op.i32(3), ...op.shl, ...op.set(END),
    ...[4, 3, 2, 1].flatMap((terms) => [
      ...op.get(TERMS), ...op.i32(terms), ...op.eq, ...op.if,
      ...termsLoop(terms), ...op.get(TERMS), ...op.return,
      ...op.end,
    ]),
    ...op.get(TERMS),
  ];
  return {
    name: "axpy",
    params: [I32, I32, I32, I32, I32, F64, F64, F64, F64, I32, I32],
    locals: [[2, I32], [5, V128]],
    body,
  };
}

/** The kernel: see {@linkcode axpyKernel}. */
export type Axpy = (
  d: number,
  s1: number,
  s2: number,
  s3: number,
  s4: number,
  c1: number,
  c2: number,
  c3: number,
  c4: number,
  length: number,
  terms: number,
) => number;

const instance = lazyInstance<Axpy>(axpyKernel);

/** The instantiated kernel and its memory, or null where WebAssembly SIMD is not available. */
export function _simdAxpy(): { axpy: Axpy; memory: WebAssembly.Memory } | null {
  const compiled = instance();
  return compiled && { axpy: compiled.fn, memory: compiled.memory };
}
