/**
 * Why replicates failed: the distinct failure messages of a store with
 * their counts and one replay key each, so a user sees the cause, not
 * only a count.
 *
 * @module
 */

import type { ResultStore } from "../store/store.ts";

/** One distinct failure message; see {@linkcode failureSummary}. */
export interface FailureGroup {
  /** `replicate` (the data or the worker failed) or the fit's method. */
  readonly where: string;
  /** The message without its replay key. */
  readonly message: string;
  /** How many replicates (or fits) failed with it. */
  readonly count: number;
  /** The replay key (`<condition>:<rep>`) of the first of them. */
  readonly replay: string;
}

const REPLAY_SUFFIX = / \(replay key '[^']*'\)$/;

const FAILURES = `
SELECT 'replicate' AS where_, message, condition, rep FROM replicates WHERE status = 'error'
UNION ALL
SELECT method, message, condition, rep FROM fits WHERE status = 'error'
`;

/**
 * The distinct failure messages of `store`, most frequent first, at most
 * `limit` of them (default 10).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openStore } from "../store/store.ts";
 * import { failureSummary } from "./failure_summary.ts";
 * const store = openStore(":memory:");
 * store.writeReplicates([0, 1].map((rep) => ({ condition: "n=4", rep, status: "error" as const,
 *   message: `boom (replay key 'n=4:${rep}')`, generateMs: 0, totalMs: 0, fits: [] })));
 * assert.deepEqual(failureSummary(store), [
 *   { where: "replicate", message: "boom", count: 2, replay: "n=4:0" },
 * ]);
 * store.close();
 * ```
 */
export function failureSummary(
  store: ResultStore,
  options: { limit?: number } = {},
): FailureGroup[] {
  const groups = new Map<
    string,
    { where: string; message: string; count: number; replay: string }
  >();
  for (const row of store.db.prepare(FAILURES).iterate()) {
    const where = String(row.where_);
    const message = String(row.message ?? "(no message)").replace(REPLAY_SUFFIX, "");
    const key = `${where}\u0000${message}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { where, message, count: 1, replay: `${row.condition}:${row.rep}` });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.replay.localeCompare(b.replay))
    .slice(0, options.limit ?? 10);
}
