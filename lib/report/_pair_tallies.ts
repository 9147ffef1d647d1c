/**
 * The interval passes of the paired comparisons as scans (_row_scan.ts):
 * per group of the temporary groups table (see _interval_groups.ts), the
 * reference's applicability and hits, and for the other methods the counts
 * of hits and definitions of both intervals of a replicate, as the SQL
 * aggregates of paired_comparisons.ts gave them. An interval is defined
 * when its status is `ok` and its fit is used; it hits when it is defined
 * and its bounds and the true value are all known and the true value lies
 * within them.
 *
 * @module
 */

import { binaryOrder, type IntervalGroup, RowsSeen } from "./_interval_tallies.ts";

/** A row's values for {@linkcode PairTallies.reference}: group id, status, bounds, truth, used. */
export const REFERENCE_ROW_VALUES = (truth: string, usedA: string): string =>
  `g.id, a.status, a.lower, a.upper, ${truth}, ${usedA}`;

/**
 * A row's values for {@linkcode PairTallies.pair}: group id, the method's
 * interval ordinal, status, bounds, truth and used, then the reference's
 * status, bounds and used (null when it has no such interval).
 */
export const PAIR_ROW_VALUES = (truth: string, used: { a: string; b: string }): string =>
  `g.id, a.ordinal, a.status, a.lower, a.upper, ${truth}, ${used.a}, ` +
  `b.status, b.lower, b.upper, ${used.b}`;

type Bound = number | null;

const defined = (status: string | null, used: number | null): boolean => status === "ok" && !!used;

const hits = (lower: Bound, upper: Bound, truth: Bound): boolean =>
  lower !== null && upper !== null && truth !== null && lower <= truth && truth <= upper;

/** Counts per group id, for groups 0 to `groups` - 1. */
export class PairTallies {
  readonly #seen: RowsSeen;
  // Per group: applicable, hits, both_hits, both_defined, defined_hits, defined_ref_hits.
  readonly #counts: Float64Array;

  constructor(groups: number) {
    this.#seen = new RowsSeen(groups);
    this.#counts = new Float64Array(6 * groups);
  }

  /** Tallies one reference interval; see {@linkcode REFERENCE_ROW_VALUES}. */
  reference = (
    g: number,
    status: string,
    lower: Bound,
    upper: Bound,
    truth: Bound,
    used: number,
  ) => {
    this.#seen.see(g, 0, null); // a reference row's ordinal and truth are not reported
    if (status !== "not-applicable") this.#counts[6 * g]++;
    if (defined(status, used) && hits(lower, upper, truth)) this.#counts[6 * g + 1]++;
  };

  /** Tallies one interval of another method with the reference's; see {@linkcode PAIR_ROW_VALUES}. */
  pair = (
    g: number,
    ordinal: number,
    status: string,
    lower: Bound,
    upper: Bound,
    truth: Bound,
    used: number,
    refStatus: string | null,
    refLower: Bound,
    refUpper: Bound,
    refUsed: number | null,
  ): void => {
    this.#seen.see(g, ordinal, truth);
    const c = 6 * g;
    if (status !== "not-applicable") this.#counts[c]++;
    const both = defined(status, used) && defined(refStatus, refUsed);
    const hit = defined(status, used) && hits(lower, upper, truth);
    const refHit = defined(refStatus, refUsed) && hits(refLower, refUpper, truth);
    if (hit) this.#counts[c + 1]++;
    if (hit && refHit) this.#counts[c + 2]++;
    if (both) this.#counts[c + 3]++;
    if (both && hit) this.#counts[c + 4]++;
    if (both && refHit) this.#counts[c + 5]++;
  };

  /** The reference's groups that had a row: applicability and hits. */
  referenceRows(groups: readonly IntervalGroup[]) {
    return groups.filter(({ id }) => this.#seen.rows(id) > 0).map(
      ({ id, condition, parameter, interval }) => ({
        condition,
        parameter,
        interval,
        applicable: this.#counts[6 * id],
        hits: this.#counts[6 * id + 1],
      }),
    );
  }

  /** The other methods' groups that had a row, by interval ordinal and then method (SQL's order). */
  pairRows(groups: readonly IntervalGroup[]) {
    return groups.filter(({ id }) => this.#seen.rows(id) > 0).map((g) => {
      const c = 6 * g.id;
      return {
        condition: g.condition,
        method: g.method,
        parameter: g.parameter,
        interval: g.interval,
        interval_ordinal: this.#seen.ordinal(g.id),
        truth: this.#seen.truth(g.id),
        applicable: this.#counts[c],
        hits: this.#counts[c + 1],
        both_hits: this.#counts[c + 2],
        both_defined: this.#counts[c + 3],
        defined_hits: this.#counts[c + 4],
        defined_ref_hits: this.#counts[c + 5],
      };
    }).sort((a, b) =>
      a.interval_ordinal - b.interval_ordinal || binaryOrder(a.interval, b.interval)
    );
  }
}
