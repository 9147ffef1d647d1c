/**
 * One row's update d[j] -= c_t s_t[j] over a sequence of terms t, each over
 * its own leading part of the row (lengths that never decrease along the
 * sequence), passed to the SIMD kernel (`_simd_axpy.ts`) four terms at a time
 * so the row is read and written once per four: the four share the first
 * one's length, and the entries past it take the later terms' rest, term by
 * term. Each entry takes its terms in sequence, as one pass per term would:
 * the same bits.
 *
 * @module
 */

import type { Axpy } from "./_simd_axpy.ts";

/** A rest this short is done here rather than by a call into the kernel. */
const SHORT = 8;

/** Collects a row's terms and applies them four at a time; see the module. */
export class GroupedAxpy {
  readonly #axpy: Axpy;
  readonly #memory: Float64Array;
  readonly #sources = new Int32Array(4);
  readonly #lengths = new Int32Array(4);
  readonly #coefficients = new Float64Array(4);
  #count = 0;
  #row = 0;

  /** `memory`: the kernel's memory as doubles, for the short rests. */
  constructor(axpy: Axpy, memory: Float64Array) {
    this.#axpy = axpy;
    this.#memory = memory;
  }

  /** Starts the terms of the row at byte `row` (the last row's are applied). */
  start(row: number): void {
    this.flush();
    this.#row = row;
  }

  /** Adds the term d[j] -= c s[j], j < length, for the source row at byte `source`; c != 0. */
  add(source: number, c: number, length: number): void {
    const k = this.#count++;
    this.#sources[k] = source, this.#coefficients[k] = c, this.#lengths[k] = length;
    if (k === 3) this.flush();
  }

  /** Applies the collected terms. */
  flush(): void {
    const count = this.#count, s = this.#sources, c = this.#coefficients, len = this.#lengths;
    if (count === 0) return;
    this.#count = 0;
    const row = this.#row, common = len[0];
    this.#axpy(row, s[0], s[1], s[2], s[3], c[0], c[1], c[2], c[3], common, count);
    for (let r = 1; r < count; r++) {
      const rest = len[r] - common;
      if (rest <= 0) continue;
      if (rest > SHORT) {
        this.#axpy(row + 8 * common, s[r] + 8 * common, 0, 0, 0, c[r], 0, 0, 0, rest, 1);
        continue;
      }
      const m = this.#memory, d0 = row / 8, s0 = s[r] / 8, cr = c[r];
      for (let j = common; j < len[r]; j++) m[d0 + j] -= cr * m[s0 + j];
    }
  }
}
