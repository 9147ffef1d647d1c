/**
 * The Cholesky factorisation of {@linkcode choleskyInPlace} for large
 * matrices, with its inner loop in WebAssembly SIMD: two to three times the
 * scalar loop's speed from order 100 on (a large crossed design's dense
 * block spends nearly all of a fit there).
 *
 * The result is bit-identical to the scalar loop's. The factor is held in
 * panels of four rows (see {@linkcode panelIndex}): rows i..i+3 of one column
 * are adjacent, so that two rows share a 128-bit lane pair, and the columns of
 * one panel follow each other, so that the kernel reads memory in order;
 * each lane holds one entry's sum, which is updated in the scalar order
 * (k ascending, a product then a subtraction), and WebAssembly's f64
 * arithmetic is IEEE 754 round-to-nearest with no fused multiply-add. Columns
 * go 32 at a time (a super-panel of eight panels of four): a prepass
 * (`_panel_prepass.ts`) sums every row's terms from the columns before the
 * super-panel, which helper threads may share (`cholesky_threads.ts`); then,
 * panel by panel, the kernel adds the terms from the super-panel's earlier
 * columns, the panel's 4 x 4 diagonal block takes its own terms here, and the
 * kernel the rows below it. Partial sums are stored and taken up again in
 * order, so each sum keeps its sequence.
 *
 * @module
 */

import {
  _ensureMemory,
  type FunctionModule,
  I32,
  lazyInstance,
  moduleBytes,
  op,
  V128,
} from "../_wasm_module.ts";
import { _choleskyTeam, choleskyThreads, type Team } from "./cholesky_threads.ts";
import { _panelPrepass, type PanelKernel, type PrepassArgs } from "./_panel_prepass.ts";

// Kernel parameters and locals.
const BASE = 0, N = 1, J0 = 2, I = 3, END = 4, FINISH = 5, K0 = 6, K1 = 7;
const K = 8, PK = 9, QK = 10;
const ACC = 11; // 8 accumulators: column c, rows i..i+1 (h = 0) and i+2..i+3 (h = 1)
const V0 = 19, V1 = 20, B = 21;
const acc = (c: number, h: number) => ACC + 2 * c + h;

// Memory: the panel's reciprocal pivots and factor entries at byte 0 (doubles: inv0..inv3, then
// l10, l20, l21, l30, l31, l32), the matrix in panels of four rows from byte MATRIX.
const MATRIX = 128;
const SCRATCH_L = [[], [4], [5, 6], [7, 8, 9]]; // scratch slot of l[c][c'] for c' < c

/**
 * The byte address of entry (row, col), row a multiple of 4, in the layout of
 * {@linkcode panelIndex}: base + (row n + 4 col) 8.
 */
const address = (row: number[], col: number[]): number[] => [
  ...op.get(BASE),
  ...row,
  ...op.get(N),
  ...op.mul,
  ...col,
  ...op.i32(2),
  ...op.shl,
  ...op.add,
  ...op.i32(3),
  ...op.shl,
  ...op.add,
];
const panelColumn = (c: number) => [...op.get(J0), ...op.i32(c), ...op.add];

/** acc(c, h) -= acc(from, h) x scratch[slot], for both halves. */
const subtractTimesScratch = (c: number, from: number, slot: number) => [
  ...op.i32(0),
  ...op.v128Load64Splat(8 * slot),
  ...op.set(B),
  ...[0, 1].flatMap((h) => [
    ...op.get(acc(c, h)),
    ...op.get(acc(from, h)),
    ...op.get(B),
    ...op.f64x2Mul,
    ...op.f64x2Sub,
    ...op.set(acc(c, h)),
  ]),
];
/** acc(c, h) *= scratch[c] (the reciprocal pivot), for both halves. */
const scaleByScratch = (c: number) => [
  ...op.i32(0),
  ...op.v128Load64Splat(8 * c),
  ...op.set(B),
  ...[0, 1].flatMap((h) => [
    ...op.get(acc(c, h)),
    ...op.get(B),
    ...op.f64x2Mul,
    ...op.set(acc(c, h)),
  ]),
];
/** The panel's own terms in order, then the scaling: what the scalar loop does after k < j0. */
const finishPanel = (): number[] =>
  [0, 1, 2, 3].flatMap((c) => [
    ...SCRATCH_L[c].flatMap((slot, from) => subtractTimesScratch(c, from, slot)),
    ...scaleByScratch(c),
  ]);

