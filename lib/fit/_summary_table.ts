/**
 * Text tables of the fit summaries: column widths from the content, columns
 * at least two spaces apart.
 *
 * @module
 */

/** How a column's cells line up. */
export type CellAlign = "left" | "right";

/** Options of {@linkcode _layoutTable}. */
export interface TableLayout {
  /**
   * Alignment of each column; their number is the table's. A row with fewer
   * cells ends with a free-running cell, and cells beyond the table's
   * columns run free too.
   */
  readonly align: readonly CellAlign[];
  /** Spaces between columns (at least 2). @default 2 */
  readonly gap?: number;
  /** Spaces before the first column. @default 0 */
  readonly indent?: number;
}

/**
 * Lays out `rows` (the header row included, if any) as lines of text. Each
 * column is as wide as its widest cell; a free-running cell (a note: the
 * last cell of a row shorter than the table, or one beyond its columns)
 * neither counts toward a column's width nor is padded. Trailing spaces
 * are removed.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { _layoutTable } from "./_summary_table.ts";
 * const lines = _layoutTable(
 *   [["", "Estimate"], ["(Intercept)", "1527.50"], ["x", "-0.25"], ["note", "none", "long text"]],
 *   { align: ["left", "right"] },
 * );
 * assert.deepEqual(lines, [
 *   "             Estimate",
 *   "(Intercept)   1527.50",
 *   "x               -0.25",
 *   "note             none  long text",
 * ]);
 * ```
 */
export function _layoutTable(
  rows: readonly (readonly string[])[],
  layout: TableLayout,
): string[] {
  const gap = layout.gap ?? 2;
  if (!(Number.isInteger(gap) && gap >= 2)) {
    throw new RangeError(`gap must be an integer of at least 2, got ${gap}`);
  }
  const columns = layout.align.length;
  const free = (row: readonly string[], c: number) =>
    c >= columns || (row.length < columns && c === row.length - 1);
  const widths = new Array<number>(columns).fill(0);
  for (const row of rows) {
    row.forEach((cell, c) => {
      if (!free(row, c)) widths[c] = Math.max(widths[c], cell.length);
    });
  }
  const pad = " ".repeat(layout.indent ?? 0);
  return rows.map((row) => {
    const cells = row.map((cell, c) => {
      if (free(row, c)) return cell;
      return layout.align[c] === "left" ? cell.padEnd(widths[c]) : cell.padStart(widths[c]);
    });
    return (pad + cells.join(" ".repeat(gap))).trimEnd();
  });
}
