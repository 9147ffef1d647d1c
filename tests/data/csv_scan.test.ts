/**
 * vcsim's CSV scanner against csv-parse (the reference parser vcsim used
 * before, pinned in lib/_deps/csv_parse.ts) on random valid CSV texts:
 * quoted fields with commas, quotes and line breaks, LF and CRLF, blank
 * lines, a byte-order mark, with or without a final line break. Records
 * must be identical, and the line each ends on where the text has no CR
 * (csv-parse counts a CRLF inside quotes as two lines); invalid quoting
 * must be refused by both.
 */
import assert from "node:assert";
import { parse } from "../../lib/_deps/csv_parse.ts";
import { _scanCsv } from "../../lib/data/_csv_scan.ts";
import { seedrandomStream } from "../../lib/rng/seedrandom_stream.ts";

const PIECES = ["a", "1", "2.5", "-3e4", " ", "é", ",", '"', "\n", "\r\n", "NA", ""];

function randomCsv(seed: number): string {
  const s = seedrandomStream(`csv-${seed}`);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(s.uniform() * xs.length)];
  const ncol = 1 + Math.floor(s.uniform() * 4), nrow = Math.floor(s.uniform() * 6);
  const eol = pick(["\n", "\r\n"]);
  const field = () => {
    let t = "";
    for (let k = Math.floor(s.uniform() * 4); k > 0; k--) t += pick(PIECES);
    return /[",\r\n]/.test(t) || s.uniform() < 0.1 ? `"${t.replaceAll('"', '""')}"` : t;
  };
  const rows: string[] = [];
  for (let r = 0; r <= nrow; r++) {
    if (r > 0 && s.uniform() < 0.15) rows.push("");
    const width = s.uniform() < 0.1 ? ncol + 1 : ncol;
    rows.push(Array.from({ length: width }, field).join(","));
  }
  return (s.uniform() < 0.2 ? "\uFEFF" : "") + rows.join(eol) + (s.uniform() < 0.5 ? eol : "");
}

Deno.test("the scanner reads 2000 random CSV texts exactly as csv-parse does", () => {
  for (let seed = 0; seed < 2000; seed++) {
    const text = randomCsv(seed);
    const ref = parse(text, { relax_column_count: true, info: true, bom: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
    const scan = _scanCsv(text);
    const what = `seed ${seed}: ${JSON.stringify(text)}`;
    if (ref.length === 0) {
      assert.deepEqual([scan.names, scan.records], [[], 0], what);
      continue;
    }
    assert.deepEqual(scan.names, ref[0].record, what);
    assert.equal(scan.records, ref.length - 1, what);
    ref.slice(1).forEach(({ record, info }, r) => {
      assert.equal(scan.fields[r], record.length, `${what} record ${r}`);
      // csv-parse counts a CRLF inside quotes as two lines; the scanner, as one.
      if (!text.includes("\r")) assert.equal(scan.lines[r], info.lines, `${what} line ${r}`);
      record.forEach((cell, j) => {
        if (j < scan.names.length) assert.equal(scan.columns[j][r], cell, `${what} cell ${r},${j}`);
      });
    });
  }
});

Deno.test("invalid quoting is refused, naming the line", () => {
  for (
    const [text, message] of [
      ['y\n"open\n', /line 2: a quoted field opened here is not closed/],
      ['y,g\n1,a"b\n', /line 2: a quote inside an unquoted field/],
      ['y,g\n1,"a"b\n', /line 2: text after the closing quote/],
    ] as const
  ) {
    assert.throws(() => parse(text, { relax_column_count: true, bom: true }), text);
    assert.throws(() => _scanCsv(text), message);
  }
});
