/**
 * The level order of R's `factor()`, shared by the CSV reader and the model
 * frame so both agree on which level comes first (the treatment baseline).
 *
 * @module
 */

const INTEGER = /^[+-]?\d+$/;

/** Plain code-unit comparison: locale-free, so orders are the same everywhere. */
const byCodeUnit = (a: string, b: string): number => a < b ? -1 : a > b ? 1 : 0;

/**
 * A sorted copy of `labels`: numerically when every label is an integer
 * (so `"2"` precedes `"10"`), otherwise by UTF-16 code unit, as R sorts in
 * the C locale. Numeric ties such as `"01"` and `"1"` fall back to the text.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sortLabels } from "./sort_labels.ts";
 * assert.deepEqual(sortLabels(["10", "2", "-1"]), ["-1", "2", "10"]);
 * assert.deepEqual(sortLabels(["b", "B", "a", "10", "2"]), ["10", "2", "B", "a", "b"]);
 * ```
 */
export function sortLabels(labels: readonly string[]): string[] {
  if (labels.length > 0 && labels.every((s) => INTEGER.test(s))) {
    return [...labels].sort((a, b) => Number(a) - Number(b) || byCodeUnit(a, b));
  }
  return [...labels].sort(byCodeUnit);
}
