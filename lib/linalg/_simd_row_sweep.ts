/**
 * A row sweep in WebAssembly SIMD: the axpy loops of the triangular inverse
 * and of the X' X product in `_cholesky_inverse.ts`, each entry updated in the
 * same order and with the same roundings as the scalar loops (a product, then a
 * subtraction; f64 arithmetic is IEEE 754 with no fused multiply-add), so the
 * results agree to the bit.
 *
 * @module
 */

import { F64, type FunctionModule, I32, lazyInstance, op, V128 } from "../_wasm_module.ts";

// Parameters, then locals.
const DST = 0, DST_STRIDE = 1, SRC = 2, SRC_STRIDE = 3, COEF = 4, COUNT = 5, NEGATE = 6;
const T = 7, PD = 8, PS = 9, END = 10, C = 11, CV = 12;

/**
 * sweep(dst, dstStride, src, srcStride, coef, count, negate), addresses and
 * strides in bytes: for t = 0 .. count - 1 with c = coef[t] (negated if
 * `negate` is not 0) and c != 0, the doubles d = dst + t dstStride and
 * s = src + t srcStride take d[j] -= c s[j] for j = 0 .. t. Returns count.
 */
function sweepKernel(): FunctionModule {
  const at = (base: number, stride: number) => [
    ...op.get(base),
    ...op.get(T),
    ...op.get(stride),
    ...op.mul,
    ...op.add,
  ];
  // deno-fmt-ignore
  const pairs = [
    ...op.block, ...op.loop,
    ...op.get(PD), ...op.i32(16), ...op.add, ...op.get(END), ...op.gtS, ...op.brIf(1),
    ...op.get(PD),
    ...op.get(PD), ...op.v128Load(0),
    ...op.get(CV), ...op.get(PS), ...op.v128Load(0), ...op.f64x2Mul,
    ...op.f64x2Sub, ...op.v128Store(0),
    ...[PD, PS].flatMap((p) => [...op.get(p), ...op.i32(16), ...op.add, ...op.set(p)]),
    ...op.br(0), ...op.end, ...op.end,
  ];
  // deno-fmt-ignore
  const last = [
    ...op.get(PD), ...op.get(END), ...op.ltS, ...op.if,
    ...op.get(PD),
    ...op.get(PD), ...op.f64Load(0),
    ...op.get(C), ...op.get(PS), ...op.f64Load(0), ...op.f64Mul,
    ...op.f64Sub, ...op.f64Store(0),
    ...op.end,
  ];
  // deno-fmt-ignore
  const body = [
    ...op.i32(0), ...op.set(T),
    ...op.block, ...op.loop,
    ...op.get(T), ...op.get(COUNT), ...op.geS, ...op.brIf(1),
    ...op.get(COEF), ...op.get(T), ...op.i32(3), ...op.shl, ...op.add, ...op.f64Load(0),
    ...op.set(C),
    ...op.get(NEGATE), ...op.if, ...op.get(C), ...op.f64Neg, ...op.set(C), ...op.end,
    ...op.get(C), ...op.f64Const0, ...op.f64Ne, ...op.if,
    ...op.get(C), ...op.f64x2Splat, ...op.set(CV),
    ...at(DST, DST_STRIDE), ...op.tee(PD),
    ...op.get(T), ...op.i32(1), ...op.add, ...op.i32(3), ...op.shl, ...op.add, ...op.set(END),
    ...at(SRC, SRC_STRIDE), ...op.set(PS),
    ...pairs, ...last,
    ...op.end,
    ...op.get(T), ...op.i32(1), ...op.add, ...op.set(T),
    ...op.br(0), ...op.end, ...op.end,
    ...op.get(COUNT),
  ];
  const params = [I32, I32, I32, I32, I32, I32, I32];
  return { name: "sweep", params, locals: [[4, I32], [1, F64], [1, V128]], body };
}

/** The kernel: see {@linkcode sweepKernel}. */
export type Sweep = (
  dst: number,
  dstStride: number,
  src: number,
  srcStride: number,
  coef: number,
  count: number,
  negate: number,
) => number;

const instance = lazyInstance<Sweep>(sweepKernel);

/** The instantiated kernel and its memory, or null where WebAssembly SIMD is not available. */
export function _simdRowSweep(): { sweep: Sweep; memory: WebAssembly.Memory } | null {
  const compiled = instance();
  return compiled && { sweep: compiled.fn, memory: compiled.memory };
}
