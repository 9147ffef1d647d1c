/**
 * Failure records: a replicate that could not run to the end is stored as
 * an error with its message and the key that replays it, never dropped.
 *
 * @module
 */

import type { ReplicateRecord } from "../store/records.ts";

/** The key that reruns one replicate alone, e.g. `n_group1=4:3`. */
export function replayKey(condition: string, rep: number): string {
  return `${condition}:${rep}`;
}

/** The stored record of replicate `rep` of `condition` that failed with `reason`. */
export function failedReplicate(
  task: { readonly condition: string; readonly rep: number },
  reason: string,
  timings: { generateMs?: number; totalMs?: number } = {},
): ReplicateRecord {
  return {
    condition: task.condition,
    rep: task.rep,
    status: "error",
    message: `${reason} (replay key '${replayKey(task.condition, task.rep)}')`,
    generateMs: timings.generateMs ?? 0,
    totalMs: timings.totalMs ?? 0,
    fits: [],
  };
}

export { errorText } from "../_error_text.ts";
