/**
 * The built-in `exact` interval kind, registered like any user's kind.
 *
 * @module
 */

import type { IntervalPlugin } from "./interval_plugin.ts";
import { intervalMaker } from "./interval_maker.ts";
import { sharedBalancedAnova } from "./shared_work.ts";
import { _NEEDS_BALANCED, _residualLimits } from "./_balanced_kinds.ts";

const make = intervalMaker("exact");

/**
 * The exact chi-square interval of the residual variance of a balanced
 * design (SSE / sigma^2 ~ chi2); not applicable to the components.
 */
export const exact: IntervalPlugin = {
  name: "exact",
  intervals(frame, _fit, context) {
    const balanced = sharedBalancedAnova(context);
    const K = frame.terms.length, alpha = 1 - context.level;
    const variances = [...frame.terms.map((term) => term.name), "Residual"];
    return variances.map((name, a) => {
      if (!balanced) return make.notApplicable(name, `exact ${_NEEDS_BALANCED}`);
      if (a === K) return make.ok(name, _residualLimits(balanced, alpha));
      return make.notApplicable(name, "the exact interval is for the residual variance");
    });
  },
};
