/**
 * The built-in `rlrt-chisq` test, registered like any user's test.
 *
 * @module
 */

import type { TestPlugin } from "./test_plugin.ts";
import { _lrTest } from "./_lr_test.ts";

/** `rlrt-chisq`: the REML likelihood ratio against chi-square(1). */
export const rlrtChisqTest: TestPlugin = _lrTest({
  name: "rlrt-chisq",
  likelihood: "REML",
  reference: "chisq",
});
