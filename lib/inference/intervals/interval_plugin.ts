/**
 * Interval kinds are plug-ins: an object with a `name` and an `intervals`
 * function. vcsim's own kinds (wald, profile, mls, ...) are entries of the
 * same registry (lib/inference/intervals/) as a researcher's kind is, and
 * {@linkcode confidenceIntervals} runs both the same way.
 *
 * @module
 */

import type { ModelFrame } from "../../model/frame.ts";
import type { CrossProducts } from "../../model/cross_products.ts";
import type { VarCompFit } from "../../fit/fit.ts";
import type { RandomStream } from "../../rng/stream.ts";
import type { IntervalStatus } from "../../store/records.ts";
import type { InformationKind } from "../information.ts";

/** One interval; lower and upper are null unless status is `ok`. */
export interface ConfidenceInterval {
  /** Variance names (term names, `Residual`) on the variance scale, or fixed-effect names. */
  readonly parameter: string;
  /** The name of the interval kind (plug-in) that made it, e.g. `wald`. */
  readonly method: string;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly status: IntervalStatus;
  /** Degrees of freedom used, for t, Satterthwaite and chi-square intervals. */
  readonly df?: number;
  /** Why an interval is undefined, not applicable or failed. */
  readonly note?: string;
}

/** What a kind's `intervals` is given besides the frame and the fit: one per fit. */
export interface IntervalContext {
  /** Confidence level, in (0, 1). */
  readonly level: number;
  /** The frame's cross-products (X'X, X'y, y'y and their per-level parts). */
  readonly crossProducts: CrossProducts;
  /** Information matrix behind standard errors (Wald, Satterthwaite). */
  readonly information: InformationKind;
  /**
   * The stream and number of refits for resampling kinds; undefined when the
   * caller gave no stream.
   */
  readonly bootstrap: { readonly stream: RandomStream; readonly replicates: number } | undefined;
  /**
   * Work shared by several kinds of one fit, computed on first use and then
   * returned as is (a computation that threw throws the same error again).
   * The built-in keys, reached through the accessors of shared_work.ts:
   * `variance-covariance`, `satterthwaite-fixed-df`, `ml-fit`,
   * `variance-profile-REML`, `variance-profile-ML`, `balanced-anova`,
   * `bootstrap`. A user's kind may add its own keys.
   */
  shared<T>(key: string, compute: () => T): T;
}

/**
 * An interval kind.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fitVarComp } from "../../fit/fit.ts";
 * import { confidenceIntervals } from "../intervals.ts";
 * import type { IntervalPlugin } from "./interval_plugin.ts";
 * import { intervalMaker } from "./interval_maker.ts";
 * const make = intervalMaker("plus-minus-1");
 * // A toy kind: every fixed effect's estimate +- 1.
 * const plusMinusOne: IntervalPlugin = {
 *   name: "plus-minus-1",
 *   intervals: (_frame, fit) =>
 *     fit.fixed.map((f) => make.ok(f.name, { lower: f.estimate - 1, upper: f.estimate + 1 })),
 * };
 * const frame = {
 *   response: "y",
 *   y: new Float64Array([1, 2, 5, 6, 2, 4]),
 *   X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"],
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 *   droppedRows: 0,
 * };
 * const { intervals } = confidenceIntervals(frame, fitVarComp(frame), {
 *   methods: ["wald", plusMinusOne],
 * });
 * const mine = intervals.at(-1)!;
 * assert.equal(mine.method, "plus-minus-1");
 * assert.equal(mine.parameter, "(Intercept)");
 * assert.ok(Math.abs(mine.upper! - mine.lower! - 2) < 1e-12);
 * ```
 */
export interface IntervalPlugin {
  /**
   * Its name in results, the store and reports: a word of letters, digits,
   * `-`, `_` and `.`, e.g. `wald` or `wald-sqrt`.
   */
  readonly name: string;
  /**
   * Intervals for the parameters this kind applies to (variances in frame
   * order then `Residual`, then fixed effects), each with its status and,
   * unless `ok`, a note saying why. Every interval's `method` is `name`; an
   * `ok` interval has finite limits. What it throws (or a result breaking
   * these rules) turns into one `failed` interval per parameter of the fit,
   * with the error as note, and the other kinds still run.
   */
  intervals(frame: ModelFrame, fit: VarCompFit, context: IntervalContext): ConfidenceInterval[];
  /**
   * Refuses unusable options before anything is computed (e.g. bootstrap
   * without a stream). Unlike `intervals`, what it throws propagates out of
   * {@linkcode confidenceIntervals}: it is the caller's mistake, not a
   * failed interval.
   */
  validate?(context: IntervalContext): void;
}
