/**
 * A random stream made on its first draw, for streams handed out in case
 * they are needed: a replicate's bootstrap stream, which most studies
 * never draw from, costs a SHA-256 and a generator's warm-up when made.
 *
 * @module
 */

import type { RandomStream } from "./stream.ts";
import { _fillNormal } from "./_fill_normal.ts";

/**
 * The stream `make()` returns, made when first drawn from (once): its
 * draws are those of `make()`'s stream, as a stream derived from a key does
 * not depend on when it is made.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { deriveStream } from "./derive_stream.ts";
 * import { _LazyStream } from "./_lazy_stream.ts";
 * let made = 0;
 * const lazy = new _LazyStream(() => (made++, deriveStream(1, ["k"])));
 * assert.equal(made, 0);
 * assert.equal(lazy.normal(), deriveStream(1, ["k"]).normal());
 * lazy.uniform();
 * assert.equal(made, 1);
 * ```
 */
export class _LazyStream implements RandomStream {
  #make: (() => RandomStream) | null;
  #stream: RandomStream | null = null;

  constructor(make: () => RandomStream) {
    this.#make = make;
  }

  #get(): RandomStream {
    if (this.#stream === null) {
      this.#stream = this.#make!();
      this.#make = null;
    }
    return this.#stream;
  }

  uniform(): number {
    return this.#get().uniform();
  }

  uint32(): number {
    return this.#get().uint32();
  }

  normal(): number {
    return this.#get().normal();
  }

  fillNormal(out: Float64Array, scale: number): void {
    _fillNormal(this.#get(), out, scale);
  }
}
