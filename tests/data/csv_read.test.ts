import assert from "node:assert";
import { readCsv, readCsvFile } from "../../lib/data/csv_read.ts";
import { writeCsv } from "../../lib/data/csv_write.ts";
import { sortLabels } from "../../lib/data/sort_labels.ts";
import type { Column, Dataset } from "../../lib/data/dataset.ts";

const fixture = (name: string) => new URL(`../fixtures/lme4/${name}`, import.meta.url).pathname;

function numeric(data: Dataset, name: string): Float64Array {
  const c = data.columns.get(name);
  assert.ok(c !== undefined && c.kind === "numeric", `${name} is numeric`);
  return c.values;
}

function factor(data: Dataset, name: string): { codes: number[]; levels: readonly string[] } {
  const c = data.columns.get(name);
  assert.ok(c !== undefined && c.kind === "factor", `${name} is a factor`);
  return { codes: [...c.codes], levels: c.levels };
}

Deno.test("numeric and factor columns, in header order", () => {
  const data = readCsv("y,g,x\n1.5,b,3\n-2,a,4\n1e3,b,5\n");
  assert.equal(data.nrow, 3);
  assert.deepEqual([...data.columns.keys()], ["y", "g", "x"]);
  assert.deepEqual([...numeric(data, "y")], [1.5, -2, 1000]);
  assert.deepEqual(factor(data, "g"), { codes: [1, 0, 1], levels: ["a", "b"] });
});

Deno.test("factor levels sort by code unit, not by first appearance or locale", () => {
  const data = readCsv("g\nb\nB\n10\n2\na\n");
  assert.deepEqual(factor(data, "g"), {
    codes: [4, 2, 0, 1, 3],
    levels: ["10", "2", "B", "a", "b"],
  });
});

Deno.test("sortLabels: integers numerically, anything else by code unit", () => {
  assert.deepEqual(sortLabels(["10", "2", "1", "-3"]), ["-3", "1", "2", "10"]);
  assert.deepEqual(sortLabels(["10", "2", "x"]), ["10", "2", "x"]);
  assert.deepEqual(sortLabels(["1.5", "10", "2"]), ["1.5", "10", "2"]);
  assert.deepEqual(sortLabels(["1", "01"]), ["01", "1"]);
  assert.deepEqual(sortLabels([]), []);
});

Deno.test("missing markers: empty, NA, NaN, nan and . (trimmed)", () => {
  const data = readCsv('y,g\n1,a\n,b\nNA,NA\nNaN,""\n., . \n NA ,c\nnan,nan\n');
  const y = numeric(data, "y");
  assert.equal(y[0], 1);
  for (let i = 1; i < 7; i++) assert.ok(Number.isNaN(y[i]), `row ${i}`);
  assert.deepEqual(factor(data, "g"), {
    codes: [0, 1, -1, -1, -1, 2, -1],
    levels: ["a", "b", "c"],
  });
});

Deno.test("infinities in R's, Python's and JavaScript's spellings make a numeric column", () => {
  // What R's write.csv, NumPy's savetxt or Python's str(), and writeCsv write for infinities.
  const cells = ["Inf", "-Inf", "+Inf", "inf", "-inf", "+inf", "Infinity", "-Infinity"];
  const y = numeric(readCsv(`y\n${cells.join("\n")}\n`), "y");
  assert.deepEqual(Array.from(y), cells.map((c) => c.startsWith("-") ? -Infinity : Infinity));
  // Other spellings are labels, as before.
  for (const cell of ["INF", "infinity", "iNf"]) {
    assert.equal(readCsv(`x\n1\n${cell}\n`).columns.get("x")!.kind, "factor", cell);
  }
});

Deno.test("a column with only missing values is numeric", () => {
  const data = readCsv("y,z\n1,NA\n2,\n");
  assert.ok(numeric(data, "z").every(Number.isNaN));
});

Deno.test("numbers are trimmed; hex, binary and words make a factor", () => {
  assert.deepEqual([...numeric(readCsv("x\n 1.5 \n+2\n.5\n5.\n-1E-2\n"), "x")], [
    1.5,
    2,
    0.5,
    5,
    -0.01,
  ]);
  for (const cell of ["0x10", "0b1", "1,5", "1e", "one", "--1"]) {
    const data = readCsv(`x\n1\n"${cell}"\n`);
    assert.equal(data.columns.get("x")!.kind, "factor", cell);
  }
});

