/**
 * The built-in ML method, registered like any user's estimation method.
 *
 * @module
 */

import { fitVarComp } from "../fit.ts";
import type { MethodPlugin } from "../method_plugin.ts";

/** ML: lme4's profiled deviance minimized over the relative SDs. */
export const ml: MethodPlugin = {
  name: "ML",
  fit: (frame, context) =>
    fitVarComp(frame, { method: "ml", crossProducts: context.crossProducts }),
};
