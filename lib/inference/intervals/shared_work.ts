/**
 * The work several interval kinds of one fit need, each computed once per
 * {@linkcode confidenceIntervals} call through `context.shared`: the
 * variance-covariance (wald, wald-log, satterthwaite), the Satterthwaite
 * fixed-effect df, the ML refit and the REML/ML profiles (profile,
 * profile-ml), the balanced ANOVA table (mls, exact) and the bootstrap
 * refits. A user's kind reaches the same values through these accessors.
 *
 * @module
 */

import type { ModelFrame } from "../../model/frame.ts";
import { fitVarComp, type VarCompFit } from "../../fit/fit.ts";
import { type VarianceCovariance, varianceCovariance } from "../information.ts";
import { satterthwaiteFixedDf } from "../satterthwaite_df.ts";
import { VarianceProfile } from "../profile.ts";
import { type BalancedAnova, balancedAnova } from "../balanced_anova.ts";
import { bootstrapIntervals, type BootstrapResult } from "../bootstrap.ts";
import type { IntervalContext } from "./interval_plugin.ts";

/**
 * Covariance and SEs of the variance estimates of `fit` (key
 * `variance-covariance`): the one {@linkcode confidenceIntervals} returns.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fitVarComp } from "../../fit/fit.ts";
 * import { confidenceIntervals } from "../intervals.ts";
 * import type { IntervalPlugin } from "./interval_plugin.ts";
 * import { intervalMaker } from "./interval_maker.ts";
 * import { sharedVarianceCovariance } from "./shared_work.ts";
 * const make = intervalMaker("two-se");
 * // A user's kind reusing the Wald kinds' variance-covariance: estimate +- 2 SE.
 * const twoSe: IntervalPlugin = {
 *   name: "two-se",
 *   intervals(frame, fit, context) {
 *     const v = sharedVarianceCovariance(frame, fit, context);
 *     return v.parameters.map((name, a) => {
 *       const se = v.se[a], s = v.estimates[a];
 *       return se === null
 *         ? make.undefined(name, "no standard error")
 *         : make.ok(name, { lower: s - 2 * se, upper: s + 2 * se });
 *     });
 *   },
 * };
 * const frame = {
 *   response: "y",
 *   y: new Float64Array([1, 2, 5, 6, 2, 4]),
 *   X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"],
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 *   droppedRows: 0,
 * };
 * const inf = confidenceIntervals(frame, fitVarComp(frame), { methods: [twoSe] });
 * const g = inf.intervals.find((i) => i.parameter === "g")!;
 * assert.ok(Math.abs(g.upper! - g.lower! - 4 * inf.variance.se[0]!) < 1e-12);
 * ```
 */
export function sharedVarianceCovariance(
  frame: ModelFrame,
  fit: VarCompFit,
  context: IntervalContext,
): VarianceCovariance {
  return context.shared("variance-covariance", () =>
    varianceCovariance(frame, fit, {
      kind: context.information,
      crossProducts: context.crossProducts,
    }));
}

/**
 * Satterthwaite df of each fixed effect, null where unavailable (key
 * `satterthwaite-fixed-df`), from the shared variance-covariance; see
 * {@linkcode satterthwaiteFixedDf}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../../model/cross_products.ts";
 * import { fitVarComp } from "../../fit/fit.ts";
 * import { sharedSatterthwaiteDf } from "./shared_work.ts";
 * import type { IntervalContext } from "./interval_plugin.ts";
 * // Balanced one-way, 3 groups of 2: MSA = 49/6, MSE = 1.
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 5, 6, 2, 4]), X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 * };
 * const memo = new Map<string, unknown>();
 * const context: IntervalContext = {
 *   level: 0.95, crossProducts: crossProducts(frame), information: "expected",
 *   bootstrap: undefined,
 *   shared<T>(key: string, compute: () => T): T {
 *     if (!memo.has(key)) memo.set(key, compute());
 *     return memo.get(key) as T;
 *   },
 * };
 * const fit = fitVarComp(frame);
 * // The intercept of a balanced one-way design: the between-group df, a - 1 = 2.
 * const [df] = sharedSatterthwaiteDf(frame, fit, context);
 * assert.ok(Math.abs(df! - 2) < 1e-6);
 * assert.deepEqual([...memo.keys()], ["variance-covariance", "satterthwaite-fixed-df"]);
 * ```
 */
