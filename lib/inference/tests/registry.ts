/**
 * The tests a caller can name: vcsim's own, by name, in the order they are
 * reported, and any plug-in object a caller gives. Adding a built-in test
 * is one file in this folder and one line in {@linkcode BUILT_IN_TESTS}.
 *
 * @module
 */

import type { TestPlugin } from "./test_plugin.ts";
import { lrtTest } from "./lrt.ts";
import { lrtChisqTest } from "./lrt_chisq.ts";
import { rlrtTest } from "./rlrt.ts";
import { rlrtChisqTest } from "./rlrt_chisq.ts";
import { rlrtExact } from "./rlrt_exact.ts";
import { fTest } from "./f.ts";
import { bootstrapLrtTest } from "./bootstrap_lrt.ts";
import { waldTest } from "./wald.ts";

/** The built-in tests by name, in the order they are reported. */
export const BUILT_IN_TESTS = Object.freeze(
  {
    lrt: lrtTest,
    "lrt-chisq": lrtChisqTest,
    rlrt: rlrtTest,
    "rlrt-chisq": rlrtChisqTest,
    "rlrt-exact": rlrtExact,
    f: fTest,
    "bootstrap-lrt": bootstrapLrtTest,
    wald: waldTest,
  } satisfies Record<string, TestPlugin>,
);

/**
 * A built-in test of H0: sigma_k^2 = 0: `lrt` and `lrt-chisq` (ML
 * likelihood ratio against the chi-square mixture or chi-square(1)),
 * `rlrt` and `rlrt-chisq` (the same on REML), `rlrt-exact` (REML ratio
 * against its simulated finite-sample null), `f` (ANOVA F),
 * `bootstrap-lrt` (ML ratio against its parametric bootstrap), `wald`
 * (one-sided z on the variance scale).
 */
export type TestName = keyof typeof BUILT_IN_TESTS;

/** Every built-in test's name, in the order they are reported. */
export const TEST_NAMES: readonly TestName[] = Object.freeze(
  Object.keys(BUILT_IN_TESTS) as TestName[],
);

const NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * The plug-in an entry of `tests` stands for: a built-in's name, or a
 * plug-in object, checked (a name of letters, digits, `-`, `_` and `.`
 * that is no built-in's unless it is that built-in; a `test` function;
 * `validate`, if any, a function). Throws a TypeError saying what is wrong.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { testPlugin } from "./registry.ts";
 * assert.equal(testPlugin("rlrt-exact").name, "rlrt-exact");
 * assert.throws(() => testPlugin("lrt_chisq"), /unknown test "lrt_chisq"/);
 * const toy = { name: "toy", test: () => [] };
 * assert.equal(testPlugin(toy), toy);
 * assert.throws(() => testPlugin({ name: "f", test: () => [] }), /built-in/);
 * ```
 */
export function testPlugin(entry: string | TestPlugin): TestPlugin {
  if (typeof entry === "string") {
    if (!Object.hasOwn(BUILT_IN_TESTS, entry)) {
      throw new TypeError(`unknown test "${entry}": expected one of ${TEST_NAMES.join(", ")}`);
    }
    return BUILT_IN_TESTS[entry as TestName];
  }
  const p = entry as Partial<TestPlugin> | null;
  if (typeof p !== "object" || p === null) {
    throw new TypeError(
      `a test must be a built-in name or a plug-in object with a name and a test function, got ${
        p === null ? "null" : typeof p
      }`,
    );
  }
  if (typeof p.name !== "string" || !NAME.test(p.name)) {
    throw new TypeError(
      `test plug-in name must be a non-empty word of letters, digits, "-", "_" or ".", got ${
        typeof p.name === "string" ? JSON.stringify(p.name) : String(p.name)
      }`,
    );
  }
  if (Object.hasOwn(BUILT_IN_TESTS, p.name) && BUILT_IN_TESTS[p.name as TestName] !== p) {
    throw new TypeError(`test plug-in name "${p.name}" is a built-in test's: choose another name`);
  }
  if (typeof p.test !== "function") {
    throw new TypeError(`test plug-in "${p.name}" needs a test function, got ${typeof p.test}`);
  }
  if (p.validate !== undefined && typeof p.validate !== "function") {
    throw new TypeError(
      `validate of test plug-in "${p.name}" must be a function, got ${typeof p.validate}`,
    );
  }
  return p as TestPlugin;
}
