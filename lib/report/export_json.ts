/**
 * The JSON export of a study report: the store's manifest (study, design,
 * seed, versions, timings), its conditions and the measure rows.
 *
 * @module
 */

import type { Manifest, ResultStore, StoredCondition } from "../store/store.ts";
import type { MeasureRow } from "./measure_row.ts";

/** What {@linkcode reportJson} writes. */
export interface ReportJson {
  /** The store's manifest; null when it has none. */
  readonly manifest: Manifest | null;
  /** The registered conditions with their design parameters, by position. */
  readonly conditions: readonly StoredCondition[];
  /** The performance measures. */
  readonly rows: readonly MeasureRow[];
}

/**
 * The report as pretty-printed JSON text ({@linkcode ReportJson}), ending
 * in a newline. Null values (undefined measures) stay null.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openStore } from "../store/store.ts";
 * import { reportJson } from "./export_json.ts";
 * const store = openStore(":memory:");
 * assert.deepEqual(JSON.parse(reportJson(store, [])), { manifest: null, conditions: [], rows: [] });
 * store.close();
 * ```
 */
export function reportJson(store: ResultStore, rows: readonly MeasureRow[]): string {
  const report: ReportJson = {
    manifest: store.readManifest(),
    conditions: store.conditions(),
    rows,
  };
  return JSON.stringify(report, null, 2) + "\n";
}
