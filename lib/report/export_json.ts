/**
 * The JSON export of a study report: the store's manifest (study, design,
 * seed, versions, timings), its conditions, the measure rows, the paired
 * comparisons of its methods and the replicates missing from the store.
 *
 * @module
 */

import type { Manifest, ResultStore, StoredCondition } from "../store/store.ts";
import { type MissingReplicate, missingReplicates } from "../store/missing_replicates.ts";
import type { MeasureRow, NonconvergedRule } from "./measure_row.ts";
import { type ComparisonRow, pairedComparisons } from "./paired_comparisons.ts";

/** What {@linkcode reportJson} writes. */
export interface ReportJson {
  /** The store's manifest; null when it has none. */
  readonly manifest: Manifest | null;
  /** The registered conditions with their design parameters, by position. */
  readonly conditions: readonly StoredCondition[];
  /** The performance measures. */
  readonly rows: readonly MeasureRow[];
  /**
   * The paired comparisons of the methods with the reference method (see
   * `pairedComparisons`); empty for a study with one method.
   */
  readonly comparisons: readonly ComparisonRow[];
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
  /**
   * The paired comparisons, when already computed (else they are computed
   * here, with the first method as reference and the `nonconverged` rule).
   */
  comparisons?: readonly ComparisonRow[];
  /**
   * The `nonconverged` rule `rows` were computed with, for comparisons
   * computed here.
   * @default "use"
   */
  nonconverged?: NonconvergedRule;
}

/**
 * The report as pretty-printed JSON text ({@linkcode ReportJson}), ending
 * in a newline. Null values (undefined measures) stay null. The paired
 * comparisons are `options.comparisons`, else computed from the store.
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
 *   comparisons: [],
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
    comparisons: options.comparisons ??
      pairedComparisons(store, { nonconverged: options.nonconverged }),
    missing: { count: missing.length, examples: missing.slice(0, MISSING_EXAMPLES) },
  };
  return JSON.stringify(report, null, 2) + "\n";
}
