/**
 * Writing a Dataset as CSV text.
 *
 * @module
 */

import type { Dataset } from "./dataset.ts";

/** Options of {@linkcode writeCsv}. */
export interface WriteCsvOptions {
  /**
   * Text written for a missing value (NaN in a numeric column, code -1 in
   * a factor column).
   *
   * @default ""
   */
  missing?: string;
  /**
   * Line terminator after every row, the header included.
   *
   * @default "\n"
   */
  lineEnding?: "\n" | "\r\n";
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** RFC 4180 quoting: quote a field with a comma, quote, CR, LF or edge space, or an empty one. */
function quote(field: string): string {
  if (field.length > 0 && !NEEDS_QUOTES.test(field)) return field;
  return `"${field.replaceAll('"', '""')}"`;
}

/** The shortest text that reads back as exactly `x` (keeps the sign of -0). */
function formatNumber(x: number, missing: string): string {
  if (Number.isNaN(x)) return missing;
  if (x === 0 && 1 / x < 0) return "-0";
  return String(x);
}

/**
 * The dataset as CSV text (RFC 4180): a header row of column names, then one
 * line per row. Numbers are written with `String(x)`, the shortest decimal
 * that reads back as the same double (ECMAScript Number::toString), so
 * `parseFloat` recovers every value exactly; -0 is written as `-0`, and
 * ±Infinity as `Infinity` / `-Infinity`. Factor columns are written as their
 * level labels. A name or label containing a comma, double quote, CR or LF,
 * starting or ending with white space, or empty, is quoted with `"` and
 * inner quotes doubled, so an empty label differs from a missing value.
 *
 * Cost: O(rows x columns) time; the text is built in memory.
 *
 * @throws {RangeError} if a column's length differs from `dataset.nrow` or a
 *   factor code is outside its levels.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { writeCsv } from "./csv_write.ts";
 * const text = writeCsv({
 *   nrow: 2,
 *   columns: new Map([
 *     ["y", { kind: "numeric", values: new Float64Array([0.1, NaN]) }],
 *     ["g", { kind: "factor", codes: new Int32Array([1, 0]), levels: ["a,b", "c"] }],
 *   ]),
 * });
 * assert.equal(text, 'y,g\n0.1,c\n,"a,b"\n');
 * ```
 */
export function writeCsv(dataset: Dataset, options: WriteCsvOptions = {}): string {
  const missing = options.missing ?? "";
  const eol = options.lineEnding ?? "\n";
  if (eol !== "\n" && eol !== "\r\n") {
    throw new RangeError(`lineEnding must be "\\n" or "\\r\\n", got ${JSON.stringify(eol)}`);
  }
  const n = dataset.nrow;
  const formatters: ((row: number) => string)[] = [];
  for (const [name, column] of dataset.columns) {
    if (column.kind === "numeric") {
      const values = column.values;
      if (values.length !== n) {
        throw new RangeError(
          `column "${name}" has ${values.length} values but the dataset has ${n} rows`,
        );
      }
      formatters.push((row) => formatNumber(values[row], missing));
    } else {
      const codes = column.codes;
      if (codes.length !== n) {
        throw new RangeError(
          `column "${name}" has ${codes.length} codes but the dataset has ${n} rows`,
        );
      }
      const labels = column.levels.map(quote);
      formatters.push((row) => {
        const code = codes[row];
        if (code === -1) return missing;
        const label = labels[code];
        if (label === undefined) {
          throw new RangeError(
            `column "${name}" row ${row} has code ${code}, outside its ${labels.length} levels`,
          );
        }
        return label;
      });
    }
  }
  const lines = new Array<string>(n + 1);
  lines[0] = [...dataset.columns.keys()].map(quote).join(",");
  const fields = new Array<string>(formatters.length);
  for (let row = 0; row < n; row++) {
    for (let k = 0; k < formatters.length; k++) fields[k] = formatters[k](row);
    lines[row + 1] = fields.join(",");
  }
  return lines.join(eol) + eol;
}
