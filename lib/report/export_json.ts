/**
 * The JSON export of a study report: the store's manifest (study, design,
 * seed, versions, timings), its conditions, the measure rows and the
 * replicates missing from the store.
 *
 * @module
 */

import type { Manifest, ResultStore, StoredCondition } from "../store/store.ts";
import { type MissingReplicate, missingReplicates } from "../store/missing_replicates.ts";
import type { MeasureRow } from "./measure_row.ts";

/** What {@linkcode reportJson} writes. */
export interface ReportJson {
  /** The store's manifest; null when it has none. */
  readonly manifest: Manifest | null;
  /** The registered conditions with their design parameters, by position. */
  readonly conditions: readonly StoredCondition[];
  /** The performance measures. */
  readonly rows: readonly MeasureRow[];
  /**
   * The replicates the store lacks (each registered condition times each
   * replicate below the manifest's `reps`): how many, and the first few.
   */
  readonly missing: { readonly count: number; readonly examples: readonly MissingReplicate[] };
}

/** Missing replicates listed by name in {@linkcode ReportJson.missing}. */
export const MISSING_EXAMPLES = 10;

/** Options of {@linkcode reportJson}. */
export interface ReportJsonOptions {
  /** The store's missing replicates, when already computed (else they are computed here). */
  missing?: readonly MissingReplicate[];
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
 * assert.deepEqual(JSON.parse(reportJson(store, [])), {
 *   manifest: null,
 *   conditions: [],
 *   rows: [],
 *   missing: { count: 0, examples: [] },
 * });
 * store.close();
 * ```
 */
export function reportJson(
  store: ResultStore,
  rows: readonly MeasureRow[],
  options: ReportJsonOptions = {},
): string {
  const missing = options.missing ?? missingReplicates(store);
  const report: ReportJson = {
    manifest: store.readManifest(),
    conditions: store.conditions(),
    rows,
    missing: { count: missing.length, examples: missing.slice(0, MISSING_EXAMPLES) },
  };
  return JSON.stringify(report, null, 2) + "\n";
}
