/**
 * The likelihood-ratio statistic of H0: sigma_k^2 = 0 on the ML or REML
 * criterion, T = crit(reduced) - crit(full) >= 0, with crit = -2 log L
 * profiled over the fixed effects and the residual variance (lme4's
 * deviance or REMLcrit). The reduced model holds theta_k = 0 and minimizes
 * over the other relative SDs; under REML the fixed effects are the same in
 * both models, so the restricted likelihoods are comparable. Full and
 * reduced fits depend on the data only: computed once per dataset and
 * shared by every method's tests.
 *
 * @module
 */

import type { ModelFrame } from "../../model/frame.ts";
import type { CrossProducts } from "../../model/cross_products.ts";
import { fitVarComp, profiledCriterion, type VarCompFit } from "../../fit/fit.ts";
import { blockedFactor } from "../../fit/blocked_factor.ts";
import { minimizeEven } from "../../fit/optimize.ts";
import type { TestContext } from "./test_plugin.ts";

/** Which criterion a likelihood-ratio statistic is on. */
export type Likelihood = "ML" | "REML";

// Start the reduced optimizer no closer to the boundary than this (see fit.ts).
const MIN_START = 0.05;
// Differences below this are the optimizers' noise: the statistic is 0.
const NOISE = 1e-8;

/** The fit by `likelihood` of the data: `fit` itself when it is one, else a shared refit. */
export function _fullFit(
  frame: ModelFrame,
  fit: VarCompFit,
  context: TestContext,
  likelihood: Likelihood,
): VarCompFit {
  if (fit.method === likelihood && fit.criterion !== null) return fit;
  return context.shared(`test:fit-${likelihood}`, () =>
    fitVarComp(frame, {
      method: likelihood === "ML" ? "ml" : "reml",
      crossProducts: context.crossProducts,
    }));
}

/** The reduced model's minimum and its relative SDs (sorted-term order, theta_k = 0). */
export interface _ReducedFit {
  readonly criterion: number;
  readonly theta: Float64Array;
}

/**
 * The criterion of `full`'s likelihood minimized with the term at frame
 * index `term` held at theta = 0, over the data of `cp`.
 */
export function _reducedFit(full: VarCompFit, cp: CrossProducts, term: number): _ReducedFit {
  const { n, p, order } = cp;
  const reml = full.method === "REML";
  const factor = blockedFactor(cp);
  const held = order.indexOf(term);
  const free = order.map((_, t) => t).filter((t) => t !== held);
  const at = (x: Float64Array): Float64Array => {
    const theta = new Float64Array(order.length);
    free.forEach((t, j) => theta[t] = x[j]);
    return theta;
  };
  const objective = (x: Float64Array): number =>
    factor.update(at(x)) ? profiledCriterion(factor, { n, p, reml }) : Infinity;
  if (free.length === 0) {
    return { criterion: objective(new Float64Array(0)), theta: at(new Float64Array(0)) };
  }
  const start = Float64Array.from(free, (t) => Math.max(full.theta[order[t]], MIN_START));
  const result = minimizeEven(objective, start);
  // The full fit's point with theta_k = 0 bounds the reduced minimum from above.
  const fromFull = Float64Array.from(free, (t) => full.theta[order[t]]);
  const atFull = objective(fromFull);
  return result.f <= atFull
    ? { criterion: result.f, theta: at(result.x) }
    : { criterion: atFull, theta: at(fromFull) };
}

/** T = reduced - full criterion, 0 below the optimizers' noise; throws without a finite full criterion. */
export function _statistic(full: VarCompFit, reduced: _ReducedFit): number {
  if (full.criterion === null || !Number.isFinite(full.criterion)) {
    throw new RangeError(`the ${full.method} fit has no finite criterion`);
  }
  const t = reduced.criterion - full.criterion;
  return t < NOISE ? 0 : t;
}

/** The reduced fit of the term at frame index `term`, shared per dataset. */
export function _sharedReducedFit(
  full: VarCompFit,
  context: TestContext,
  term: number,
): _ReducedFit {
  return context.shared(
    `test:reduced-${full.method}-${term}`,
    () => _reducedFit(full, context.crossProducts, term),
  );
}

/**
 * T for the term at frame index `term` on `likelihood`, from fits shared
 * per dataset (keys `test:fit-<likelihood>`, `test:reduced-<likelihood>-<term>`).
 * Throws when the full fit has no finite criterion.
 */
export function _likelihoodRatio(
  frame: ModelFrame,
  fit: VarCompFit,
  context: TestContext,
  options: { likelihood: Likelihood; term: number },
): number {
  const full = _fullFit(frame, fit, context, options.likelihood);
  return _statistic(full, _sharedReducedFit(full, context, options.term));
}
