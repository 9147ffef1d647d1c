/**
 * Reading CSV text into a {@linkcode Dataset}: each column becomes numeric
 * when every present value is a number, otherwise a factor with levels
 * sorted as R's `factor()` sorts them.
 *
 * @module
 */

import { _CsvSyntaxError, _scanCsv } from "./_csv_scan.ts";
import type { Column, Dataset } from "./dataset.ts";
import { sortLabels } from "./sort_labels.ts";

/** Options of {@linkcode readCsv}. */
export interface ReadCsvOptions {
  /** Name of the file the text came from; error messages start with it. */
  source?: string;
}

/**
 * Cell texts that mean "missing", compared after trimming white space; `nan`
 * is what Python's `str(float("nan"))` and NumPy's `savetxt` write.
 */
export const MISSING_MARKERS: readonly string[] = ["", "NA", "NaN", "nan", "."];

// Decimal numbers only: Number() alone would also accept "0x1f", "0b1" and "".
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
// What writeCsv writes for ±Infinity, plus R's spelling and Python's (NumPy's savetxt, str()),
// so files round-trip.
const INFINITE = new Map([
  ["Infinity", Infinity],
  ["+Infinity", Infinity],
  ["-Infinity", -Infinity],
  ["Inf", Infinity],
  ["+Inf", Infinity],
  ["-Inf", -Infinity],
  ["inf", Infinity],
  ["+inf", Infinity],
  ["-inf", -Infinity],
]);

const isMissing = (cell: string): boolean => MISSING_MARKERS.includes(cell.trim());

/** True when every character of `t` is a digit, sign, point or exponent letter. */
function decimalCharacters(t: string): boolean {
  for (let k = 0; k < t.length; k++) {
    const c = t.charCodeAt(k);
    // 0-9 + - . e E
    if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 101 || c === 69)) {
      return false;
    }
  }
  return true;
}

/** The number a cell holds, or undefined when it is not a number. */
function toNumber(cell: string): number | undefined {
  const t = cell.trim();
  // On these characters Number() accepts exactly the strings DECIMAL matches.
  if (decimalCharacters(t)) {
    const v = Number(t);
    return Number.isNaN(v) || !DECIMAL.test(t) ? undefined : v;
  }
  return INFINITE.get(t);
}

function buildColumn(cells: readonly string[]): Column {
  const n = cells.length;
  const values = new Float64Array(n);
  let numeric = true;
  for (let i = 0; i < n && numeric; i++) {
    const cell = cells[i];
    // The common case first: an unpadded decimal number.
    const fast = cell.length > 0 && cell.length < 24 && decimalCharacters(cell)
      ? Number(cell)
      : NaN;
    if (!Number.isNaN(fast) && DECIMAL.test(cell)) {
      values[i] = fast;
      continue;
    }
    if (isMissing(cell)) {
      values[i] = NaN;
      continue;
    }
    const v = toNumber(cell);
    if (v === undefined) numeric = false;
    else values[i] = v;
  }
  if (numeric) return { kind: "numeric", values };
  const present = new Set<string>();
  for (const cell of cells) if (!isMissing(cell)) present.add(cell);
  const levels = sortLabels([...present]);
  const index = new Map(levels.map((label, k) => [label, k]));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = isMissing(cells[i]) ? -1 : index.get(cells[i])!;
  return { kind: "factor", codes, levels };
}

/**
 * Parses CSV text (RFC 4180, optional byte-order mark) with a header row of
 * column names. A column is numeric when every non-missing cell is a decimal
 * number (or `Infinity`, `Inf` or `inf`, with or without a sign), read
 * exactly as `Number()` reads it; otherwise it is a factor whose levels are
 * the distinct labels, sorted numerically when all are integers and by code
 * unit otherwise (as R's `factor()` does in the C locale). Cells `""`, `NA`,
 * `NaN`, `nan` and `.` (after trimming) are missing: NaN in a numeric column,
 * code -1 in a factor.
 * Factor labels keep their white space. In a file of more than one column,
 * blank lines are skipped; in a one-column file they are missing values.
 *
 * @throws {RangeError} if the text is empty, has no data rows, repeats a column
 *   name, or has a row with the wrong number of fields; the message starts
 *   with `options.source` when given.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { readCsv } from "./csv_read.ts";
 * const data = readCsv("y,g\n1.5,b\nNA,a\n0.1,b\n");
 * const y = data.columns.get("y")!;
 * const g = data.columns.get("g")!;
 * assert.equal(data.nrow, 3);
 * assert.ok(y.kind === "numeric" && Number.isNaN(y.values[1]) && y.values[2] === 0.1);
 * assert.ok(g.kind === "factor");
 * assert.deepEqual(g.levels, ["a", "b"]);
 * assert.deepEqual([...g.codes], [1, 0, 1]);
 * ```
 */
export function readCsv(text: string, options: ReadCsvOptions = {}): Dataset {
  const where = options.source === undefined ? "CSV text" : options.source;
  const fail = (problem: string): never => {
    throw new RangeError(`${where}: ${problem}`);
  };
  if (text.replace(/^\uFEFF/, "").trim() === "") {
    throw new RangeError(`${where} is empty`);
  }
  let scan;
  try {
    scan = _scanCsv(text);
  } catch (e) {
    if (e instanceof _CsvSyntaxError) return fail(e.message);
    throw e;
  }
  const { names, fields, lines } = scan;
  if (names.length === 0) throw new RangeError(`${where} is empty`);
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) fail(`duplicate column name "${name}" in the header`);
    seen.add(name);
  }
  const ncol = names.length;
  const keep: number[] = [];
  for (let r = 0; r < scan.records; r++) {
    if (ncol > 1 && fields[r] === 1 && scan.columns[0][r] === "") continue;
    if (fields[r] !== ncol) {
      fail(`line ${lines[r]} has ${fields[r]} fields; the header has ${ncol}`);
    }
    keep.push(r);
  }
  if (keep.length === 0) fail("has a header but no data rows");
  const all = keep.length === scan.records;
  const columns = new Map<string, Column>();
  names.forEach((name, j) => {
    const cells = scan.columns[j] as string[];
    columns.set(name, buildColumn(all ? cells : keep.map((r) => cells[r])));
  });
  return { nrow: keep.length, columns };
}

/**
 * Reads a CSV file with {@linkcode readCsv}, naming the file in errors.
 *
 * @throws {Error} `cannot read <file>: not found` if the file does not
 *   exist, `cannot read <file>: <reason>` on other I/O errors, and the
 *   errors of {@linkcode readCsv}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { readCsvFile } from "./csv_read.ts";
 * const url = new URL("../../tests/fixtures/lme4/dyestuff.csv", import.meta.url);
 * const data = await readCsvFile(url.pathname);
 * assert.equal(data.nrow, 30);
 * ```
 */
export async function readCsvFile(path: string): Promise<Dataset> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new Error(`cannot read ${path}: not found`);
    throw new Error(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return readCsv(text, { source: path });
}