/**
 * kernel(base, n, col, i0, end, finish, k0, k1) on the n x n matrix in panels
 * at byte `base` (n a multiple of 4): for rows i = i0, i0 + 4, ... < end and
 * c = 0..3, A[i..i+3, col+c] -= sum over k = k0 .. k1 - 1 (ascending) of
 * A[i..i+3, k] A[col+c, k]; then, if `finish` is not 0, the panel's own terms
 * and the scaling by its reciprocal pivots, from the scratch doubles at byte 0.
 */
function panelKernel(): FunctionModule {
  const accumulators = (store: boolean) =>
    [0, 1, 2, 3].flatMap((c) => [
      ...address(op.get(I), panelColumn(c)),
      ...op.tee(PK),
      ...(store
        ? [...op.get(acc(c, 0)), ...op.v128Store(0)]
        : [...op.v128Load(0), ...op.set(acc(c, 0))]),
      ...op.get(PK),
      ...(store
        ? [...op.get(acc(c, 1)), ...op.v128Store(16)]
        : [...op.v128Load(16), ...op.set(acc(c, 1))]),
    ]);
  const update = (c: number, h: number) => [
    ...op.get(acc(c, h)),
    ...op.get(h === 0 ? V0 : V1),
    ...op.get(B),
    ...op.f64x2Mul,
    ...op.f64x2Sub,
    ...op.set(acc(c, h)),
  ];
  // One k: the four rows' entries from PK (two lane pairs), the panel's four from QK.
  // deno-fmt-ignore
  const step = [
    ...op.get(PK), ...op.v128Load(0), ...op.set(V0),
    ...op.get(PK), ...op.v128Load(16), ...op.set(V1),
    ...[0, 1, 2, 3].flatMap((c) => [
      ...op.get(QK), ...op.v128Load64Splat(8 * c), ...op.set(B), ...update(c, 0), ...update(c, 1),
    ]),
  ];
  const advance = (bytes: number) => [
    ...[PK, QK].flatMap((p) => [...op.get(p), ...op.i32(bytes), ...op.add, ...op.set(p)]),
  ];
  // deno-fmt-ignore
  const body = [
    ...op.block, ...op.loop,
    // while i < end
    ...op.get(I), ...op.get(END), ...op.geS, ...op.brIf(1),
    ...accumulators(false),
    ...address(op.get(I), op.get(K0)), ...op.set(PK),
    ...address(op.get(J0), op.get(K0)), ...op.set(QK),
    // PK's end: the byte after column k1 - 1 of the rows (each column takes 32 bytes).
    ...op.get(PK), ...op.get(K1), ...op.get(K0), ...op.sub, ...op.i32(5), ...op.shl, ...op.add,
    ...op.set(K),
    // for k = k0 .. k1 - 1 (unrolling this loop by two measured no faster)
    ...op.block, ...op.loop,
    ...op.get(PK), ...op.get(K), ...op.geS, ...op.brIf(1),
    ...step, ...advance(32),
    ...op.br(0), ...op.end, ...op.end,
    ...op.get(FINISH), ...op.if, ...finishPanel(), ...op.end,
    ...accumulators(true),
    ...op.get(I), ...op.i32(4), ...op.add, ...op.set(I),
    ...op.br(0), ...op.end, ...op.end,
    ...op.get(I),
  ];
  const params = [I32, I32, I32, I32, I32, I32, I32, I32];
  return { name: "kernel", params, locals: [[3, I32], [11, V128]], body };
}

type Kernel = PanelKernel;
const instance = lazyInstance<Kernel>(panelKernel);

