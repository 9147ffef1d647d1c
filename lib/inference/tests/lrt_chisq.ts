/**
 * The built-in `lrt-chisq` test, registered like any user's test.
 *
 * @module
 */

import type { TestPlugin } from "./test_plugin.ts";
import { _lrTest } from "./_lr_test.ts";

/** `lrt-chisq`: the ML likelihood ratio against chi-square(1), as anova() on two lme4 fits. */
export const lrtChisqTest: TestPlugin = _lrTest({
  name: "lrt-chisq",
  likelihood: "ML",
  reference: "chisq",
});
