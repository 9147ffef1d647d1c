/**
 * The built-in `profile` interval kind, registered like any user's kind.
 *
 * @module
 */

import type { IntervalPlugin } from "./interval_plugin.ts";
import { _profileIntervals } from "./_profile_intervals.ts";

/**
 * Profile of the fitted criterion: the REML profile for a REML fit (variances
 * only; fixed effects are not applicable), the ML profile for an ML fit
 * (variances and fixed effects, as `profile-ml`); not applicable to an ANOVA
 * fit.
 */
export const profile: IntervalPlugin = {
  name: "profile",
  intervals: (frame, fit, context) =>
    _profileIntervals(frame, fit, context, { method: "profile", ml: fit.method === "ML" }),
};
