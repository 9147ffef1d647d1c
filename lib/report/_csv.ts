/**
 * CSV fields for the report exports: RFC 4180 quoting and `NA` for a
 * missing value (read as missing by R's read.csv and by pandas).
 *
 * @module
 */

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One CSV field: null and undefined are `NA`, numbers in shortest round-trip form. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "NA";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NA";
    return Object.is(value, -0) ? "-0" : String(value);
  }
  const text = typeof value === "string" ? value : JSON.stringify(value);
  // An empty string or a literal NA would read back as missing: quote it.
  if (text.length > 0 && text !== "NA" && !NEEDS_QUOTES.test(text)) return text;
  return `"${text.replaceAll('"', '""')}"`;
}

/** One CSV line (with its newline) of `values`. */
export function csvLine(values: readonly unknown[]): string {
  return values.map(csvField).join(",") + "\n";
}
