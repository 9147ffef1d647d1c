/**
 * Confidence intervals for the variance components, the residual variance
 * and the fixed effects of a fit, by every method vcsim compares
 * (ALGORITHMS.md section 4). Each kind is a plug-in (lib/inference/intervals/):
 * the built-ins by name, a user's kind as an object, run the same way.
 *
 * @module
 */

import type { ModelFrame } from "../model/frame.ts";
import type { CrossProducts } from "../model/cross_products.ts";
import type { VarCompFit } from "../fit/fit.ts";
import type { RandomStream } from "../rng/stream.ts";
import type { InformationKind, VarianceCovariance } from "./information.ts";
import type { ConfidenceInterval, IntervalPlugin } from "./intervals/interval_plugin.ts";
import { type IntervalMethod, intervalPlugin } from "./intervals/registry.ts";
import { sharedVarianceCovariance } from "./intervals/shared_work.ts";
import { _intervalContext } from "./intervals/_interval_context.ts";
import { _runPlugin } from "./intervals/_run_plugin.ts";

export type { ConfidenceInterval } from "./intervals/interval_plugin.ts";
export { INTERVAL_METHODS, type IntervalMethod } from "./intervals/registry.ts";
export { mlsLimits } from "./intervals/mls.ts";

/** Options of {@linkcode confidenceIntervals}. */
export interface IntervalOptions {
  /**
   * Interval kinds to compute, in this order: built-in names and plug-in objects.
   * @default ["wald"]
   */
  methods?: readonly (IntervalMethod | IntervalPlugin)[];
  /**
   * Confidence level.
   * @default 0.95
   */
  level?: number;
  /**
   * Information matrix behind standard errors, Wald and Satterthwaite intervals.
   * @default "expected"
   */
  information?: InformationKind;
  /** Stream for `bootstrap` (required with it) and number of refits (default 999). */
  bootstrap?: { stream: RandomStream; replicates?: number };
  /** Cross-products of the frame when the caller already has them. */
  crossProducts?: CrossProducts;
}

/** Standard errors and intervals of a fit. */
export interface Inference {
  /** Covariance and SEs of the variance estimates. */
  readonly variance: VarianceCovariance;
  /** Intervals by kind (in the order asked for), then parameter (variances, then fixed effects). */
  readonly intervals: readonly ConfidenceInterval[];
  /** Milliseconds for the information and per kind. */
  readonly timingMs: Readonly<Record<string, number>>;
}

/**
 * Parses a comma-separated list of built-in interval kinds (spaces around
 * names and empty entries ignored), throwing a TypeError that lists the
 * known names for an unknown one.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseIntervalMethods } from "./intervals.ts";
 * assert.deepEqual(parseIntervalMethods("wald, profile,,mls"), ["wald", "profile", "mls"]);
 * assert.throws(
 *   () => parseIntervalMethods("wald,walds"),
 *   { name: "TypeError", message: /unknown interval method "walds": expected one of wald, / },
 * );
 * ```
 */
export function parseIntervalMethods(list: string): IntervalMethod[] {
  const names = list.split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const name of names) intervalPlugin(name);
  return names as IntervalMethod[];
}

/** The plug-ins of `methods`, checked; two different kinds may not share a name. */
function resolve(methods: readonly (string | IntervalPlugin)[]): IntervalPlugin[] {
  const byName = new Map<string, IntervalPlugin>();
  return methods.map((entry) => {
    const plugin = intervalPlugin(entry);
    const seen = byName.get(plugin.name);
    if (seen !== undefined && seen !== plugin) {
      throw new TypeError(`two different interval plug-ins are named "${plugin.name}"`);
    }
    byName.set(plugin.name, plugin);
    return plugin;
  });
}

/**
 * Standard errors and confidence intervals of `fit` by the requested
 * kinds. Undefined intervals (e.g. log-scale at a zero estimate) and
 * kinds that do not apply (e.g. MLS in an unbalanced design) come back
 * with that status and a note, never as NaN; a kind that throws comes back
 * as one `failed` interval per parameter, the others unaffected. Work
 * several kinds need (the variance-covariance, profiles, refits) is done
 * once per call.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fitVarComp } from "../fit/fit.ts";
 * import { confidenceIntervals } from "./intervals.ts";
 * import type { IntervalPlugin } from "./intervals/interval_plugin.ts";
 * const frame = {
 *   response: "y",
 *   y: new Float64Array([1, 2, 5, 6, 2, 4, 3, 3]),
 *   X: new Float64Array(8).fill(1),
 *   fixedNames: ["(Intercept)"],
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2, 3, 3]), levels: ["a", "b", "c", "d"] }],
 *   droppedRows: 0,
 * };
 * const plusMinusOne: IntervalPlugin = {
 *   name: "plus-minus-1",
 *   intervals: (_frame, fit) =>
 *     fit.fixed.map((f) => ({
 *       parameter: f.name, method: "plus-minus-1",
 *       lower: f.estimate - 1, upper: f.estimate + 1, status: "ok",
 *     })),
 * };
 * const inf = confidenceIntervals(frame, fitVarComp(frame), { methods: ["wald", "mls", plusMinusOne] });
 * const mls = inf.intervals.find((i) => i.parameter === "g" && i.method === "mls")!;
 * assert.equal(mls.status, "ok");
 * assert.ok(mls.lower! >= 0 && mls.lower! < mls.upper!);
 * const mine = inf.intervals.find((i) => i.method === "plus-minus-1")!;
 * assert.ok(Math.abs(mine.upper! - mine.lower! - 2) < 1e-12);
 * ```
 */
export function confidenceIntervals(
  frame: ModelFrame,
  fit: VarCompFit,
  options: IntervalOptions = {},
): Inference {
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  const plugins = resolve(options.methods ?? ["wald"]);
  const context = _intervalContext(frame, { ...options, level });
  const timingMs: Record<string, number> = {};
  let clock = performance.now();
  const variance = sharedVarianceCovariance(frame, fit, context);
  timingMs.information = performance.now() - clock;
  for (const plugin of plugins) plugin.validate?.(context);
  const run = {
    frame,
    fit,
    context,
    parameters: [...variance.parameters, ...fit.fixed.map((f) => f.name)],
  };
  const intervals: ConfidenceInterval[] = [];
  for (const plugin of plugins) {
    clock = performance.now();
    intervals.push(..._runPlugin(plugin, run));
    timingMs[plugin.name] = performance.now() - clock;
  }
  return { variance, intervals, timingMs };
}
