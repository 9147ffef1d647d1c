/**
 * The built-in `lrt` test, registered like any user's test.
 *
 * @module
 */

import type { TestPlugin } from "./test_plugin.ts";
import { _lrTest } from "./_lr_test.ts";

/** `lrt`: the ML likelihood ratio against the 50:50 mixture of chi-square(0) and chi-square(1). */
export const lrtTest: TestPlugin = _lrTest({
  name: "lrt",
  likelihood: "ML",
  reference: "mixture",
});
