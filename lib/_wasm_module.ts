/**
 * A minimal WebAssembly binary writer: just enough of the format
 * (WebAssembly Core Specification 2.0, chapter 5, with the fixed-width SIMD
 * proposal's opcodes) to build one exported function over an exported
 * memory, so that a numeric kernel can be written as TypeScript and
 * assembled at load time, with no binary in the repository and no build step.
 *
 * @module
 */

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Unsigned LEB128. */
function uleb(x: number): number[] {
  const out: number[] = [];
  do {
    let b = x & 0x7f;
    x >>>= 7;
    if (x !== 0) b |= 0x80;
    out.push(b);
  } while (x !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
function sleb(x: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = x & 0x7f;
    x >>= 7;
    if ((x === 0 && (b & 0x40) === 0) || (x === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => vector([...s].map((c) => [c.charCodeAt(0)]));
const simd = (op: number, ...immediates: number[]): number[] => [0xfd, ...uleb(op), ...immediates];
// A memory access's alignment hint (log2 bytes: 8, whatever the access width) and offset.
const memarg = (offset: number): number[] => [3, ...uleb(offset)];
// The same for 32-bit accesses, whose hint may not exceed their width.
const memarg32 = (offset: number): number[] => [2, ...uleb(offset)];

/** Instruction encoders (each returns its bytes). */
export const op = {
  get: (i: number): number[] => [0x20, ...uleb(i)],
  set: (i: number): number[] => [0x21, ...uleb(i)],
  tee: (i: number): number[] => [0x22, ...uleb(i)],
  i32: (v: number): number[] => [0x41, ...sleb(v)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  shl: [0x74],
  eq: [0x46],
  ltS: [0x48],
  geS: [0x4e],
  gtS: [0x4a],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  br: (depth: number): number[] => [0x0c, ...uleb(depth)],
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
  v128Load: (offset = 0): number[] => simd(0x00, ...memarg(offset)),
  v128Load64Splat: (offset = 0): number[] => simd(0x0a, ...memarg(offset)),
  v128Store: (offset = 0): number[] => simd(0x0b, ...memarg(offset)),
  f64x2Add: simd(0xf0),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  f64x2Splat: simd(0x14),
  f64Load: (offset = 0): number[] => [0x2b, ...memarg(offset)],
  f64Store: (offset = 0): number[] => [0x39, ...memarg(offset)],
  f64Const0: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
  f64Ne: [0x62],
  f64Neg: [0x9a],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64Add: [0xa0],
  f64Lt: [0x63],
  f64ConvertI32U: [0xb8],
  /** f64.const of `v`, little-endian. */
  f64: (v: number): number[] => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)],
  i32Load: (offset = 0): number[] => [0x28, ...memarg32(offset)],
  i32Store: (offset = 0): number[] => [0x36, ...memarg32(offset)],
  and: [0x71],
  xor: [0x73],
  shrU: [0x76],
  select: [0x1b],
  return: [0x0f],
};

/**
 * One exported function and an exported memory (1 page to start) named
 * `memory`, or, with `sharedMemory`, a shared memory imported as `env.memory`
 * (for a kernel that several threads run on one memory).
 */
export interface FunctionModule {
  /** Export name of the function. */
  name: string;
  /** Parameter types; the function returns one i32. */
  params: number[];
  /** Further locals, as [count, type] runs. */
  locals: [number, number][];
  /** The body's instructions, without the final `end`. */
  body: number[];
  /** Import a shared memory of at most this many 64 KiB pages instead of exporting one. */
  sharedMemory?: { maximumPages: number };
}

/** The bytes of a module holding `f`. */
export function moduleBytes(f: FunctionModule): Uint8Array<ArrayBuffer> {
  const type = [0x60, ...vector(f.params.map((t) => [t])), ...vector([[I32]])];
  const code = [...vector(f.locals.map(([n, t]) => [...uleb(n), t])), ...f.body, ...op.end];
  const shared = f.sharedMemory;
  // A shared memory's limits: flags 3 (shared, with a maximum), 1 page to start.
  const memoryImport = shared &&
    [...name("env"), ...name("memory"), 0x02, 0x03, 1, ...uleb(shared.maximumPages)];
  const exported = [...name(f.name), 0x00, 0];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([type])),
    ...(memoryImport ? section(2, vector([memoryImport])) : []),
    ...section(3, vector([[0]])),
    ...(memoryImport ? [] : section(5, vector([[0x00, 1]]))),
    ...section(7, vector(memoryImport ? [exported] : [exported, [...name("memory"), 0x02, 0]])),
    ...section(10, vector([[...uleb(code.length), ...code]])),
  ]);
}

/**
 * A getter of the instance of the module holding `build()`'s function: its
 * export and its memory, compiled on the first call and kept; null (also
 * kept) where the module cannot be compiled, as without WebAssembly SIMD.
 */
export function lazyInstance<F>(
  build: () => FunctionModule,
): () => { fn: F; memory: WebAssembly.Memory } | null {
  let instance: { fn: F; memory: WebAssembly.Memory } | null | undefined;
  return () => {
    if (instance !== undefined) return instance;
    try {
      const f = build();
      const exports = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(f)), {}).exports;
      instance = { fn: exports[f.name] as F, memory: exports.memory as WebAssembly.Memory };
    } catch {
      instance = null;
    }
    return instance;
  };
}

/**
 * Grows `memory` to hold at least `bytes`; false (and the memory as it was)
 * when it cannot grow that far.
 */
export function _ensureMemory(memory: WebAssembly.Memory, bytes: number): boolean {
  if (memory.buffer.byteLength >= bytes) return true;
  try {
    memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
    return true;
  } catch {
    return false;
  }
}
