/**
 * The built-in `wald-log` interval kind, registered like any user's kind.
 *
 * @module
 */

import { normalQuantile } from "../../special/mod.ts";
import type { IntervalPlugin } from "./interval_plugin.ts";
import { intervalMaker } from "./interval_maker.ts";
import { sharedVarianceCovariance } from "./shared_work.ts";

const make = intervalMaker("wald-log");

/**
 * Wald on the log scale, for variances: s exp(+- z SE / s) (delta method);
 * undefined at a zero estimate.
 */
export const waldLog: IntervalPlugin = {
  name: "wald-log",
  intervals(frame, fit, context) {
    const variance = sharedVarianceCovariance(frame, fit, context);
    const alpha = 1 - context.level;
    const z = normalQuantile(1 - alpha / 2);
    return variance.parameters.map((name, a) => {
      const se = variance.se[a], s = variance.estimates[a];
      if (!(s > 0)) {
        const why = s < 0 ? `the estimate is negative (${s.toPrecision(4)})` : "the estimate is 0";
        return make.undefined(name, why);
      }
      if (se === null) return make.undefined(name, "the information matrix is singular");
      return make.ok(name, { lower: s * Math.exp(-z * se / s), upper: s * Math.exp(z * se / s) });
    });
  },
};