export function sharedSatterthwaiteDf(
  frame: ModelFrame,
  fit: VarCompFit,
  context: IntervalContext,
): (number | null)[] {
  return context.shared(
    "satterthwaite-fixed-df",
    () =>
      satterthwaiteFixedDf(context.crossProducts, sharedVarianceCovariance(frame, fit, context)),
  );
}

/**
 * `fit` itself when it is an ML fit, else the ML refit of its frame (key
 * `ml-fit`), made once per context.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../../model/cross_products.ts";
 * import { fitVarComp } from "../../fit/fit.ts";
 * import { sharedMlFit } from "./shared_work.ts";
 * import type { IntervalContext } from "./interval_plugin.ts";
 * // Balanced one-way, 3 groups of 2: MSA = 49/6, MSE = 1.
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 5, 6, 2, 4]), X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 * };
 * const memo = new Map<string, unknown>();
 * const context: IntervalContext = {
 *   level: 0.95, crossProducts: crossProducts(frame), information: "expected",
 *   bootstrap: undefined,
 *   shared<T>(key: string, compute: () => T): T {
 *     if (!memo.has(key)) memo.set(key, compute());
 *     return memo.get(key) as T;
 *   },
 * };
 * const fit = fitVarComp(frame);
 * const ml = sharedMlFit(frame, fit, context);
 * // Balanced one-way ML: sigma_g^2 = ((a - 1) / a MSA - MSE) / n = (2/3 * 49/6 - 1) / 2.
 * assert.equal(ml.method, "ML");
 * assert.ok(Math.abs(ml.variances.g - (2 / 3 * 49 / 6 - 1) / 2) < 1e-6);
 * assert.equal(sharedMlFit(frame, fit, context), ml); // the same refit
 * assert.equal(sharedMlFit(frame, ml, context), ml);
 * ```
 */
export function sharedMlFit(
  frame: ModelFrame,
  fit: VarCompFit,
  context: IntervalContext,
): VarCompFit {
  if (fit.method === "ML") return fit;
  return context.shared(
    "ml-fit",
    () => fitVarComp(frame, { method: "ml", crossProducts: context.crossProducts }),
  );
}

/** Options of {@linkcode sharedVarianceProfile}. */
export interface SharedProfileOptions {
  /** `ML`: at the ML optimum ({@linkcode sharedMlFit}); `REML`: at `fit`, which must be a REML fit. */
  readonly likelihood: "REML" | "ML";
}

/**
 * The profile of -2 log L over each variance at the optimum of that
 * likelihood (keys `variance-profile-REML`, `variance-profile-ML`).
 * Indices of its `limits` are sorted-term positions, the residual last.
 * Throws a RangeError for the REML profile of a fit that is not REML.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../../model/cross_products.ts";
 * import { fitVarComp } from "../../fit/fit.ts";
 * import { sharedVarianceProfile } from "./shared_work.ts";
 * import type { IntervalContext } from "./interval_plugin.ts";
 * // Balanced one-way, 3 groups of 2: MSA = 49/6, MSE = 1.
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 5, 6, 2, 4]), X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 * };
 * const memo = new Map<string, unknown>();
 * const context: IntervalContext = {
 *   level: 0.95, crossProducts: crossProducts(frame), information: "expected",
 *   bootstrap: undefined,
 *   shared<T>(key: string, compute: () => T): T {
 *     if (!memo.has(key)) memo.set(key, compute());
 *     return memo.get(key) as T;
 *   },
 * };
 * const fit = fitVarComp(frame);
 * const profile = sharedVarianceProfile(frame, fit, context, { likelihood: "REML" });
 * const cutoff = 3.841458820694124; // R: qchisq(0.95, 1)
 * const g = profile.limits(0, cutoff), residual = profile.limits(1, cutoff);
 * // Three groups: sigma_g^2 = 0 is inside the 95% interval.
 * assert.equal(g.lower, 0);
 * assert.ok(g.upper > fit.variances.g);
 * assert.ok(residual.lower < fit.variances.Residual && fit.variances.Residual < residual.upper);
 * assert.equal(sharedVarianceProfile(frame, fit, context, { likelihood: "REML" }), profile);
 * const anova = fitVarComp(frame, { method: "anova" });
 * assert.throws(
 *   () => sharedVarianceProfile(frame, anova, context, { likelihood: "REML" }),
 *   RangeError,
 * );
 * ```
 */
