import assert from "node:assert";
import { writeCsv } from "../../lib/data/csv_write.ts";
import type { Column, Dataset } from "../../lib/data/dataset.ts";
import { seedrandomStream } from "../../lib/rng/seedrandom_stream.ts";

function dataset(columns: [string, Column][]): Dataset {
  const first = columns[0][1];
  return {
    nrow: first.kind === "numeric" ? first.values.length : first.codes.length,
    columns: new Map(columns),
  };
}

Deno.test("doubles round-trip exactly: parseFloat(String(x)) === x", () => {
  const s = seedrandomStream("csv doubles");
  const tricky = [
    0.1 + 0.2,
    1 / 3,
    -2 / 3,
    Number.MIN_VALUE,
    -Number.MIN_VALUE,
    Number.MAX_VALUE,
    Number.EPSILON,
    2 ** 53 + 2,
    1e21,
    1e-7,
    123456789.12345679,
    -1.9963989151422599,
    -0.18081287833721144,
  ];
  const values = new Float64Array(20000);
  values.set(tricky);
  for (let i = tricky.length; i < values.length; i++) {
    // Random bit patterns over the whole exponent range, plus ordinary normals.
    if (i % 2 === 0) {
      const bits = new Uint32Array([s.uint32(), s.uint32()]);
      const x = new Float64Array(bits.buffer)[0];
      values[i] = Number.isFinite(x) ? x : s.normal();
    } else {
      values[i] = s.normal() * 10 ** (Math.floor(s.uniform() * 40) - 20);
    }
  }
  const text = writeCsv(dataset([["x", { kind: "numeric", values }]]));
  const lines = text.split("\n");
  assert.equal(lines[0], "x");
  assert.equal(lines.length, values.length + 2);
  assert.equal(lines[lines.length - 1], "");
  for (let i = 0; i < values.length; i++) {
    assert.ok(Object.is(parseFloat(lines[i + 1]), values[i]), `${values[i]} -> ${lines[i + 1]}`);
  }
});

Deno.test("special numbers: -0 keeps its sign, NaN is missing, infinities are spelled out", () => {
  const text = writeCsv(
    dataset([["x", { kind: "numeric", values: new Float64Array([-0, NaN, Infinity, -Infinity]) }]]),
    { missing: "NA" },
  );
  assert.equal(text, "x\n-0\nNA\nInfinity\n-Infinity\n");
  assert.ok(Object.is(parseFloat("-0"), -0));
});

Deno.test("factor labels are written and quoted when needed (RFC 4180)", () => {
  const levels = ["plain", "a,b", 'say "hi"', "line\nbreak", " padded", ""];
  const text = writeCsv(
    dataset([
      ["g", { kind: "factor", codes: new Int32Array([0, 1, 2, 3, 4, 5, -1]), levels }],
      ["na,me", { kind: "numeric", values: new Float64Array([1, 2, 3, 4, 5, 6, 7]) }],
    ]),
  );
  assert.equal(
    text,
    'g,"na,me"\nplain,1\n"a,b",2\n"say ""hi""",3\n"line\nbreak",4\n" padded",5\n"",6\n,7\n',
  );
});

Deno.test("CRLF line endings and errors on inconsistent columns", () => {
  const d = dataset([["x", { kind: "numeric", values: new Float64Array([1.5]) }]]);
  assert.equal(writeCsv(d, { lineEnding: "\r\n" }), "x\r\n1.5\r\n");
  assert.throws(
    () => writeCsv({ nrow: 2, columns: d.columns }),
    { name: "RangeError", message: /"x" has 1 values but the dataset has 2 rows/ },
  );
  assert.throws(
    () => writeCsv(dataset([["g", { kind: "factor", codes: new Int32Array([3]), levels: ["a"] }]])),
    { name: "RangeError", message: /code 3/ },
  );
});
