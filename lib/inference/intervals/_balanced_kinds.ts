/**
 * What the `mls` and `exact` kinds share: the design they need, and the
 * chi-square interval of the residual variance of a balanced design.
 *
 * @module
 */

import { chiSquareQuantile } from "../../special/mod.ts";
import type { BalancedAnova } from "../balanced_anova.ts";
import type { IntervalLimits } from "./interval_maker.ts";

/** Why `mls` and `exact` do not apply (after the kind's name). */
export const _NEEDS_BALANCED =
  "needs a balanced nested or two-way crossed design with an intercept-only fixed part";

/** SSE / chi2 quantiles: the exact interval of sigma^2, with its df. */
export function _residualLimits(balanced: BalancedAnova, alpha: number): IntervalLimits {
  const r = balanced.residual;
  return {
    lower: r.ss / chiSquareQuantile(1 - alpha / 2, r.df),
    upper: r.ss / chiSquareQuantile(alpha / 2, r.df),
    df: r.df,
  };
}
