/**
 * The built-in `satterthwaite` interval kind, registered like any user's kind.
 *
 * @module
 */

import { chiSquareQuantile, tQuantile } from "../../special/mod.ts";
import type { IntervalPlugin } from "./interval_plugin.ts";
import { intervalMaker } from "./interval_maker.ts";
import { sharedSatterthwaiteDf, sharedVarianceCovariance } from "./shared_work.ts";

const make = intervalMaker("satterthwaite");

/**
 * Satterthwaite: variances as scaled chi-squares with nu = 2 s^2 / SE^2 df
 * (undefined at a zero or negative estimate, which the note names);
 * fixed effects as t with Satterthwaite df (lmerTest).
 */
export const satterthwaite: IntervalPlugin = {
  name: "satterthwaite",
  intervals(frame, fit, context) {
    const variance = sharedVarianceCovariance(frame, fit, context);
    const alpha = 1 - context.level;
    const out = variance.parameters.map((name, a) => {
      const se = variance.se[a], s = variance.estimates[a];
      if (!(s > 0)) {
        const what = s < 0 ? `negative (${s.toPrecision(4)})` : "0";
        return make.undefined(name, `the estimate is ${what}`);
      }
      if (se === null) return make.undefined(name, "the information matrix is singular");
      const nu = (2 * s * s) / (se * se);
      return make.ok(name, {
        lower: (nu * s) / chiSquareQuantile(1 - alpha / 2, nu),
        upper: (nu * s) / chiSquareQuantile(alpha / 2, nu),
        df: nu,
      });
    });
    const dfs = sharedSatterthwaiteDf(frame, fit, context);
    fit.fixed.forEach((f, j) => {
      const df = dfs[j];
      if (df === null) {
        out.push(make.undefined(f.name, "Satterthwaite df not available"));
        return;
      }
      const t = tQuantile(1 - alpha / 2, df);
      out.push(make.ok(f.name, { lower: f.estimate - t * f.se, upper: f.estimate + t * f.se, df }));
    });
    return out;
  },
};
