/**
 * Sums and means of doubles, one per group, exactly as SQLite's `SUM` and
 * `AVG` compute them over the same values in the same order: a
 * Kahan-Babuska-Neumaier sum whose error term is added at the end unless
 * it overflowed (SQLite 3.43 and later, func.c). So a tally made in one
 * pass (_row_scan.ts) reports the numbers the SQL aggregates reported, to
 * the last bit. Values are numbers: SQLite sums integers exactly before the
 * first non-integer, which is the same while sums stay below 2^53. A NaN
 * result (infinities of both signs) is null, as SQLite returns it.
 *
 * @module
 */

/** SQLite stores a NaN result as NULL. */
const real = (x: number): number | null => x !== x ? null : x;

/** Compensated sums of `groups` groups, indexed 0 to groups - 1. */
export class CompensatedSums {
  readonly #sum: Float64Array;
  readonly #error: Float64Array;
  readonly #count: Float64Array;

  constructor(groups: number) {
    this.#sum = new Float64Array(groups);
    this.#error = new Float64Array(groups);
    this.#count = new Float64Array(groups);
  }

  /**
   * Adds `x` to group `g`'s sum; null and NaN are skipped (SQLite turns a
   * NaN result of arithmetic into NULL).
   */
  add(g: number, x: number | null): void {
    if (x === null || x !== x) return;
    const s = this.#sum[g], t = s + x;
    this.#error[g] += Math.abs(s) > Math.abs(x) ? (s - t) + x : (x - t) + s;
    this.#sum[g] = t;
    this.#count[g]++;
  }

  /** How many values group `g` summed. */
  count(g: number): number {
    return this.#count[g];
  }

  /** Group `g`'s sum, or null when it summed no value or is NaN (as `SUM`). */
  sum(g: number): number | null {
    return this.#count[g] === 0 ? null : real(this.#total(g));
  }

  /** Group `g`'s mean, or null when it summed no value or is NaN (as `AVG`). */
  mean(g: number): number | null {
    return this.#count[g] === 0 ? null : real(this.#total(g) / this.#count[g]);
  }

  #total(g: number): number {
    const e = this.#error[g];
    return Number.isFinite(e) ? this.#sum[g] + e : this.#sum[g];
  }
}
