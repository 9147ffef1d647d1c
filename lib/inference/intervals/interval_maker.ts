/**
 * Builds the intervals of one kind: `ok` intervals from limits (failed when a
 * limit is not finite, never NaN), and intervals without limits with their
 * status and note. For the built-in kinds and a user's alike.
 *
 * @module
 */

import type { ConfidenceInterval } from "./interval_plugin.ts";

/** Limits of an `ok` interval, with the degrees of freedom used, if any. */
export interface IntervalLimits {
  readonly lower: number;
  readonly upper: number;
  readonly df?: number;
}

/** Makes the intervals of one kind, by parameter. */
export interface IntervalMaker {
  /** An `ok` interval, or a `failed` one ("non-finite limit") when a limit is not finite. */
  ok(parameter: string, limits: IntervalLimits): ConfidenceInterval;
  /** The interval does not exist here (e.g. log scale at a zero estimate). */
  undefined(parameter: string, note: string): ConfidenceInterval;
  /** The kind does not apply to this parameter or design. */
  notApplicable(parameter: string, note: string): ConfidenceInterval;
  /** The computation failed. */
  failed(parameter: string, note: string): ConfidenceInterval;
}

/**
 * The interval maker of kind `method`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { intervalMaker } from "./interval_maker.ts";
 * const make = intervalMaker("toy");
 * assert.deepStrictEqual(make.ok("g", { lower: 1, upper: 2 }), {
 *   parameter: "g", method: "toy", lower: 1, upper: 2, status: "ok",
 * });
 * assert.equal(make.ok("g", { lower: NaN, upper: 2 }).status, "failed");
 * assert.equal(make.undefined("g", "the estimate is 0").lower, null);
 * ```
 */
export function intervalMaker(method: string): IntervalMaker {
  const without = (
    parameter: string,
    status: "undefined" | "not-applicable" | "failed",
    note: string,
  ): ConfidenceInterval => ({ parameter, method, lower: null, upper: null, status, note });
  return {
    ok(parameter, { lower, upper, df }) {
      if (!Number.isFinite(lower) || !Number.isFinite(upper)) {
        return without(parameter, "failed", "non-finite limit");
      }
      return df === undefined
        ? { parameter, method, lower, upper, status: "ok" }
        : { parameter, method, lower, upper, status: "ok", df };
    },
    undefined: (parameter, note) => without(parameter, "undefined", note),
    notApplicable: (parameter, note) => without(parameter, "not-applicable", note),
    failed: (parameter, note) => without(parameter, "failed", note),
  };
}