/** The instantiated kernel, or null where WebAssembly SIMD is not available. */
function kernelInstance(): { kernel: Kernel; memory: WebAssembly.Memory } | null {
  const compiled = instance();
  return compiled && { kernel: compiled.fn, memory: compiled.memory };
}

/** Largest order the SIMD path takes (its copy of the matrix stays within 512 MiB). */
const SIMD_CHOLESKY_MAX = 8192;
/** Smallest order whose factorisation is shared among threads (when more than one is set). */
const THREADED_MIN = 512;
const MAXIMUM_PAGES = Math.ceil((MATRIX + SIMD_CHOLESKY_MAX * SIMD_CHOLESKY_MAX * 8) / 65536);
let sharedModule: WebAssembly.Module | null | undefined;

/** The threads' team (`cholesky_threads.ts`) for order n, or null for this thread alone. */
function team(n: number): Team | null {
  if (n < THREADED_MIN || choleskyThreads() <= 1) return null;
  if (sharedModule === undefined) {
    try {
      const shared = { ...panelKernel(), sharedMemory: { maximumPages: MAXIMUM_PAGES } };
      sharedModule = new WebAssembly.Module(moduleBytes(shared));
    } catch {
      sharedModule = null;
    }
  }
  return sharedModule && _choleskyTeam(sharedModule, { maximumPages: MAXIMUM_PAGES });
}

/**
 * Factors `a` as {@linkcode choleskyInPlace} does, with the same result to
 * the bit; null (and `a` untouched) where WebAssembly SIMD is not available
 * or n exceeds SIMD_CHOLESKY_MAX. On failure (a non-positive
 * pivot, whose index it returns) the lower triangle holds partial results.
 */
export function simdCholeskyInPlace(a: Float64Array, n: number): number | null {
  const instance = n <= SIMD_CHOLESKY_MAX ? kernelInstance() : null;
  if (instance === null) return null;
  const threads = team(n);
  const { kernel, memory } = threads ?? instance;
  const prepass = threads
    ? (args: PrepassArgs) => threads.prepass(args)
    : (args: PrepassArgs) => _panelPrepass(kernel, args);
  // Padded to a multiple of 4 with identity rows and columns, which factor to themselves.
  const np = (n + 3) & ~3, bytes = MATRIX + np * np * 8;
  // No memory for the copy: the scalar loop needs none.
  if (!_ensureMemory(memory, bytes)) return null;
  const l = new Float64Array(memory.buffer, MATRIX, np * np);
  if (np > n) l.fill(0, (np - 4) * np, np * np); // the last panel, which holds the padding
  toPanels(a, l, { n, np });
  for (let j = n; j < np; j++) l[panelIndex(j, j, np)] = 1;
  const result = factorPanels(l, np, {
    kernel,
    prepass,
    scratch: new Float64Array(memory.buffer, 0, 10),
  });
  fromPanels(l, a, { n, np });
  return result;
}

/**
 * Copies the lower triangle of row-major `a` (n x n) into `l` in panels (np x np,
 * see {@linkcode panelIndex}), four rows at a time: each column of a panel left of
 * its diagonal block takes its four entries together. Only entries (i, k <= i) are
 * written, as one row at a time would.
 */
function toPanels(a: Float64Array, l: Float64Array, { n, np }: { n: number; np: number }) {
  for (let p0 = 0; p0 < n; p0 += 4) {
    const base = p0 * np, full = p0 + 4 <= n;
    if (full) {
      const r0 = p0 * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
      for (let k = 0, at = base; k < p0; k++, at += 4) {
        l[at] = a[r0 + k], l[at + 1] = a[r1 + k], l[at + 2] = a[r2 + k], l[at + 3] = a[r3 + k];
      }
    }
    for (let i = p0; i < Math.min(n, p0 + 4); i++) {
      const row = i * n, at = base + (i & 3);
      for (let k = full ? p0 : 0; k <= i; k++) l[at + 4 * k] = a[row + k];
    }
  }
}

