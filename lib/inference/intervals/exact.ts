/**
 * The built-in `exact` interval kind, registered like any user's kind.
 *
 * @module
 */

import type { IntervalPlugin } from "./interval_plugin.ts";
import { intervalMaker } from "./interval_maker.ts";
import { sharedBalancedAnova } from "./shared_work.ts";
import { _residualLimits } from "./_balanced_kinds.ts";
import { withinCellResidual } from "../within_cell_residual.ts";

const make = intervalMaker("exact");

/**
 * The exact chi-square interval of the residual variance, in any design:
 * the RSS of the within-cell fit (y on X and every grouping term as fixed
 * effects) over sigma^2 is chi2 with n - rank df, so [RSS / chi2_{1-a/2},
 * RSS / chi2_{a/2}]. Balanced designs take the RSS and df from their ANOVA
 * table, others from {@linkcode withinCellResidual}; not applicable where
 * no residual df are left or the within-cell system is too large, and to
 * the components.
 */
export const exact: IntervalPlugin = {
  name: "exact",
  intervals(frame, _fit, context) {
    const balanced = sharedBalancedAnova(context);
    const residual = balanced ?? { residual: withinCellResidual(context.crossProducts) };
    const K = frame.terms.length, alpha = 1 - context.level;
    const variances = [...frame.terms.map((term) => term.name), "Residual"];
    return variances.map((name, a) => {
      if (a < K) return make.notApplicable(name, "the exact interval is for the residual variance");
      const r = residual.residual;
      if ("reason" in r) return make.notApplicable(name, `exact: ${r.reason}`);
      return make.ok(name, _residualLimits({ residual: r }, alpha));
    });
  },
};
