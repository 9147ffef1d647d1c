/**
 * Tests that a variance component is 0 are plug-ins: an object with a
 * `name` and a `test` function, run for every fit of a replicate. vcsim's
 * own tests (lrt, rlrt, rlrt-exact, f, bootstrap-lrt, wald, ...) are entries
 * of the same registry (lib/inference/tests/) as a researcher's test is,
 * and {@linkcode varianceTests} runs both the same way.
 *
 * @module
 */

import type { ModelFrame } from "../../model/frame.ts";
import type { CrossProducts } from "../../model/cross_products.ts";
import type { VarCompFit } from "../../fit/fit.ts";
import type { RandomStream } from "../../rng/stream.ts";
import type { TestStatus } from "../../store/records.ts";
import type { InformationKind } from "../information.ts";

/** One test of H0: the variance of `parameter` is 0, against > 0. */
export interface VarianceTest {
  /** The random term tested (a variance name of the fit). */
  readonly parameter: string;
  /** The name of the test (plug-in) that made it, e.g. `lrt`. */
  readonly test: string;
  /** The statistic; null unless status is `ok`. */
  readonly statistic: number | null;
  /** The p-value in [0, 1]; null unless status is `ok`. */
  readonly pValue: number | null;
  readonly status: TestStatus;
  /** Why a test is undefined, not applicable or failed. */
  readonly note?: string;
}

/**
 * What a test's `test` is given besides the frame and the fit. One context
 * serves every fit of one dataset (a study's replicate), so work that
 * depends on the data alone (refits, reduced models) is done once however
 * many methods are compared.
 */
export interface TestContext {
  /** Significance level: a test rejects when its p-value is at most alpha. */
  readonly alpha: number;
  /** The frame's cross-products. */
  readonly crossProducts: CrossProducts;
  /** Information matrix behind standard errors (`wald`). */
  readonly information: InformationKind;
  /**
   * The study seed, for simulations that belong to the design rather than
   * to the replicate (the null distribution of `rlrt-exact`).
   */
  readonly seed: number | string;
  /** Refits of resampling tests (`bootstrap-lrt`). */
  readonly bootstrapReplicates: number;
  /**
   * An independent stream for the resampling of test `key` on this dataset;
   * throws a TypeError when the caller gave no stream source.
   */
  stream(key: string): RandomStream;
  /**
   * Work shared by the tests of every fit of this dataset, computed on first
   * use and then returned as is (a computation that threw throws the same
   * error again). Work that depends on the fit must put the fit's method in
   * its key. Built-in keys start with `test:`.
   */
  shared<T>(key: string, compute: () => T): T;
}

/**
 * A test of variance components.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fitVarComp } from "../../fit/fit.ts";
 * import { testContext, varianceTests } from "./variance_tests.ts";
 * import { testMaker } from "./test_maker.ts";
 * import type { TestPlugin } from "./test_plugin.ts";
 * const make = testMaker("half");
 * // A toy test: p-value 0.5 for every component.
 * const half: TestPlugin = {
 *   name: "half",
 *   test: (frame) => frame.terms.map((t) => make.ok(t.name, { statistic: 0, pValue: 0.5 })),
 * };
 * const frame = {
 *   response: "y",
 *   y: new Float64Array([1, 2, 5, 6, 2, 4]),
 *   X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"],
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 *   droppedRows: 0,
 * };
 * const context = testContext(frame);
 * const [f, mine] = varianceTests(frame, fitVarComp(frame), { tests: ["f", half], context });
 * assert.equal(f.test, "f");
 * assert.equal(mine.pValue, 0.5);
 * ```
 */
export interface TestPlugin {
  /**
   * Its name in results, the store and reports: a word of letters, digits,
   * `-`, `_` and `.`, e.g. `lrt` or `score-test`.
   */
  readonly name: string;
  /**
   * One test per random term of the frame (in frame order), each with its
   * status and, unless `ok`, a note saying why. Every result's `test` is
   * `name`; an `ok` result has a finite statistic and a p-value in [0, 1].
   * What it throws (or a result breaking these rules) turns into one
   * `failed` test per term, with the error as note, and the other tests
   * still run.
   */
  test(frame: ModelFrame, fit: VarCompFit, context: TestContext): VarianceTest[];
  /**
   * Refuses unusable options before anything is computed. Unlike `test`,
   * what it throws propagates out of {@linkcode varianceTests}.
   */
  validate?(context: TestContext): void;
}
