/**
 * The default stream's normal loop in WebAssembly: xor4096's recurrence and
 * the ziggurat's core test (lib/rng/_ziggurat.ts), instruction for
 * instruction as lib/rng/_xor4096.ts runs them in TypeScript. Integer steps
 * wrap alike and the few floating-point operations (two exact conversions,
 * an exact multiply-add, one rounded multiply by the layer's scale, the
 * sign and `scale *`) are IEEE operations in both, so the outputs are the
 * same to the bit; a draw outside its layer's core comes back to
 * TypeScript's rare path. Assembled at load time by lib/_wasm_module.ts; where
 * WebAssembly cannot be compiled, the TypeScript loop runs.
 *
 * Memory (one 64 KiB page): the 128 state words at byte 0, the index i at 512,
 * the Weyl word w at 516, a rare draw's first output at 520 and its point at
 * 528, the ziggurat's scales at 1024 and edges at 3072, and the output, up
 * to {@linkcode _WASM_NORMALS_CHUNK} values, from 8192.
 *
 * @module
 */

import { F64, type FunctionModule, I32, lazyInstance, op } from "../_wasm_module.ts";
import { _ZIGGURAT_CORE } from "./_ziggurat.ts";

const I_AT = 512, W_AT = 516, A_AT = 520, Z_AT = 528;
const SCALE_AT = 1024, EDGE_AT = 3072, OUT_AT = 8192;
/** Values per call: what fits in the page after the tables. */
export const _WASM_NORMALS_CHUNK = (65536 - OUT_AT) / 8;
/** The Weyl sequence's increment (as in lib/rng/_xor4096.ts). */
const WEYL = 0x61c88647;

// Locals: k, n, scale (parameters), then i, w, v, t, a, b and the point z.
const K = 0, N = 1, SCALE = 2, IDX = 3, W = 4, V = 5, T = 6, A = 7, B = 8, Z = 9;

/** One output of the recurrence, left on the stack (lib/rng/_xor4096.ts `step`). */
function step(): number[] {
  const word = (index: number[]) => [...index, ...op.i32(2), ...op.shl];
  // deno-fmt-ignore
  return [
    ...op.get(W), ...op.i32(WEYL), ...op.add, ...op.set(W),
    ...word([...op.get(IDX), ...op.i32(34), ...op.add, ...op.i32(127), ...op.and]),
    ...op.i32Load(), ...op.set(V),
    ...op.get(IDX), ...op.i32(1), ...op.add, ...op.i32(127), ...op.and, ...op.set(IDX),
    ...word(op.get(IDX)), ...op.i32Load(), ...op.set(T),
    ...op.get(V), ...op.get(V), ...op.i32(13), ...op.shl, ...op.xor, ...op.set(V),
    ...op.get(T), ...op.get(T), ...op.i32(17), ...op.shl, ...op.xor, ...op.set(T),
    ...op.get(V), ...op.get(V), ...op.i32(15), ...op.shrU, ...op.xor, ...op.set(V),
    ...op.get(T), ...op.get(T), ...op.i32(12), ...op.shrU, ...op.xor, ...op.set(T),
    ...word(op.get(IDX)), ...op.get(V), ...op.get(T), ...op.xor, ...op.tee(V), ...op.i32Store(),
    ...op.get(V), ...op.get(W), ...op.get(W), ...op.i32(16), ...op.shrU, ...op.xor, ...op.add,
  ];
}

/** Byte offset of the layer's table entry: (a & 255) * 8. */
const layerOffset =
  (): number[] => [...op.get(A), ...op.i32(255), ...op.and, ...op.i32(3), ...op.shl];

/** `*at = local` for an i32 or f64 local. */
const store = (at: number, local: number, kind: "i32" | "f64"): number[] => [
  ...op.i32(0),
  ...op.get(local),
  ...(kind === "i32" ? op.i32Store(at) : op.f64Store(at)),
];

/**
 * `normals(k, n, scale)`: out[k..n) = scale times ziggurat normals; returns
 * n, or the k of a draw outside its core (its a and z stored) with the state
 * saved, for the caller to resolve and call again.
 */
function normalsModule(): FunctionModule {
  // deno-fmt-ignore
  const body = [
    ...op.i32(0), ...op.i32Load(I_AT), ...op.set(IDX),
    ...op.i32(0), ...op.i32Load(W_AT), ...op.set(W),
    ...op.block, ...op.loop,
    ...op.get(K), ...op.get(N), ...op.geS, ...op.brIf(1),
    ...step(), ...op.set(A),
    ...step(), ...op.set(B),
    // z = ((a >>> 12) 2^32 + b) scale[layer], the 52-bit position within the layer.
    ...op.get(A), ...op.i32(12), ...op.shrU, ...op.f64ConvertI32U, ...op.f64(4294967296),
    ...op.f64Mul, ...op.get(B), ...op.f64ConvertI32U, ...op.f64Add,
    ...layerOffset(), ...op.f64Load(SCALE_AT), ...op.f64Mul, ...op.set(Z),
    ...op.get(Z), ...layerOffset(), ...op.f64Load(EDGE_AT + 8), ...op.f64Lt,
    ...op.if,
    // out[k] = scale * (bit 8 of a ? -z : z); k += 1; next.
    ...op.get(K), ...op.i32(3), ...op.shl, ...op.get(SCALE),
    ...op.get(Z), ...op.f64Neg, ...op.get(Z), ...op.get(A), ...op.i32(256), ...op.and,
    ...op.select, ...op.f64Mul, ...op.f64Store(OUT_AT),
    ...op.get(K), ...op.i32(1), ...op.add, ...op.set(K),
    ...op.br(1),
    ...op.end,
    ...store(A_AT, A, "i32"), ...store(Z_AT, Z, "f64"),
    ...store(I_AT, IDX, "i32"), ...store(W_AT, W, "i32"),
    ...op.get(K), ...op.return,
    ...op.end, ...op.end,
    ...store(I_AT, IDX, "i32"), ...store(W_AT, W, "i32"),
    ...op.get(K),
  ];
  return { name: "normals", params: [I32, I32, F64], locals: [[6, I32], [1, F64]], body };
}

const instance = lazyInstance<(k: number, n: number, scale: number) => number>(normalsModule);

/** The kernel and views of its memory, tables written; null without WebAssembly. */
export const _wasmNormals = (() => {
  let kernel:
    | {
      fn: (k: number, n: number, scale: number) => number;
      ints: Int32Array;
      doubles: Float64Array;
    }
    | null
    | undefined;
  return () => {
    if (kernel !== undefined) return kernel;
    const made = instance();
    if (made === null) return kernel = null;
    const doubles = new Float64Array(made.memory.buffer);
    doubles.set(_ZIGGURAT_CORE.scale, SCALE_AT / 8);
    doubles.set(_ZIGGURAT_CORE.edge, EDGE_AT / 8);
    return kernel = { fn: made.fn, ints: new Int32Array(made.memory.buffer), doubles };
  };
})();

/**
 * Where the kernel keeps a rare draw's a (an int32 index) and z and the
 * output (float64 indices). The state, at int32 indices 0 to 129, is laid
 * out as lib/rng/_xor4096.ts holds it: 128 words, i, w.
 */
export const _WASM_NORMALS_LAYOUT = {
  a: A_AT / 4,
  z: Z_AT / 8,
  out: OUT_AT / 8,
} as const;
