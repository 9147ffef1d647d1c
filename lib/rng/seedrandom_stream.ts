/**
 * The default vcsim random stream: a seedrandom generator with 53-bit
 * uniforms and ziggurat normals.
 *
 * @module
 */

import seedrandom from "../_deps/seedrandom.ts";
import type { RandomStream } from "./stream.ts";
import { _zigguratSampler } from "./_ziggurat.ts";
import { _PolarGaussian } from "./_polar.ts";
import { _uniform53, _Xor4096 } from "./_xor4096.ts";

/** The seedrandom algorithms a {@linkcode SeedrandomStream} can use. */
export type SeedrandomAlgorithm = "xor4096" | "alea" | "xorshift7" | "xorwow" | "xor128" | "tychei";

/** The standard-normal methods a {@linkcode SeedrandomStream} can use. */
export type NormalMethod = "ziggurat" | "polar";

const ALGORITHMS: readonly SeedrandomAlgorithm[] = [
  "xor4096",
  "alea",
  "xorshift7",
  "xorwow",
  "xor128",
  "tychei",
];

/** Options of {@linkcode SeedrandomStream} and {@linkcode seedrandomStream}. */
export interface SeedrandomStreamOptions {
  /**
   * The seedrandom algorithm. xor4096 (Brent's xorgens, period 2^4096 - 1
   * times a Weyl sequence) is the fastest of seedrandom's generators for
   * 32-bit output in `bench/rng.bench.ts` and has the longest period.
   * Changing it changes every stream.
   *
   * @default "xor4096"
   */
  algorithm?: SeedrandomAlgorithm;
  /**
   * How `normal()` draws: the ziggurat (Marsaglia & Tsang 2000, with Doornik's 2005 independent bits) or the
   * polar method. Both are exact; the ziggurat is faster (see
   * `bench/rng.bench.ts`).
   *
   * @default "ziggurat"
   */
  normalMethod?: NormalMethod;
}

/**
 * A {@linkcode RandomStream} backed by a seedrandom generator.
 *
 * - `uint32()` is one 32-bit output of the generator;
 * - `uniform()` combines two outputs into `((a >>> 5) * 2^26 + (b >>> 6)) / 2^53`,
 *   a uniform on [0, 1) with 53 bits of resolution;
 * - `normal()` is a 256-layer ziggurat by default.
 *
 * The stream is a pure function of the seed string and the options. Use
 * {@linkcode deriveStream} to get the stream of a replicate.
 *
 * Cost: construction runs the generator's warm-up (about 700 steps for
 * xor4096); then O(1) per draw.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { SeedrandomStream } from "./seedrandom_stream.ts";
 * const a = new SeedrandomStream("seed");
 * const b = new SeedrandomStream("seed");
 * assert.equal(a.uniform(), b.uniform());
 * assert.equal(a.normal(), b.normal());
 * ```
 */
export class SeedrandomStream implements RandomStream {
  readonly #next: () => number;
  readonly #uniform = (): number => this.uniform();
  readonly #normal: () => number;
  /** The default generator with ziggurat normals, whose loop {@linkcode fillNormal} runs. */
  readonly #xor4096: _Xor4096 | null = null;

  /**
   * Seeds the generator with `seed` (its whole text is mixed into the state).
   *
   * @param seed The seed string (any string; derive it with
   *   {@linkcode deriveSeed} for a study replicate).
   * @throws {TypeError} if `seed` is not a string or an option has an
   *   unknown value.
   */
  constructor(seed: string, options: SeedrandomStreamOptions = {}) {
    if (typeof seed !== "string") {
      throw new TypeError(
        `SeedrandomStream seed must be a string, got ${typeof seed} ${String(seed)}`,
      );
    }
    const algorithm = options.algorithm ?? "xor4096";
    if (!ALGORITHMS.includes(algorithm)) {
      throw new TypeError(
        `unknown seedrandom algorithm "${String(algorithm)}"; expected one of ${
          ALGORITHMS.join(", ")
        }`,
      );
    }
    const method = options.normalMethod ?? "ziggurat";
    if (method !== "ziggurat" && method !== "polar") {
      throw new TypeError(
        `unknown normal method "${String(method)}"; expected "ziggurat" or "polar"`,
      );
    }
    let next: () => number;
    if (algorithm === "xor4096") {
      const generator = new _Xor4096(seed);
      next = () => generator.next();
      if (method === "ziggurat") this.#xor4096 = generator;
    } else next = seedrandom[algorithm](seed).int32;
    this.#next = next;
    if (method === "polar") {
      const polar = new _PolarGaussian();
      this.#normal = () => polar.next(this.#uniform);
    } else {
      this.#normal = _zigguratSampler(next, this.#uniform);
    }
  }

  /** A uniform integer in [0, 2^32): one generator output. */
  uint32(): number {
    return this.#next() >>> 0;
  }

  /** A uniform on [0, 1) with 53-bit resolution, from two outputs. */
  uniform(): number {
    const a = this.#next();
    return _uniform53(a, this.#next());
  }

  /** A standard normal variate (ziggurat by default). */
  normal(): number {
    return this.#normal();
  }

  /** `out[k] = scale * normal()` for each k in turn, the default generator's in one loop. */
  fillNormal(out: Float64Array, scale: number): void {
    if (this.#xor4096 !== null) this.#xor4096.fillNormals(out, scale);
    else for (let k = 0; k < out.length; k++) out[k] = scale * this.#normal();
  }
}

/**
 * Makes a {@linkcode SeedrandomStream} from a seed string.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { seedrandomStream } from "./seedrandom_stream.ts";
 * const s = seedrandomStream("abc", { algorithm: "alea" });
 * const u = s.uniform();
 * assert.ok(u >= 0 && u < 1);
 * ```
 */
export function seedrandomStream(
  seed: string,
  options: SeedrandomStreamOptions = {},
): SeedrandomStream {
  return new SeedrandomStream(seed, options);
}
