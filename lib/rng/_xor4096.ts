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

const { edge: EDGE, scale: SCALE } = _ZIGGURAT_CORE;
/** The Weyl sequence's increment. */
const WEYL = 0x61c88647;

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
  readonly #x: Int32Array;
  #i: number;
  #w: number;
  readonly #uniform = (): number => this.uniform();

  /** The generator seedrandom makes for the string `seed`. */
  constructor(seed: string) {
    const state = seedrandom.xor4096(seed, { state: true }).state() as unknown as {
      X: number[];
      i: number;
      w: number;
    };
    this.#x = Int32Array.from(state.X);
    this.#i = state.i;
    this.#w = state.w;
  }

  /** The next output: a signed 32-bit integer, as seedrandom's `int32()`. */
  next(): number {
    const x = this.#x;
    const w = this.#w = (this.#w + WEYL) | 0;
    let v = x[(this.#i + 34) & 127];
    const i = this.#i = (this.#i + 1) & 127;
    let t = x[i];
    v ^= v << 13;
    t ^= t << 17;
    v ^= v >>> 15;
    t ^= t >>> 12;
    v = x[i] = v ^ t;
    return (v + (w ^ (w >>> 16))) | 0;
  }

  /** {@linkcode _uniform53} of the next two outputs. */
  uniform(): number {
    const a = this.next();
    return _uniform53(a, this.next());
  }

  /**
   * Fills `out` with `scale` times ziggurat normals, in order: the values
   * and the state after are those of `out[k] = scale *
   * _zigguratSampler(next, uniform)()` for each k, with the recurrence
   * stepped in local variables between the ziggurat's rare cases.
   */
  fillNormals(out: Float64Array, scale: number): void {
    const x = this.#x;
    let i = this.#i, w = this.#w;
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
        this.#i = i, this.#w = w;
        const rare = _zigguratOutside(a, z, this.#uniform);
        i = this.#i, w = this.#w;
        if (rare === rare) {
          out[k] = scale * rare;
          break;
        }
      }
    }
    this.#i = i, this.#w = w;
  }
}
