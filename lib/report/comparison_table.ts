/**
 * The terminal block of the paired comparisons of methods: per condition
 * an estimator block (pairs, relative % increase in precision, correlation,
 * bias and MSE differences, each with its MCSE) and a coverage block
 * (coverage differences in percentage points per interval method, split to
 * stay within the width), and a legend.
 *
 * @module
 */

import type { ComparisonRow } from "./paired_comparisons.ts";
import { comparisonCells, type ComparisonTableCells } from "./_comparison_cells.ts";

/** Options of {@linkcode comparisonTable}. */
export interface ComparisonTableOptions {
  /** Maximum line width; interval columns wrap into more blocks to fit. @default 100 */
  width?: number;
}

/** The legend printed once below the block. */
const LEGEND = "paired: method - reference over the n replicates where both have an estimate; " +
  "rel. prec. %:\n  100 (EmpSE_ref^2 / EmpSE^2 - 1), > 0 when the method's estimates vary " +
  "less; corr: of the\n  paired estimates; coverage diff: percentage points over all attempted " +
  "replicates (an\n  undefined or failed interval is a miss)";

/** Lines of a table: the first `left` columns left-aligned, the others right-aligned. */
function layout(header: string[], rows: string[][], left: number): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells.map((text, c) => c < left ? text.padEnd(widths[c]) : text.padStart(widths[c]))
      .join("  ").trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The coverage blocks of one table, its interval columns split to stay within `width`. */
function coverageBlocks(table: ComparisonTableCells, width: number): string[] {
  // Only the lines with a coverage difference (a parameter without intervals has none).
  const lines = table.lines.filter((l) => l.coverage.some((c) => c !== "-"));
  if (lines.length === 0) return [];
  const head = ["  coverage diff %", "(MCSE)"];
  // Each block shows the lines with a difference in one of its columns.
  const rowsOf = (columns: number[]) =>
    lines.filter((l) => columns.some((k) => l.coverage[k] !== "-"))
      .map((l) => [`  ${l.method}`, l.parameter, ...columns.map((k) => l.coverage[k])]);
  const left = Math.max(head[0].length, ...lines.map((l) => l.method.length + 2)) + 2 +
    Math.max(head[1].length, ...lines.map((l) => l.parameter.length));
  const out: string[] = [];
  let chunk: number[] = [], used = left;
  const emit = () => {
    out.push(...layout([...head, ...chunk.map((k) => table.intervals[k])], rowsOf(chunk), 2));
    chunk = [];
    used = left;
  };
  table.intervals.forEach((interval, k) => {
    const w = 2 + Math.max(interval.length, ...lines.map((l) => l.coverage[k].length));
    if (chunk.length > 0 && used + w > width) emit();
    chunk.push(k);
    used += w;
  });
  emit();
  return out;
}

/**
 * Formats paired-comparison rows (as from `pairedComparisons`) as text,
 * ending in a newline; the empty string when there are none (a study with
 * one method). Per condition: a `<condition>  (paired with <reference>)`
 * line, the estimator block and the coverage block; every column shows
 * its values with the same decimals, those of its largest MCSE. Relative
 * precision is in percent, coverage differences in percentage points.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { comparisonTable } from "./comparison_table.ts";
 * const base = { condition: "n=5", method: "ML", reference: "REML", parameter: "group1", n: 100 };
 * const text = comparisonTable([
 *   { ...base, interval: null, measure: "bias_difference", value: -0.0512, mcse: 0.0031 },
 *   { ...base, interval: "wald", measure: "coverage_difference", value: -0.02, mcse: 0.014 },
 * ]);
 * assert.match(text, /^n=5 {2}\(paired with REML\)$/m);
 * assert.match(text, /^ {2}ML {6}group1 {5}100 .* -0\.0512 \(0\.0031\)/m);
 * assert.match(text, /-2\.0 \(1\.4\)$/m); // percentage points
 * assert.equal(comparisonTable([]), "");
 * ```
 */
export function comparisonTable(
  rows: readonly ComparisonRow[],
  options: ComparisonTableOptions = {},
): string {
  const width = options.width ?? 100;
  if (!(width > 0)) throw new RangeError(`width is ${width}; expected a positive number`);
  const tables = comparisonCells(rows);
  if (tables.length === 0) return "";
  const out: string[] = [];
  for (const table of tables) {
    out.push(`${table.condition}  (paired with ${table.reference})`);
    out.push(
      ...layout(
        [
          "  method",
          "parameter",
          "n",
          "rel. prec. % (MCSE)",
          "corr",
          "bias diff (MCSE)",
          "MSE diff (MCSE)",
        ],
        table.lines.map((l) => [
          `  ${l.method}`,
          l.parameter,
          l.n,
          l.precision,
          l.correlation,
          l.bias,
          l.mse,
        ]),
        2,
      ),
      ...coverageBlocks(table, width),
      "",
    );
  }
  out.push(LEGEND, "");
  return out.join("\n");
}
