/**
 * One pass over the rows of a query, each handed to a JavaScript step that
 * tallies it into its group, instead of SQL's GROUP BY. SQLite groups by
 * sorting: every row of an interval pass (44 per replicate of the nested
 * study) went into a sorter with a dozen columns and then through a dozen
 * aggregate expressions. The rows reach the step through a per-row SQL
 * function, `vcsim_row(...)`, so they are never made into JavaScript
 * objects: the pass costs the join and one call a row. The measures'
 * interval pass of the nested study took 0.42-0.47 s that way at 5,000
 * replicates and 9.7-11 s at 100,000, and takes 0.23-0.25 s and 3.7-4.7 s
 * as a scan. The groups are the small keyed temporary tables of
 * _interval_groups.ts, whose integer ids index the tallies.
 *
 * @module
 */

import type { DatabaseSync, SQLInputValue, SQLOutputValue } from "node:sqlite";

/** A row's values, in the order of the `values` of {@linkcode _scanRows}. */
// deno-lint-ignore no-explicit-any
export type RowStep = (...values: any[]) => void;

/** The step of the scan running on each connection (one at a time per connection). */
const steps = new WeakMap<DatabaseSync, { step: RowStep | null }>();

/** The connection's slot for the running step, with `vcsim_row` registered once. */
function slot(db: DatabaseSync): { step: RowStep | null } {
  let s = steps.get(db);
  if (s === undefined) {
    const own: { step: RowStep | null } = { step: null };
    db.function(
      "vcsim_row",
      { deterministic: false, directOnly: true, varargs: true },
      (...values: SQLOutputValue[]) => {
        own.step!(...values);
        return null;
      },
    );
    steps.set(db, s = own);
  }
  return s;
}

/**
 * Runs `SELECT COUNT(vcsim_row(<values>)) <from>` with `params` and hands
 * each row's values to `step`, in the order SQLite visits the rows. The
 * step must not throw, and must not run statements on this connection.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { DatabaseSync } from "node:sqlite";
 * import { _scanRows } from "./_row_scan.ts";
 * const db = new DatabaseSync(":memory:");
 * db.exec("CREATE TABLE t (g INTEGER, x REAL); INSERT INTO t VALUES (0, 1.5), (1, 2), (0, 3)");
 * const sums = [0, 0];
 * _scanRows(db, { values: "g, x", from: "FROM t WHERE x > ?" }, [1], (g: number, x: number) => {
 *   sums[g] += x;
 * });
 * assert.deepEqual(sums, [4.5, 2]);
 * ```
 */
export function _scanRows(
  db: DatabaseSync,
  query: { values: string; from: string },
  params: readonly SQLInputValue[],
  step: RowStep,
): void {
  const s = slot(db);
  if (s.step !== null) throw new Error("a row scan is already running on this connection");
  s.step = step;
  try {
    db.prepare(`SELECT COUNT(vcsim_row(${query.values})) ${query.from}`).get(...params);
  } finally {
    s.step = null;
  }
}