/** The inverse of {@linkcode toPanels}: `l`'s lower triangle back into row-major `a`. */
function fromPanels(l: Float64Array, a: Float64Array, { n, np }: { n: number; np: number }) {
  for (let p0 = 0; p0 < n; p0 += 4) {
    const base = p0 * np, full = p0 + 4 <= n;
    if (full) {
      const r0 = p0 * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
      for (let k = 0, at = base; k < p0; k++, at += 4) {
        a[r0 + k] = l[at], a[r1 + k] = l[at + 1], a[r2 + k] = l[at + 2], a[r3 + k] = l[at + 3];
      }
    }
    for (let i = p0; i < Math.min(n, p0 + 4); i++) {
      const row = i * n, at = base + (i & 3);
      for (let k = full ? p0 : 0; k <= i; k++) a[row + k] = l[at + 4 * k];
    }
  }
}

/**
 * The position of entry (i, k) of an n x n matrix (n a multiple of 4) held in
 * panels of four rows: panel i >> 2 is a 4 x n block stored column by column,
 * so rows i..i+3 of column k are adjacent and column k + 1 follows.
 */
function panelIndex(i: number, k: number, n: number): number {
  return (i & ~3) * n + 4 * k + (i & 3);
}

/** Panels of four columns per super-panel, whose prepass reads each row once for all of them. */
const GROUP = 8;

/**
 * The factorisation of the lower triangle `l` in panels (n a multiple of 4, at byte MATRIX
 * of the kernel's memory), a super-panel of GROUP panels of four columns at a time: the
 * prepass sums every row's terms from the columns before the super-panel
 * (`_panel_prepass.ts`), then each panel takes the rest of its terms and is finished.
 */
function factorPanels(
  l: Float64Array,
  n: number,
  { kernel, prepass, scratch }: {
    kernel: Kernel;
    /** {@linkcode _panelPrepass} on this thread or shared among threads. */
    prepass: (args: PrepassArgs) => void;
    scratch: Float64Array;
  },
): number {
  for (let j1 = 0; j1 < n; j1 += 4 * GROUP) {
    const panels = Math.min(GROUP, (n - j1) / 4);
    if (j1 > 0) prepass({ base: MATRIX, n, j0: j1, panels, from: j1, to: n });
    for (let j0 = j1; j0 < j1 + 4 * panels; j0 += 4) {
      if (j0 > j1) kernel(MATRIX, n, j0, j0, j0 + 4, 0, j1, j0);
      const failed = factorDiagonalBlock(l, n, { j0, scratch });
      if (failed >= 0) return failed;
      kernel(MATRIX, n, j0, j0 + 4, n, 1, j1, j0);
    }
  }
  return -1;
}

/**
 * Panel j0's 4 x 4 diagonal block, whose sums over k < j0 are in place: its own
 * terms (k = j0 .. j - 1), square roots and scaling; the reciprocal pivots and
 * the block's factor entries go to `scratch` for the kernel. Returns the
 * index of a non-positive pivot, or -1.
 */
function factorDiagonalBlock(
  l: Float64Array,
  n: number,
  { j0, scratch }: { j0: number; scratch: Float64Array },
): number {
  // The block's rows are those of panel j0, whose entry (j0 + r, k) is at base + 4 k + r.
  const base = j0 * n;
  const at = (r: number, k: number) => l[base + 4 * k + r];
  for (let j = j0; j < j0 + 4; j++) {
    const rj = j - j0;
    let d = at(rj, j);
    for (let k = j0; k < j; k++) d -= at(rj, k) * at(rj, k);
    if (!(d > 0)) return j;
    const ljj = Math.sqrt(d);
    l[base + 4 * j + rj] = ljj;
    const inv = 1 / ljj;
    scratch[rj] = inv;
    for (let r = rj + 1; r < 4; r++) {
      let s = at(r, j);
      for (let k = j0; k < j; k++) s -= at(r, k) * at(rj, k);
      l[base + 4 * j + r] = s * inv;
    }
  }
  const c = (r: number, k: number) => at(r, j0 + k);
  scratch.set([c(1, 0), c(2, 0), c(2, 1), c(3, 0), c(3, 1), c(3, 2)], 4);
  return -1;
}
