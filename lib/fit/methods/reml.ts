/**
 * The built-in REML method, registered like any user's estimation method.
 *
 * @module
 */

import { fitVarComp } from "../fit.ts";
import type { MethodPlugin } from "../method_plugin.ts";

/** REML: lme4's profiled REML criterion minimized over the relative SDs. */
export const reml: MethodPlugin = {
  name: "REML",
  fit: (frame, context) =>
    fitVarComp(frame, { method: "reml", crossProducts: context.crossProducts }),
};
