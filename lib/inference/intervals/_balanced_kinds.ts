/**
 * What the `mls` and `exact` kinds share: the design MLS needs, and the
 * chi-square interval of the residual variance from an error SS and its df.
 *
 * @module
 */

import { chiSquareQuantile } from "../../special/mod.ts";
import type { IntervalLimits } from "./interval_maker.ts";

/** Why `mls` does not apply (after the kind's name). */
export const _NEEDS_BALANCED =
  "needs a balanced nested or two-way crossed design with an intercept-only fixed part";

/**
 * SSE / chi2 quantiles: the exact interval of sigma^2, with its df, from a
 * balanced ANOVA table's residual or the within-cell fit's.
 */
export function _residualLimits(
  source: { readonly residual: { readonly ss: number; readonly df: number } },
  alpha: number,
): IntervalLimits {
  const r = source.residual;
  return {
    lower: r.ss / chiSquareQuantile(1 - alpha / 2, r.df),
    upper: r.ss / chiSquareQuantile(alpha / 2, r.df),
    df: r.df,
  };
}
