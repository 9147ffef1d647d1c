/**
 * Runs one interval plug-in and vouches for what comes back: a kind that
 * throws, or returns something other than its intervals, gives one `failed`
 * interval per parameter and does not stop the others.
 *
 * @module
 */

import type { ModelFrame } from "../../model/frame.ts";
import type { VarCompFit } from "../../fit/fit.ts";
import type { ConfidenceInterval, IntervalContext, IntervalPlugin } from "./interval_plugin.ts";
import { intervalMaker } from "./interval_maker.ts";

const STATUSES: readonly unknown[] = ["ok", "undefined", "not-applicable", "failed"];

/** What is wrong with one returned interval, or null. */
function flaw(i: Partial<ConfidenceInterval> | null, name: string): string | null {
  if (typeof i !== "object" || i === null) {
    return `an entry that is ${i === null ? "null" : typeof i}`;
  }
  const of = typeof i.parameter === "string" ? ` for ${JSON.stringify(i.parameter)}` : "";
  if (of === "") return "an interval without a parameter name";
  if (i.method !== name) return `an interval${of} of method ${JSON.stringify(i.method)}`;
  if (!STATUSES.includes(i.status)) return `an interval${of} of status ${JSON.stringify(i.status)}`;
  if (i.status === "ok") {
    const finite = Number.isFinite(i.lower) && Number.isFinite(i.upper);
    return finite ? null : `an ok interval${of} with a non-finite limit`;
  }
  return i.lower === null && i.upper === null ? null : `a ${i.status} interval${of} with limits`;
}

function checked(result: unknown, name: string): ConfidenceInterval[] {
  if (!Array.isArray(result)) {
    throw new TypeError(`the ${name} plug-in returned ${typeof result}, expected an array`);
  }
  for (const i of result) {
    const what = flaw(i, name);
    if (what !== null) throw new TypeError(`the ${name} plug-in returned ${what}`);
  }
  return result;
}

/** One fit, its context and every parameter of it (for a broken kind's failed intervals). */
export interface _Run {
  readonly frame: ModelFrame;
  readonly fit: VarCompFit;
  readonly context: IntervalContext;
  readonly parameters: readonly string[];
}

/** The intervals of `plugin` for the fit of `run`, or its failure as intervals. */
export function _runPlugin(plugin: IntervalPlugin, run: _Run): ConfidenceInterval[] {
  try {
    return checked(plugin.intervals(run.frame, run.fit, run.context), plugin.name);
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    const note = text !== "" ? text : `the ${plugin.name} plug-in threw`;
    const make = intervalMaker(plugin.name);
    return run.parameters.map((parameter) => make.failed(parameter, note));
  }
}
