/**
 * The built-in `bootstrap` interval kind, registered like any user's kind.
 *
 * @module
 */

import type { IntervalPlugin } from "./interval_plugin.ts";
import { intervalMaker } from "./interval_maker.ts";
import { sharedBootstrap } from "./shared_work.ts";

const make = intervalMaker("bootstrap");

/**
 * Parametric bootstrap percentile intervals of every variance and fixed
 * effect, from `context.bootstrap` (which it needs: refused up front without
 * a stream or with a replicate count that is not a positive integer).
 */
export const bootstrap: IntervalPlugin = {
  name: "bootstrap",
  validate(context) {
    if (!context.bootstrap) {
      throw new TypeError("bootstrap intervals need options.bootstrap.stream");
    }
    const B = context.bootstrap.replicates;
    if (!Number.isInteger(B) || B < 1) {
      throw new RangeError(`bootstrap replicates must be a positive integer, got ${B}`);
    }
  },
  intervals(frame, fit, context) {
    const r = sharedBootstrap(frame, fit, context);
    const names = [...frame.terms.map((term) => term.name), "Residual"];
    return [...names, ...fit.fixed.map((f) => f.name)].map((name) => {
      const lim = r.limits[name];
      return lim ? make.ok(name, lim) : make.failed(name, "every bootstrap refit failed");
    });
  },
};
