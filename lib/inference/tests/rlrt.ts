/**
 * The built-in `rlrt` test, registered like any user's test.
 *
 * @module
 */

import type { TestPlugin } from "./test_plugin.ts";
import { _lrTest } from "./_lr_test.ts";

/** `rlrt`: the REML (restricted) likelihood ratio against the 50:50 mixture of chi-square(0) and chi-square(1). */
export const rlrtTest: TestPlugin = _lrTest({
  name: "rlrt",
  likelihood: "REML",
  reference: "mixture",
});
