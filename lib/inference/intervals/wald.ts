/**
 * The built-in `wald` interval kind, registered like any user's kind.
 *
 * @module
 */

import { normalQuantile } from "../../special/mod.ts";
import type { IntervalPlugin } from "./interval_plugin.ts";
import { intervalMaker } from "./interval_maker.ts";
import { sharedVarianceCovariance } from "./shared_work.ts";

const make = intervalMaker("wald");

/**
 * Wald: estimate +- z SE, variances on the variance scale truncated at 0
 * (SEs from the information matrix), fixed effects with their GLS SEs.
 */
export const wald: IntervalPlugin = {
  name: "wald",
  intervals(frame, fit, context) {
    const variance = sharedVarianceCovariance(frame, fit, context);
    const alpha = 1 - context.level;
    const z = normalQuantile(1 - alpha / 2);
    const out = variance.parameters.map((name, a) => {
      const se = variance.se[a], s = variance.estimates[a];
      return se === null
        ? make.undefined(name, "the information matrix is singular")
        : make.ok(name, { lower: Math.max(0, s - z * se), upper: s + z * se });
    });
    for (const f of fit.fixed) {
      out.push(make.ok(f.name, { lower: f.estimate - z * f.se, upper: f.estimate + z * f.se }));
    }
    return out;
  },
};
