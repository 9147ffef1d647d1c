/**
 * Tests that each variance component of a fit is 0 (ALGORITHMS.md,
 * "Tests of a variance component"). Each test is a plug-in
 * (lib/inference/tests/): the built-ins by name, a user's test as an
 * object, run the same way.
 *
 * @module
 */

import type { ModelFrame } from "../../model/frame.ts";
import { type CrossProducts, crossProducts } from "../../model/cross_products.ts";
import type { VarCompFit } from "../../fit/fit.ts";
import type { RandomStream } from "../../rng/stream.ts";
import type { InformationKind } from "../information.ts";
import type { TestContext, TestPlugin, VarianceTest } from "./test_plugin.ts";
import { type TestName, testPlugin } from "./registry.ts";
import { _runTest } from "./_run_test.ts";
import { _sharedMemo } from "../_shared_memo.ts";

/** Options of {@linkcode testContext}. */
export interface TestContextOptions {
  /** Significance level, in (0, 1). @default 0.05 */
  alpha?: number;
  /** Information matrix behind standard errors. @default "expected" */
  information?: InformationKind;
  /** The study seed (see TestContext.seed). @default 0 */
  seed?: number | string;
  /** Refits of `bootstrap-lrt`. @default 999 */
  bootstrapReplicates?: number;
  /** An independent stream per key, for resampling tests; without it they throw. */
  stream?: (key: string) => RandomStream;
  /** Cross-products of the frame when the caller already has them. */
  crossProducts?: CrossProducts;
}

/**
 * A context for the tests of every fit of `frame`'s data. Throws a
 * RangeError for an alpha outside (0, 1) or a bootstrap count that is not a
 * positive integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { testContext } from "./variance_tests.ts";
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 5, 6]), X: new Float64Array(4).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1]), levels: ["a", "b"] }],
 * };
 * const context = testContext(frame, { alpha: 0.01 });
 * assert.equal(context.alpha, 0.01);
 * let calls = 0;
 * context.shared("k", () => ++calls);
 * assert.equal(context.shared("k", () => ++calls), 1);
 * assert.throws(() => context.stream("bootstrap-lrt"), /needs a stream/);
 * assert.throws(() => testContext(frame, { alpha: 5 }), /alpha must be in \(0, 1\), got 5/);
 * ```
 */
export function testContext(frame: ModelFrame, options: TestContextOptions = {}): TestContext {
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const B = options.bootstrapReplicates ?? 999;
  if (!Number.isInteger(B) || B < 1) {
    throw new RangeError(`bootstrap replicates must be a positive integer, got ${B}`);
  }
  const source = options.stream;
  return Object.freeze({
    alpha,
    crossProducts: options.crossProducts ?? crossProducts(frame),
    information: options.information ?? "expected",
    seed: options.seed ?? 0,
    bootstrapReplicates: B,
    stream(key: string): RandomStream {
      if (!source) throw new TypeError(`the ${key} test needs a stream: give options.stream`);
      return source(key);
    },
    shared: _sharedMemo(),
  });
}

/** Options of {@linkcode varianceTests}. */
export interface VarianceTestOptions {
  /** Tests to run, in this order: built-in names and plug-in objects. @default ["lrt"] */
  tests?: readonly (TestName | TestPlugin)[];
  /** The context of the dataset's fits. @default testContext(frame) */
  context?: TestContext;
}

/**
 * The plug-ins of `tests` (built-in names and plug-in objects), checked and
 * in order; two different tests may not share a name (a TypeError), while
 * the same plug-in twice is allowed.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { resolveTests } from "./variance_tests.ts";
 * const toy = { name: "toy", test: () => [] };
 * const plugins = resolveTests(["lrt", toy, "f"]);
 * assert.deepEqual(plugins.map((p) => p.name), ["lrt", "toy", "f"]);
 * assert.equal(plugins[1], toy);
 * assert.throws(
 *   () => resolveTests([toy, { name: "toy", test: () => [] }]),
 *   { name: "TypeError", message: 'two different test plug-ins are named "toy"' },
 * );
 * assert.throws(() => resolveTests(["lrt-chi"]), /unknown test "lrt-chi"/);
 * ```
 */
export function resolveTests(tests: readonly (string | TestPlugin)[]): TestPlugin[] {
  const byName = new Map<string, TestPlugin>();
  return tests.map((entry) => {
    const plugin = testPlugin(entry);
    const seen = byName.get(plugin.name);
    if (seen !== undefined && seen !== plugin) {
      throw new TypeError(`two different test plug-ins are named "${plugin.name}"`);
    }
    byName.set(plugin.name, plugin);
    return plugin;
  });
}

/**
 * Tests of H0: sigma_k^2 = 0 for every random term k of `fit`, by every
 * test asked for, in order (tests, then terms in frame order). A test that
 * does not apply (e.g. the F test of a crossed design) comes back with that
 * status and a note; a test that throws comes back as one `failed` result
 * per term, the others unaffected.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fitVarComp } from "../../fit/fit.ts";
 * import { varianceTests } from "./variance_tests.ts";
 * const frame = {
 *   response: "y",
 *   y: new Float64Array([1, 2, 5, 6, 2, 4, 3, 3]),
 *   X: new Float64Array(8).fill(1),
 *   fixedNames: ["(Intercept)"],
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2, 3, 3]), levels: ["a", "b", "c", "d"] }],
 *   droppedRows: 0,
 * };
 * const [lrt, f] = varianceTests(frame, fitVarComp(frame), { tests: ["lrt", "f"] });
 * assert.equal(lrt.status, "ok");
 * // The F test: MSA / MSE = (16.5 / 3) / (3 / 4), with 3 and 4 df.
 * assert.ok(Math.abs(f.statistic! - 16.5 / 3 / 0.75) < 1e-12);
 * ```
 */
export function varianceTests(
  frame: ModelFrame,
  fit: VarCompFit,
  options: VarianceTestOptions = {},
): VarianceTest[] {
  const plugins = resolveTests(options.tests ?? ["lrt"]);
  const context = options.context ?? testContext(frame);
  for (const plugin of plugins) plugin.validate?.(context);
  const parameters = frame.terms.map((t) => t.name);
  return plugins.flatMap((plugin) => _runTest(plugin, { frame, fit, context, parameters }));
}
