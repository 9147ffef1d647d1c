/**
 * The built-in `t` interval kind, registered like any user's kind.
 *
 * @module
 */

import { tQuantile } from "../../special/mod.ts";
import type { IntervalPlugin } from "./interval_plugin.ts";
import { intervalMaker } from "./interval_maker.ts";

const make = intervalMaker("t");

/**
 * t intervals for fixed effects, with the between-group df (fewest levels
 * of a grouping factor, minus 1); not applicable to variances.
 */
export const t: IntervalPlugin = {
  name: "t",
  intervals(frame, fit, context) {
    const variances = [...frame.terms.map((term) => term.name), "Residual"];
    const out = variances.map((name) =>
      make.notApplicable(name, "t intervals are for fixed effects")
    );
    const df = Math.min(...frame.terms.map((term) => term.levels.length)) - 1;
    const alpha = 1 - context.level;
    for (const f of fit.fixed) {
      if (df < 1) {
        out.push(make.undefined(f.name, "a grouping factor has one level"));
        continue;
      }
      const q = tQuantile(1 - alpha / 2, df);
      out.push(make.ok(f.name, { lower: f.estimate - q * f.se, upper: f.estimate + q * f.se, df }));
    }
    return out;
  },
};
