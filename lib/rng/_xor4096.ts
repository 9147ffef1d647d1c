/**
 * The default stream's generator, stepped here rather than through
 * seedrandom's closure: the same recurrence on the same state, so the same
 * outputs, about twice as fast per normal in a study's replicates (each
 * replicate makes a new stream, and seedrandom's per-instance closures keep
 * V8 from inlining them there).
 *
 * @module
 */

import seedrandom from "../_deps/seedrandom.ts";
import { _ZIGGURAT_CORE, _zigguratOutside } from "./_ziggurat.ts";
import { _WASM_NORMALS_CHUNK, _WASM_NORMALS_LAYOUT, _wasmNormals } from "./_wasm_normals.ts";

const { edge: EDGE, scale: SCALE } = _ZIGGURAT_CORE;
/** The Weyl sequence's increment. */
const WEYL = 0x61c88647;
/** Fills at least this long run in WebAssembly (shorter ones do not repay copying the state). */
const WASM_FROM = 256;
/** The state: 128 words, the index i and the Weyl word w (as the kernel's memory holds them). */
const I = 128, W = 129, STATE_LENGTH = 130;

/** One step of the recurrence on state `x`: its output, a signed 32-bit integer. */
function step(x: Int32Array): number {
  const w = x[W] = (x[W] + WEYL) | 0;
  let v = x[(x[I] + 34) & 127];
  const i = x[I] = (x[I] + 1) & 127;
  let t = x[i];
  v ^= v << 13;
  t ^= t << 17;
  v ^= v >>> 15;
  t ^= t >>> 12;
  v = x[i] = v ^ t;
  return (v + (w ^ (w >>> 16))) | 0;
}

/** A uniform on [0, 1) with 53-bit resolution from two 32-bit outputs, first `a`, then `b`. */
export function _uniform53(a: number, b: number): number {
  return ((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992;
}

/**
 * Brent's xor4096 generator (xorgens: an xorshift recurrence on 128 words
 * with lags 128 and 95, plus a Weyl sequence), as seedrandom 3.0.5's
 * `xor4096` runs it. Seeding is seedrandom's own: the state it makes for
 * the seed string (its mixing of the string and its 512 warm-up steps) is
 * copied into an Int32Array, and {@linkcode _Xor4096.next} continues the
 * recurrence from there, output for output.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import seedrandom from "../_deps/seedrandom.ts";
 * import { _Xor4096 } from "./_xor4096.ts";
 * const ours = new _Xor4096("abc"), theirs = seedrandom.xor4096("abc");
 * for (let i = 0; i < 300; i++) assert.equal(ours.next(), theirs.int32());
 * ```
 */
export class _Xor4096 {
  /** The 128 words, then the index i (at {@linkcode I}) and the Weyl word w (at {@linkcode W}). */
  readonly #x: Int32Array;
  readonly #uniform = (): number => this.uniform();

  /** The generator seedrandom makes for the string `seed`. */
  constructor(seed: string) {
    const state = seedrandom.xor4096(seed, { state: true }).state() as unknown as {
      X: number[];
      i: number;
      w: number;
    };
    this.#x = new Int32Array(STATE_LENGTH);
    this.#x.set(state.X);
    this.#x[I] = state.i;
    this.#x[W] = state.w;
  }

  /** The next output: a signed 32-bit integer, as seedrandom's `int32()`. */
  next(): number {
    return step(this.#x);
  }

  /** {@linkcode _uniform53} of the next two outputs. */
  uniform(): number {
    const a = this.next();
    return _uniform53(a, this.next());
  }

  /**
   * Fills `out` with `scale` times ziggurat normals, in order: the values
   * and the state after are those of `out[k] = scale *
   * _zigguratSampler(next, uniform)()` for each k. Long fills run the loop
   * in WebAssembly (lib/rng/_wasm_normals.ts, the same bits), others
   * step the recurrence in local variables between the ziggurat's rare
   * cases.
   */
  fillNormals(out: Float64Array, scale: number): void {
    const wasm = out.length >= WASM_FROM ? _wasmNormals() : null;
    if (wasm) this.#fillNormalsWasm(out, { scale, wasm });
    else this.#fillNormalsHere(out, scale);
  }

  /** {@linkcode _Xor4096.fillNormals} by the kernel, whose memory holds the state meanwhile. */
  #fillNormalsWasm(
    out: Float64Array,
    at: { scale: number; wasm: NonNullable<ReturnType<typeof _wasmNormals>> },
  ): void {
    const { scale, wasm: { fn, ints, doubles } } = at, L = _WASM_NORMALS_LAYOUT;
    // The rare path's uniforms, stepped on the kernel's copy of the state.
    const uniform = () => {
      const a = step(ints);
      return _uniform53(a, step(ints));
    };
    ints.set(this.#x);
    for (let from = 0; from < out.length; from += _WASM_NORMALS_CHUNK) {
      const n = Math.min(_WASM_NORMALS_CHUNK, out.length - from);
      for (let k = fn(0, n, scale); k < n; k = fn(k, n, scale)) {
        const rare = _zigguratOutside(ints[L.a] >>> 0, doubles[L.z], uniform);
        if (rare === rare) doubles[L.out + k++] = scale * rare;
      }
      out.set(doubles.subarray(L.out, L.out + n), from);
    }
    this.#x.set(ints.subarray(0, STATE_LENGTH));
  }

  /** {@linkcode _Xor4096.fillNormals} in TypeScript. */
  #fillNormalsHere(out: Float64Array, scale: number): void {
    const x = this.#x;
    let i = x[I], w = x[W];
    for (let k = 0; k < out.length; k++) {
      for (;;) {
        // Two outputs, as in next(): a, then b.
        w = (w + WEYL) | 0;
        let v = x[(i + 34) & 127], t = x[i = (i + 1) & 127];
        v ^= v << 13, t ^= t << 17, v ^= v >>> 15, t ^= t >>> 12;
        const a = ((x[i] = v ^ t) + (w ^ (w >>> 16))) >>> 0;
        w = (w + WEYL) | 0;
        v = x[(i + 34) & 127], t = x[i = (i + 1) & 127];
        v ^= v << 13, t ^= t << 17, v ^= v >>> 15, t ^= t >>> 12;
        const b = ((x[i] = v ^ t) + (w ^ (w >>> 16))) >>> 0;
        const layer = a & 0xff;
        const z = ((a >>> 12) * 4294967296 + b) * SCALE[layer];
        if (z < EDGE[layer + 1]) {
          out[k] = scale * ((a & 0x100) !== 0 ? -z : z);
          break;
        }
        x[I] = i, x[W] = w;
        const rare = _zigguratOutside(a, z, this.#uniform);
        i = x[I], w = x[W];
        if (rare === rare) {
          out[k] = scale * rare;
          break;
        }
      }
    }
    x[I] = i, x[W] = w;
  }
}