export function sharedVarianceProfile(
  frame: ModelFrame,
  fit: VarCompFit,
  context: IntervalContext,
  options: SharedProfileOptions,
): VarianceProfile {
  const reml = options.likelihood === "REML";
  if (reml && fit.method !== "REML") {
    throw new RangeError(`the REML profile needs a REML fit, got an ${fit.method} fit`);
  }
  const base = reml ? fit : sharedMlFit(frame, fit, context);
  return context.shared(`variance-profile-${options.likelihood}`, () => {
    const cp = context.crossProducts, K = frame.terms.length;
    const s = new Float64Array(K + 1);
    cp.order.forEach((i, t) => s[t] = base.variances[frame.terms[i].name]);
    s[K] = base.variances.Residual;
    return new VarianceProfile(cp, s, { reml });
  });
}

/**
 * The ANOVA table of a balanced design, or null when the design is not one
 * (key `balanced-anova`); see {@linkcode balancedAnova}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../../model/cross_products.ts";
 * import { fitVarComp } from "../../fit/fit.ts";
 * import { sharedBalancedAnova } from "./shared_work.ts";
 * import type { IntervalContext } from "./interval_plugin.ts";
 * // Balanced one-way, 3 groups of 2: MSA = 49/6, MSE = 1.
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 5, 6, 2, 4]), X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 * };
 * const memo = new Map<string, unknown>();
 * const context: IntervalContext = {
 *   level: 0.95, crossProducts: crossProducts(frame), information: "expected",
 *   bootstrap: undefined,
 *   shared<T>(key: string, compute: () => T): T {
 *     if (!memo.has(key)) memo.set(key, compute());
 *     return memo.get(key) as T;
 *   },
 * };
 * const fit = fitVarComp(frame);
 * const table = sharedBalancedAnova(context)!;
 * assert.equal(table.design, "nested");
 * assert.deepEqual([table.components[0].s1.df, table.residual], [2, { ms: 1, df: 3, ss: 3 }]);
 * assert.ok(Math.abs(table.components[0].s1.ms - 49 / 6) < 1e-12);
 * assert.equal(sharedBalancedAnova(context), table);
 * ```
 */
export function sharedBalancedAnova(context: IntervalContext): BalancedAnova | null {
  return context.shared("balanced-anova", () => balancedAnova(context.crossProducts));
}

/**
 * Percentile limits of the parametric bootstrap of `fit`, from
 * `context.bootstrap` (key `bootstrap`). Throws a TypeError when the context
 * has no stream. Cost: `context.bootstrap.replicates` refits, once per context.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../../model/cross_products.ts";
 * import { fitVarComp } from "../../fit/fit.ts";
 * import { NumpyRandomState } from "../../rng/numpy_random_state.ts";
 * import { sharedBootstrap } from "./shared_work.ts";
 * import type { IntervalContext } from "./interval_plugin.ts";
 * // Balanced one-way, 3 groups of 2: MSA = 49/6, MSE = 1.
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 5, 6, 2, 4]), X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 * };
 * const memo = new Map<string, unknown>();
 * const context: IntervalContext = {
 *   level: 0.95, crossProducts: crossProducts(frame), information: "expected",
 *   bootstrap: { stream: new NumpyRandomState(1), replicates: 50 },
 *   shared<T>(key: string, compute: () => T): T {
 *     if (!memo.has(key)) memo.set(key, compute());
 *     return memo.get(key) as T;
 *   },
 * };
 * const fit = fitVarComp(frame);
 * const result = sharedBootstrap(frame, fit, context);
 * assert.deepEqual([result.used, result.failed], [50, 0]);
 * const { lower, upper } = result.limits["(Intercept)"];
 * assert.ok(lower < fit.fixed[0].estimate && fit.fixed[0].estimate < upper);
 * assert.equal(sharedBootstrap(frame, fit, context), result); // no second set of refits
 * assert.throws(
 *   () => sharedBootstrap(frame, fit, { ...context, bootstrap: undefined }),
 *   /bootstrap intervals need options.bootstrap.stream/,
 * );
 * ```
 */
export function sharedBootstrap(
  frame: ModelFrame,
  fit: VarCompFit,
  context: IntervalContext,
): BootstrapResult {
  const bootstrap = context.bootstrap;
  if (!bootstrap) throw new TypeError("bootstrap intervals need options.bootstrap.stream");
  return context.shared("bootstrap", () =>
    bootstrapIntervals(frame, fit, {
      stream: bootstrap.stream,
      replicates: bootstrap.replicates,
      level: context.level,
      crossProducts: context.crossProducts,
    }));
}
