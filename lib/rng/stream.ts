/**
 * The interface every random source in vcsim implements. Generators and the
 * bootstrap take a stream explicitly; nothing reads a global random source.
 *
 * @module
 */

/** A seeded source of uniform bits, uniforms and standard normal variates. */
export interface RandomStream {
  /** A uniform variate on [0, 1) with 53 bits of resolution. */
  uniform(): number;
  /** A uniform unsigned 32-bit integer in [0, 2^32). */
  uint32(): number;
  /** A standard normal variate (mean 0, variance 1). */
  normal(): number;
  /**
   * Optional: `out[k] = scale * normal()` for each k in turn, faster. The
   * values and the stream's state after must be exactly those of that
   * loop; vcsim's generators call it for their normal draws when present.
   */
  fillNormal?(out: Float64Array, scale: number): void;
}