Deno.test("doubles read back exactly, and writeCsv output round-trips", () => {
  const values = [
    0.1,
    1 / 3,
    -0,
    5e-324,
    2.2250738585072014e-308,
    1.7976931348623157e308,
    123456789.12345679,
    -7.000000000000001,
    Infinity,
    -Infinity,
    NaN,
  ];
  const data: Dataset = {
    nrow: values.length,
    columns: new Map<string, Column>([
      ["x", { kind: "numeric", values: new Float64Array(values) }],
      [
        "g",
        {
          kind: "factor",
          codes: Int32Array.from(values, (_, i) => i % 3 === 0 ? -1 : i % 2),
          levels: ["a, b", ' "q" '],
        },
      ],
    ]),
  };
  const back = readCsv(writeCsv(data));
  const x = numeric(back, "x");
  values.forEach((v, i) => assert.ok(Object.is(x[i], v), `${v} read as ${x[i]}`));
  const g = factor(back, "g");
  assert.deepEqual(g.levels, [' "q" ', "a, b"]);
  assert.deepEqual(
    g.codes.map((c) => c < 0 ? undefined : g.levels[c]),
    Array.from(values, (_, i) => i % 3 === 0 ? undefined : ["a, b", ' "q" '][i % 2]),
  );
});

Deno.test("CRLF line endings, a byte-order mark and quoted fields", () => {
  const data = readCsv('\uFEFF"y","g"\r\n1,"x,1"\r\n2,"say ""hi"""\r\n');
  assert.deepEqual([...data.columns.keys()], ["y", "g"]);
  assert.deepEqual(factor(data, "g").levels, ['say "hi"', "x,1"]);
});

Deno.test("blank lines are skipped, except in a one-column file where they are missing", () => {
  assert.equal(readCsv("y,g\n1,a\n\n2,b\n\n").nrow, 2);
  const one = numeric(readCsv("y\n1\n\n2\n"), "y");
  assert.equal(one.length, 3);
  assert.ok(Number.isNaN(one[1]));
});

Deno.test("errors name the source", () => {
  assert.throws(() => readCsv("", { source: "d.csv" }), { message: "d.csv is empty" });
  assert.throws(() => readCsv(" \n\n", { source: "d.csv" }), { message: "d.csv is empty" });
  assert.throws(() => readCsv(""), { message: "CSV text is empty" });
  assert.throws(() => readCsv("y,g\n", { source: "d.csv" }), /^RangeError: d\.csv: .*no data rows/);
  assert.throws(
    () => readCsv("y,g,y\n1,2,3\n", { source: "d.csv" }),
    /d\.csv: duplicate column name "y"/,
  );
  assert.throws(
    () => readCsv("y,g\n1,a\n2,b\n3\n", { source: "d.csv" }),
    { message: "d.csv: line 4 has 1 fields; the header has 2" },
  );
  assert.throws(() => readCsv("y,g\n1,a,9\n", { source: "d.csv" }), /line 2 has 3 fields/);
  assert.throws(() => readCsv('y\n"open\n', { source: "d.csv" }), /^RangeError: d\.csv: /);
});

Deno.test("readCsvFile: a missing file, and a directory", async () => {
  const path = fixture("no_such_file.csv");
  await assert.rejects(() => readCsvFile(path), { message: `cannot read ${path}: not found` });
  const dir = fixture("");
  await assert.rejects(
    () => readCsvFile(dir),
    (e: Error) => e.message.startsWith(`cannot read ${dir}: `),
  );
});

Deno.test("pastes.csv: strength numeric, batch/cask/sample factors", async () => {
  const data = await readCsvFile(fixture("pastes.csv"));
  assert.equal(data.nrow, 60);
  assert.deepEqual([...data.columns.keys()], ["strength", "batch", "cask", "sample"]);
  assert.equal(numeric(data, "strength")[0], 62.8);
  assert.deepEqual(factor(data, "batch").levels, [..."ABCDEFGHIJ"]);
  assert.deepEqual(factor(data, "cask").levels, ["a", "b", "c"]);
  assert.equal(factor(data, "sample").levels.length, 30);
});

Deno.test("penicillin.csv: 144 rows, 24 plates, 6 samples", async () => {
  const data = await readCsvFile(fixture("penicillin.csv"));
  assert.equal(data.nrow, 144);
  assert.deepEqual(numeric(data, "diameter").slice(0, 4), new Float64Array([27, 23, 26, 23]));
  assert.equal(factor(data, "plate").levels.length, 24);
  assert.deepEqual(factor(data, "sample").levels, [..."ABCDEF"]);
});
