/**
 * A single-pass RFC 4180 scanner: the header's field names and, per column,
 * the cell texts of every record, read straight from the string (no record
 * objects), so a 40,000-row file is a few milliseconds.
 *
 * @module
 */

const QUOTE = 34, COMMA = 44, LF = 10, CR = 13;

/** What the scanner found: the header, the columns' cells and each record's field count. */
export interface _CsvScan {
  readonly names: string[];
  /** Cells of each column, data records only; a short record leaves its cells undefined. */
  readonly columns: (string | undefined)[][];
  /** For each data record, its field count and the line it ends on. */
  readonly fields: Int32Array;
  readonly lines: Int32Array;
  readonly records: number;
}

/** An error at a line of the text, for readCsv to prefix with the source. */
export class _CsvSyntaxError extends Error {}

/**
 * Scans `text` (a leading byte-order mark is skipped). Records end at LF,
 * CRLF or CR outside quotes; a quoted field may hold commas, line breaks
 * and doubled quotes. Throws a _CsvSyntaxError for a quote inside an
 * unquoted field, text after a closing quote, or an unclosed quote.
 */
export function _scanCsv(text: string): _CsvScan {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let line = 1, record = -1, field = 0;
  const names: string[] = [];
  const columns: (string | undefined)[][] = [];
  const fields: number[] = [], lines: number[] = [];
  const put = (cell: string) => {
    if (record < 0) names.push(cell);
    else if (field < columns.length) columns[field][record] = cell;
    field++;
  };
  const endRecord = () => {
    if (record < 0) {
      for (let j = 0; j < names.length; j++) columns.push([]);
    } else {
      fields.push(field);
      lines.push(line);
    }
    record++;
    field = 0;
  };
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c === QUOTE) {
      let cell = "", from = i + 1;
      const opened = line;
      for (i++;; i++) {
        if (i >= n) {
          throw new _CsvSyntaxError(`line ${opened}: a quoted field opened here is not closed`);
        }
        const d = text.charCodeAt(i);
        if (d === LF) line++;
        else if (d === CR && text.charCodeAt(i + 1) !== LF) line++;
        if (d !== QUOTE) continue;
        if (text.charCodeAt(i + 1) === QUOTE) {
          cell += text.slice(from, i + 1);
          from = i + 2;
          i++;
          continue;
        }
        cell += text.slice(from, i);
        i++;
        break;
      }
      c = i < n ? text.charCodeAt(i) : LF;
      if (c !== COMMA && c !== LF && c !== CR) {
        throw new _CsvSyntaxError(`line ${line}: text after the closing quote of a field`);
      }
      put(cell);
    } else {
      const start = i;
      while (i < n) {
        c = text.charCodeAt(i);
        if (c === COMMA || c === LF || c === CR) break;
        if (c === QUOTE) {
          throw new _CsvSyntaxError(`line ${line}: a quote inside an unquoted field`);
        }
        i++;
      }
      put(text.slice(start, i));
      c = i < n ? c : LF;
    }
    // c is the delimiter after the field (LF at the end of the text).
    if (c === COMMA) {
      i++;
      if (i >= n) put("");
      else continue;
    }
    if (c === CR && text.charCodeAt(i + 1) === LF) i++;
    i++;
    endRecord();
    line++;
  }
  if (field > 0) endRecord();
  return {
    names,
    columns,
    fields: Int32Array.from(fields),
    lines: Int32Array.from(lines),
    records: Math.max(record, 0),
  };
}
