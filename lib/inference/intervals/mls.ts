/**
 * The built-in `mls` interval kind, registered like any user's kind, and the
 * modified large-sample limits it is made of.
 *
 * @module
 */

import { fQuantile } from "../../special/mod.ts";
import type { ComponentContrast } from "../balanced_anova.ts";
import type { IntervalPlugin } from "./interval_plugin.ts";
import { intervalMaker } from "./interval_maker.ts";
import { sharedBalancedAnova } from "./shared_work.ts";
import { _NEEDS_BALANCED, _residualLimits } from "./_balanced_kinds.ts";

const make = intervalMaker("mls");

/**
 * Modified large-sample intervals of the components of a balanced design
 * ({@linkcode mlsLimits}), with the exact chi-square interval of the
 * residual variance; not applicable elsewhere, nor to fixed effects.
 */
export const mls: IntervalPlugin = {
  name: "mls",
  intervals(frame, _fit, context) {
    const balanced = sharedBalancedAnova(context);
    const cp = context.crossProducts;
    const K = frame.terms.length, alpha = 1 - context.level;
    const variances = [...frame.terms.map((term) => term.name), "Residual"];
    return variances.map((name, a) => {
      if (!balanced) return make.notApplicable(name, `mls ${_NEEDS_BALANCED}`);
      if (a === K) return make.ok(name, _residualLimits(balanced, alpha));
      const term = cp.order.indexOf(a);
      const contrast = balanced.components.find((c) => c.term === term)!;
      return make.ok(name, mlsLimits(contrast, alpha));
    });
  },
};

/**
 * Modified large-sample interval for (S1 - S2)/c (Ting, Burdick, Graybill,
 * Jeyaratnam & Lu 1990; Burdick & Graybill 1992, section 3.2; ALGORITHMS.md
 * section 4).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { mlsLimits } from "./mls.ts";
 * const lim = mlsLimits({
 *   term: 0,
 *   s1: { ms: 10, df: 5 },
 *   s2: { ms: 2, df: 24 },
 *   c: 5,
 * }, 0.05);
 * assert.ok(lim.lower >= 0 && lim.lower < 8 / 5 && 8 / 5 < lim.upper);
 * ```
 */
export function mlsLimits(
  contrast: ComponentContrast,
  alpha: number,
): { lower: number; upper: number } {
  const { s1, s2, c } = contrast;
  const n1 = s1.df, n2 = s2.df, S1 = s1.ms, S2 = s2.ms;
  const G1 = 1 - 1 / fQuantile(1 - alpha / 2, n1, Infinity);
  const G2 = 1 - 1 / fQuantile(1 - alpha / 2, n2, Infinity);
  const H1 = 1 / fQuantile(alpha / 2, n1, Infinity) - 1;
  const H2 = 1 / fQuantile(alpha / 2, n2, Infinity) - 1;
  const FU = fQuantile(1 - alpha / 2, n1, n2), FL = fQuantile(alpha / 2, n1, n2);
  const G12 = ((FU - 1) ** 2 - G1 * G1 * FU * FU - H2 * H2) / FU;
  const H12 = ((1 - FL) ** 2 - H1 * H1 * FL * FL - G2 * G2) / FL;
  const VL = G1 * G1 * S1 * S1 + H2 * H2 * S2 * S2 + G12 * S1 * S2;
  const VU = H1 * H1 * S1 * S1 + G2 * G2 * S2 * S2 + H12 * S1 * S2;
  return {
    lower: Math.max(0, (S1 - S2 - Math.sqrt(Math.max(VL, 0))) / c),
    upper: Math.max(0, (S1 - S2 + Math.sqrt(Math.max(VU, 0))) / c),
  };
}
