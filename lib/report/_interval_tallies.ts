/**
 * The interval pass of the performance measures as one scan
 * (_row_scan.ts): per group of the temporary groups table (condition x
 * method x parameter x interval method, see _interval_groups.ts), the
 * counts and width sums that the SQL aggregates of measures.ts gave, with
 * SQL's rules for NULL: a comparison with a missing bound or true value
 * counts as no hit, a width with a missing bound is no width, and the sums
 * are SQLite's (_compensated_sums.ts).
 *
 * @module
 */

import { CompensatedSums } from "./_compensated_sums.ts";

/** A group's description, from the groups table. */
export interface IntervalGroup {
  readonly id: number;
  readonly condition: string;
  readonly method: string;
  readonly parameter: string;
  readonly interval: string;
}

/** One group's tallies, named as the SQL columns they replace. */
export interface IntervalTally {
  readonly condition: string;
  readonly method: string;
  readonly parameter: string;
  readonly interval: string;
  readonly interval_ordinal: number;
  readonly truth: number | null;
  readonly defined: number;
  readonly hits: number;
  readonly below: number;
  readonly above: number;
  readonly be_hits: number;
  readonly width: number | null;
  readonly sum_d: number | null;
  readonly sum_d2: number | null;
}

/**
 * The values of a row, in the order {@linkcode IntervalTallies.step} takes them:
 * group id, the interval's ordinal, status, lower and upper bounds, the true
 * value, the group's mean estimate and width shift, and whether the fit is used.
 */
export const INTERVAL_ROW_VALUES = (truth: string, used: string): string =>
  `g.id, i.ordinal, i.status, i.lower, i.upper, ${truth}, g.tbar, g.shift, ${used}`;

/** Code-point (UTF-8 byte) order, as SQLite's BINARY collation. */
export function binaryOrder(a: string, b: string): number {
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    const x = a.codePointAt(i)!, y = b.codePointAt(j)!;
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return Math.sign(a.length - b.length) || 0;
}

/**
 * Per group: how many rows it had, their least interval ordinal and their
 * greatest known true value (SQL's `COUNT(*)`, `MIN` and `MAX`).
 */
export class RowsSeen {
  readonly #rows: Float64Array;
  readonly #ordinal: Float64Array;
  readonly #truth: Float64Array;

  constructor(groups: number) {
    this.#rows = new Float64Array(groups);
    this.#ordinal = new Float64Array(groups);
    this.#truth = new Float64Array(groups).fill(NaN);
  }

  /** Counts a row of group `g`. */
  see(g: number, ordinal: number, truth: number | null): void {
    if (this.#rows[g]++ === 0 || ordinal < this.#ordinal[g]) this.#ordinal[g] = ordinal;
    const t = this.#truth[g];
    if (truth !== null && (t !== t || truth > t)) this.#truth[g] = truth;
  }

  rows(g: number): number {
    return this.#rows[g];
  }

  ordinal(g: number): number {
    return this.#ordinal[g];
  }

  /** The greatest true value, or null when no row had one. */
  truth(g: number): number | null {
    const t = this.#truth[g];
    return t !== t ? null : t;
  }
}

/** The tallies of the groups with ids 0 to `groups` - 1. */
export class IntervalTallies {
  readonly #seen: RowsSeen;
  readonly #counts: Float64Array; // per group: applicable, defined, hits, below, above, be_hits
  readonly #width: CompensatedSums;
  readonly #d: CompensatedSums;
  readonly #d2: CompensatedSums;

  constructor(groups: number) {
    this.#seen = new RowsSeen(groups);
    this.#counts = new Float64Array(6 * groups);
    this.#width = new CompensatedSums(groups);
    this.#d = new CompensatedSums(groups);
    this.#d2 = new CompensatedSums(groups);
  }

  /** Tallies one interval row; see {@linkcode INTERVAL_ROW_VALUES}. */
  step = (
    g: number,
    ordinal: number,
    status: string,
    lower: number | null,
    upper: number | null,
    truth: number | null,
    tbar: number | null,
    shift: number | null,
    used: number,
  ): void => {
    this.#seen.see(g, ordinal, truth);
    const c = 6 * g;
    if (status !== "not-applicable") this.#counts[c]++;
    if (!used || status !== "ok") return;
    this.#counts[c + 1]++;
    if (truth !== null) {
      if (lower !== null && upper !== null && lower <= truth && truth <= upper) {
        this.#counts[c + 2]++;
      }
      if (upper !== null && upper < truth) this.#counts[c + 3]++;
      if (lower !== null && lower > truth) this.#counts[c + 4]++;
    }
    if (lower === null || upper === null) return;
    if (tbar !== null && lower <= tbar && tbar <= upper) this.#counts[c + 5]++;
    const w = upper - lower, d = w - (shift ?? 0);
    this.#width.add(g, w);
    this.#d.add(g, d);
    this.#d2.add(g, d * d);
  };

  /**
   * The tallies of the `groups` that had a row applicable in some replicate,
   * by interval ordinal and then interval method (as SQL's `ORDER BY`).
   */
  tallies(groups: readonly IntervalGroup[]): IntervalTally[] {
    const out: IntervalTally[] = [];
    for (const { id, condition, method, parameter, interval } of groups) {
      const c = 6 * id;
      if (this.#seen.rows(id) === 0 || this.#counts[c] === 0) continue;
      out.push({
        condition,
        method,
        parameter,
        interval,
        interval_ordinal: this.#seen.ordinal(id),
        truth: this.#seen.truth(id),
        defined: this.#counts[c + 1],
        hits: this.#counts[c + 2],
        below: this.#counts[c + 3],
        above: this.#counts[c + 4],
        be_hits: this.#counts[c + 5],
        width: this.#width.mean(id),
        sum_d: this.#d.sum(id),
        sum_d2: this.#d2.sum(id),
      });
    }
    return out.sort((a, b) =>
      a.interval_ordinal - b.interval_ordinal || binaryOrder(a.interval, b.interval)
    );
  }
}
