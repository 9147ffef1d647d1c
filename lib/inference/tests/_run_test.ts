/**
 * Runs one test plug-in and vouches for what comes back: a test that
 * throws, or returns something other than one result per term, gives one
 * `failed` result per term and does not stop the others.
 *
 * @module
 */

import type { ModelFrame } from "../../model/frame.ts";
import type { VarCompFit } from "../../fit/fit.ts";
import type { TestContext, TestPlugin, VarianceTest } from "./test_plugin.ts";
import { testMaker } from "./test_maker.ts";

const STATUSES: readonly unknown[] = ["ok", "undefined", "not-applicable", "failed"];

/** What is wrong with one returned result, or null. */
function flaw(r: Partial<VarianceTest> | null, name: string, terms: readonly string[]) {
  if (typeof r !== "object" || r === null) {
    return `an entry that is ${r === null ? "null" : typeof r}`;
  }
  if (typeof r.parameter !== "string" || !terms.includes(r.parameter)) {
    return `a result for ${JSON.stringify(r.parameter)}, which is not a random term`;
  }
  const of = ` for ${JSON.stringify(r.parameter)}`;
  if (r.test !== name) return `a result${of} of test ${JSON.stringify(r.test)}`;
  if (!STATUSES.includes(r.status)) return `a result${of} of status ${JSON.stringify(r.status)}`;
  if (r.status === "ok") {
    const p = r.pValue as number;
    if (!Number.isFinite(r.statistic) || !(p >= 0 && p <= 1)) {
      return `an ok result${of} with a non-finite statistic or a p-value outside [0, 1]`;
    }
    return null;
  }
  return r.statistic === null && r.pValue === null ? null : `a ${r.status} result${of} with values`;
}

function checked(result: unknown, name: string, terms: readonly string[]): VarianceTest[] {
  if (!Array.isArray(result)) {
    throw new TypeError(`the ${name} test returned ${typeof result}, expected an array`);
  }
  const seen = new Set<string>();
  for (const r of result) {
    const what = flaw(r, name, terms);
    if (what !== null) throw new TypeError(`the ${name} test returned ${what}`);
    if (seen.has(r.parameter)) {
      throw new TypeError(`the ${name} test returned two results for ${r.parameter}`);
    }
    seen.add(r.parameter);
  }
  const missing = terms.filter((t) => !seen.has(t));
  if (missing.length > 0) {
    throw new TypeError(`the ${name} test returned no result for ${missing.join(", ")}`);
  }
  // In term order, whatever order the plug-in used.
  return terms.map((t) => result.find((r: VarianceTest) => r.parameter === t));
}

/** One fit, its context and its random terms. */
export interface _TestRun {
  readonly frame: ModelFrame;
  readonly fit: VarCompFit;
  readonly context: TestContext;
  readonly parameters: readonly string[];
}

/** The results of `plugin` for the fit of `run`, or its failure as results. */
export function _runTest(plugin: TestPlugin, run: _TestRun): VarianceTest[] {
  try {
    return checked(plugin.test(run.frame, run.fit, run.context), plugin.name, run.parameters);
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    const note = text !== "" ? text : `the ${plugin.name} test threw`;
    const make = testMaker(plugin.name);
    return run.parameters.map((parameter) => make.failed(parameter, note));
  }
}
