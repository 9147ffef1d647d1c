/**
 * The built-in `profile-ml` interval kind, registered like any user's kind.
 *
 * @module
 */

import type { IntervalPlugin } from "./interval_plugin.ts";
import { _profileIntervals } from "./_profile_intervals.ts";

/**
 * The ML profile (lme4's `confint`) of the variances and the fixed effects,
 * at the ML optimum: the fit itself when it is ML, else an ML refit.
 */
export const profileMl: IntervalPlugin = {
  name: "profile-ml",
  intervals: (frame, fit, context) =>
    _profileIntervals(frame, fit, context, { method: "profile-ml", ml: true }),
};
