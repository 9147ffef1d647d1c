/**
 * Builds the results of one test: `ok` results from a statistic and a
 * p-value (failed when either is not finite, never NaN), and results
 * without values with their status and note. For the built-in tests and a
 * user's alike.
 *
 * @module
 */

import type { VarianceTest } from "./test_plugin.ts";

/** The values of an `ok` test. */
export interface TestValues {
  readonly statistic: number;
  /** In [0, 1]; values a rounding step outside are clamped. */
  readonly pValue: number;
}

/** Makes the results of one test, by parameter. */
export interface TestMaker {
  /** An `ok` result, or a `failed` one when a value is not finite. */
  ok(parameter: string, values: TestValues): VarianceTest;
  /** The test does not exist here (e.g. no standard error). */
  undefined(parameter: string, note: string): VarianceTest;
  /** The test does not apply to this term or design. */
  notApplicable(parameter: string, note: string): VarianceTest;
  /** The computation failed. */
  failed(parameter: string, note: string): VarianceTest;
}

/**
 * The result maker of test `test`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { testMaker } from "./test_maker.ts";
 * const make = testMaker("toy");
 * assert.deepStrictEqual(make.ok("g", { statistic: 3, pValue: 0.04 }), {
 *   parameter: "g", test: "toy", statistic: 3, pValue: 0.04, status: "ok",
 * });
 * assert.equal(make.ok("g", { statistic: NaN, pValue: 0.5 }).status, "failed");
 * assert.equal(make.notApplicable("g", "unbalanced").pValue, null);
 * ```
 */
export function testMaker(test: string): TestMaker {
  const without = (
    parameter: string,
    status: "undefined" | "not-applicable" | "failed",
    note: string,
  ): VarianceTest => ({ parameter, test, statistic: null, pValue: null, status, note });
  return {
    ok(parameter, { statistic, pValue }) {
      if (!Number.isFinite(statistic) || !Number.isFinite(pValue)) {
        return without(parameter, "failed", "non-finite statistic or p-value");
      }
      if (pValue < -1e-12 || pValue > 1 + 1e-12) {
        return without(parameter, "failed", `p-value ${pValue} outside [0, 1]`);
      }
      const p = Math.min(1, Math.max(0, pValue));
      return { parameter, test, statistic, pValue: p, status: "ok" };
    },
    undefined: (parameter, note) => without(parameter, "undefined", note),
    notApplicable: (parameter, note) => without(parameter, "not-applicable", note),
    failed: (parameter, note) => without(parameter, "failed", note),
  };
}
