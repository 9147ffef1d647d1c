/**
 * The built-in ANOVA method, registered like any user's estimation method.
 *
 * @module
 */

import { fitVarComp } from "../fit.ts";
import type { MethodPlugin } from "../method_plugin.ts";

/** ANOVA: the moment (Henderson III / mean-square) estimates, negative ones kept. */
export const anova: MethodPlugin = {
  name: "ANOVA",
  fit: (frame, context) =>
    fitVarComp(frame, { method: "anova", crossProducts: context.crossProducts }),
};
