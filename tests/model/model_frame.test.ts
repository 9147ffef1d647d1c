import assert from "node:assert";
import { frameFromArrays, modelFrame } from "../../lib/model/model_frame.ts";
import { parseFormula } from "../../lib/model/formula.ts";
import { readCsvFile } from "../../lib/data/csv_read.ts";
import type { Column, Dataset } from "../../lib/data/dataset.ts";
import type { ModelFrame } from "../../lib/model/frame.ts";

const fixture = (name: string) => new URL(`../fixtures/lme4/${name}`, import.meta.url).pathname;

/** A dataset from plain arrays: numbers become numeric columns, strings factors (sorted levels). */
function dataset(columns: Record<string, (number | string | null)[]>): Dataset {
  const map = new Map<string, Column>();
  let nrow = 0;
  for (const [name, cells] of Object.entries(columns)) {
    nrow = cells.length;
    if (cells.every((c) => typeof c === "number" || c === null)) {
      map.set(name, {
        kind: "numeric",
        values: Float64Array.from(cells, (c) => c === null ? NaN : c as number),
      });
    } else {
      const levels = [...new Set(cells.filter((c) => c !== null) as string[])].sort();
      map.set(name, {
        kind: "factor",
        codes: Int32Array.from(cells, (c) => c === null ? -1 : levels.indexOf(c as string)),
        levels,
      });
    }
  }
  return { nrow, columns: map };
}

/** Column `name` of X. */
function col(frame: ModelFrame, name: string): number[] {
  const j = frame.fixedNames.indexOf(name);
  assert.ok(j >= 0, `no column ${name} in ${frame.fixedNames.join(", ")}`);
  const n = frame.y.length;
  return [...frame.X.subarray(j * n, (j + 1) * n)];
}

// The small example compared with R (model.matrix with default treatment contrasts).
const small = dataset({
  y: [1, 2, 3, 4, 5, 6],
  trt: ["a", "b", "c", "a", "b", "c"],
  x: [1, 2, 3, 4, 5, 7],
  dose: [1, 2, 1, 2, 10, 10],
  g: ["u", "u", "v", "v", "w", "w"],
});

Deno.test("intercept only: X is a column of ones", () => {
  const frame = modelFrame(small, "y ~ 1 + (1|g)");
  assert.equal(frame.response, "y");
  assert.deepEqual([...frame.y], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(frame.fixedNames, ["(Intercept)"]);
  assert.deepEqual([...frame.X], [1, 1, 1, 1, 1, 1]);
  assert.equal(frame.droppedRows, 0);
  assert.deepEqual(frame.terms, [{
    name: "g",
    codes: new Int32Array([0, 0, 1, 1, 2, 2]),
    levels: ["u", "v", "w"],
  }]);
});

Deno.test("treatment coding as R: y ~ trt + x", () => {
  // R: colnames(model.matrix(~ trt + x)) = (Intercept) trtb trtc x
  const frame = modelFrame(small, "y ~ trt + x + (1|g)");
  assert.deepEqual(frame.fixedNames, ["(Intercept)", "trtb", "trtc", "x"]);
  assert.deepEqual(col(frame, "trtb"), [0, 1, 0, 0, 1, 0]);
  assert.deepEqual(col(frame, "trtc"), [0, 0, 1, 0, 0, 1]);
  assert.deepEqual(col(frame, "x"), [1, 2, 3, 4, 5, 7]);
  assert.equal(frame.X.length, 6 * 4);
});

Deno.test("terms keep the written order within a degree: y ~ x + trt", () => {
  const frame = modelFrame(small, "y ~ x + trt + (1|g)");
  assert.deepEqual(frame.fixedNames, ["(Intercept)", "x", "trtb", "trtc"]);
});

Deno.test("no intercept: the first factor gets a dummy per level (y ~ 0 + trt + x)", () => {
  const frame = modelFrame(small, "y ~ 0 + trt + x + (1|g)");
  assert.deepEqual(frame.fixedNames, ["trta", "trtb", "trtc", "x"]);
  assert.deepEqual(col(frame, "trta"), [1, 0, 0, 1, 0, 0]);
  assert.deepEqual(modelFrame(small, "y ~ x - 1 + trt + (1|g)").fixedNames, [
    "x",
    "trta",
    "trtb",
    "trtc",
  ]);
});

Deno.test("C() and factor() code a numeric column as a factor, levels sorted numerically", () => {
  const frame = modelFrame(small, "y ~ C(dose) + (1|g)");
  assert.deepEqual(frame.fixedNames, ["(Intercept)", "dose2", "dose10"]);
  assert.deepEqual(col(frame, "dose10"), [0, 0, 0, 0, 1, 1]);
  assert.deepEqual(modelFrame(small, "y ~ factor(dose) + (1|g)").fixedNames, frame.fixedNames);
  assert.deepEqual(modelFrame(small, "y ~ C(trt) + (1|g)").fixedNames, [
    "(Intercept)",
    "trtb",
    "trtc",
  ]);
});

Deno.test("interaction of numerics is the product", () => {
  const frame = modelFrame(small, "y ~ x + dose + x:dose + (1|g)");
  assert.deepEqual(frame.fixedNames, ["(Intercept)", "x", "dose", "x:dose"]);
  assert.deepEqual(col(frame, "x:dose"), [1, 4, 3, 8, 50, 70]);
});

Deno.test("factor by numeric interactions as R codes them", () => {
  // R: model.matrix(~ trt + trt:x) -> (Intercept) trtb trtc trta:x trtb:x trtc:x
  const sep = modelFrame(small, "y ~ trt + trt:x + (1|g)");
  assert.deepEqual(sep.fixedNames, [
    "(Intercept)",
    "trtb",
    "trtc",
    "trta:x",
    "trtb:x",
    "trtc:x",
  ]);
  assert.deepEqual(col(sep, "trta:x"), [1, 0, 0, 4, 0, 0]);
  assert.deepEqual(col(sep, "trtc:x"), [0, 0, 3, 0, 0, 7]);
  // R: model.matrix(~ x + x:trt) -> (Intercept) x x:trtb x:trtc
  const slopes = modelFrame(small, "y ~ x + x:trt + (1|g)");
  assert.deepEqual(slopes.fixedNames, ["(Intercept)", "x", "x:trtb", "x:trtc"]);
  assert.deepEqual(col(slopes, "x:trtb"), [0, 2, 0, 0, 5, 0]);
  // R: model.matrix(~ trt:x) -> (Intercept) trta:x trtb:x trtc:x
  assert.deepEqual(modelFrame(small, "y ~ trt:x + (1|g)").fixedNames, [
    "(Intercept)",
    "trta:x",
    "trtb:x",
    "trtc:x",
  ]);
  // Main effects come before interactions whatever the written order.
  assert.deepEqual(modelFrame(small, "y ~ x:trt + x + (1|g)").fixedNames, [
    "(Intercept)",
    "x",
    "x:trtb",
    "x:trtc",
  ]);
});

const crossedAB = dataset({
  y: [1, 3, 2, 5, 4, 4, 7, 9],
  a: ["p", "q", "p", "q", "p", "q", "p", "q"],
  b: ["u", "u", "v", "v", "u", "u", "v", "v"],
  g: ["1", "1", "1", "1", "2", "2", "2", "2"],
});

Deno.test("factor by factor interactions as R codes them", () => {
  // R: model.matrix(~ a + b + a:b) -> (Intercept) aq bv aq:bv
  const full = modelFrame(crossedAB, "y ~ a + b + a:b + (1|g)");
  assert.deepEqual(full.fixedNames, ["(Intercept)", "aq", "bv", "aq:bv"]);
  assert.deepEqual(col(full, "aq:bv"), [0, 0, 0, 1, 0, 0, 0, 1]);
  // R: model.matrix(~ a + a:b) -> (Intercept) aq ap:bv aq:bv (b nested in a)
  const nested = modelFrame(crossedAB, "y ~ a + a:b + (1|g)");
  assert.deepEqual(nested.fixedNames, ["(Intercept)", "aq", "ap:bv", "aq:bv"]);
  assert.deepEqual(col(nested, "ap:bv"), [0, 0, 1, 0, 0, 0, 1, 0]);
  // R: model.matrix(~ 0 + a + b) -> ap aq bv
  assert.deepEqual(modelFrame(crossedAB, "y ~ 0 + a + b + (1|g)").fixedNames, ["ap", "aq", "bv"]);
  // R's model.matrix(~ a:b) has 4 dummies and the intercept: aliased.
  assert.throws(() => modelFrame(crossedAB, "y ~ a:b + (1|g)"), {
    message:
      'fixed effects are rank deficient: column "aq:bv" is a linear combination of the others',
  });
});

Deno.test("a factor column keeps its own level order (the first is the baseline)", () => {
  const data: Dataset = {
    nrow: 4,
    columns: new Map<string, Column>([
      ["y", { kind: "numeric", values: new Float64Array([1, 2, 3, 5]) }],
      ["trt", { kind: "factor", codes: new Int32Array([0, 1, 0, 1]), levels: ["ctl", "a"] }],
      ["g", { kind: "factor", codes: new Int32Array([0, 0, 1, 1]), levels: ["z", "y"] }],
    ]),
  };
  const frame = modelFrame(data, "y ~ trt + (1|g)");
  assert.deepEqual(frame.fixedNames, ["(Intercept)", "trta"]);
  assert.deepEqual(col(frame, "trta"), [0, 1, 0, 1]);
  assert.deepEqual(frame.terms[0].levels, ["z", "y"]);
});

Deno.test("rows with a missing used value are dropped; unused levels go", () => {
  const data = dataset({
    y: [1, 2, null, 4, 5, 6, 7],
    trt: ["a", "b", "c", "a", "b", null, "a"],
    x: [1, 2, 3, 4, null, 6, 9],
    unused: [null, null, null, null, null, null, null],
    g: ["u", "u", "v", "v", "w", "w", "w"],
  });
  const frame = modelFrame(data, "y ~ trt + (1|g)");
  assert.equal(frame.droppedRows, 2);
  assert.deepEqual([...frame.y], [1, 2, 4, 5, 7]);
  assert.deepEqual(frame.fixedNames, ["(Intercept)", "trtb"]);
  assert.deepEqual(frame.terms[0].levels, ["u", "v", "w"]);
  const withX = modelFrame(data, "y ~ trt + x + (1|g)");
  assert.equal(withX.droppedRows, 3);
  assert.deepEqual([...withX.y], [1, 2, 4, 7]);
  // A grouping level seen only in dropped rows disappears and codes stay dense.
  const g = modelFrame(
    dataset({ y: [1, null, 3, 4, 5], g: ["a", "b", "c", "c", "a"] }),
    "y ~ (1|g)",
  ).terms[0];
  assert.deepEqual(g.levels, ["a", "c"]);
  assert.deepEqual([...g.codes], [0, 1, 1, 0]);
});

Deno.test("numeric grouping columns: values as labels, sorted numerically", () => {
  const data = dataset({ y: [1, 2, 3, 4, 5, 6], h: [10, 2, 2, 10, 0.5, 0.5] });
  const term = modelFrame(data, "y ~ (1|h)").terms[0];
  assert.deepEqual(term.levels, ["0.5", "2", "10"]);
  assert.deepEqual([...term.codes], [2, 1, 1, 2, 0, 0]);
});

Deno.test("interaction grouping: observed combinations, first factor slowest", () => {
  const data = dataset({
    y: [1, 2, 3, 4, 5, 6, 7],
    a: ["q", "p", "q", "p", "q", "p", "p"],
    b: [2, 1, 1, 1, 2, 10, 10],
  });
  const frame = modelFrame(data, "y ~ (1|a:b)");
  assert.equal(frame.terms[0].name, "a:b");
  assert.deepEqual(frame.terms[0].levels, ["p:1", "p:10", "q:1", "q:2"]);
  assert.deepEqual([...frame.terms[0].codes], [3, 0, 2, 0, 3, 1, 1]);
});

Deno.test("a parsed Formula is accepted", () => {
  const f = parseFormula("y ~ x + (1|g)");
  assert.deepEqual(modelFrame(small, f).fixedNames, ["(Intercept)", "x"]);
});

Deno.test("pastes.csv: strength ~ 1 + (1|batch/cask)", async () => {
  const data = await readCsvFile(fixture("pastes.csv"));
  const frame = modelFrame(data, "strength ~ 1 + (1|batch/cask)");
  assert.equal(frame.response, "strength");
  assert.equal(frame.y.length, 60);
  assert.deepEqual(frame.fixedNames, ["(Intercept)"]);
  assert.deepEqual(frame.terms.map((t) => [t.name, t.levels.length]), [
    ["batch", 10],
    ["batch:cask", 30],
  ]);
  // The interaction equals the data's own "sample" column (labels like "A:a").
  const sample = data.columns.get("sample")!;
  assert.ok(sample.kind === "factor");
  assert.deepEqual(frame.terms[1].levels, sample.levels);
  assert.deepEqual(frame.terms[1].codes, sample.codes);
  assert.deepEqual(frame.terms[0].levels, [..."ABCDEFGHIJ"]);
});

Deno.test("penicillin.csv: diameter ~ 1 + (1|plate) + (1|sample)", async () => {
  const data = await readCsvFile(fixture("penicillin.csv"));
  const frame = modelFrame(data, "diameter ~ 1 + (1|plate) + (1|sample)");
  assert.equal(frame.y.length, 144);
  assert.deepEqual(frame.terms.map((t) => [t.name, t.levels.length]), [
    ["plate", 24],
    ["sample", 6],
  ]);
  assert.deepEqual(frame.terms[1].levels, [..."ABCDEF"]);
  assert.deepEqual([...frame.terms[1].codes.slice(0, 7)], [0, 1, 2, 3, 4, 5, 0]);
  assert.ok(frame.X.every((v) => v === 1));
});

Deno.test("error: unknown column lists the columns", () => {
  const data = dataset({ y: [1, 2, 3], group1: ["a", "a", "b"], group2: ["c", "d", "d"] });
  assert.throws(() => modelFrame(data, "y ~ xx + (1|group1)"), {
    message: 'unknown column "xx" in formula; columns are: y, group1, group2',
  });
  assert.throws(() => modelFrame(data, "yy ~ (1|group1)"), /unknown column "yy"/);
  assert.throws(() => modelFrame(data, "y ~ (1|group1/g3)"), /unknown column "g3"/);
});

Deno.test("error: formula errors pass through", () => {
  assert.throws(() => modelFrame(small, "y ~ (x|g)"), /random slopes are not supported/);
});

Deno.test("error: the response must be numeric", () => {
  assert.throws(() => modelFrame(small, "trt ~ (1|g)"), {
    message: "response trt is not numeric (a factor with levels a, b, c)",
  });
  const many = dataset({ f: [..."abcdefghij"], g: [..."aabbccddee"] });
  assert.throws(() => modelFrame(many, "f ~ (1|g)"), /levels a, b, c, d, e, f, g, h, \.\.\.\)$/);
});

Deno.test("error: every row dropped", () => {
  const data = dataset({ y: [null, 2], g: ["a", null] });
  assert.throws(() => modelFrame(data, "y ~ (1|g)"), /no rows left.*\(y, g\)/);
});

Deno.test("error: infinite values are not missing", () => {
  const data = dataset({ y: [1, Infinity, 3], g: ["a", "a", "b"] });
  assert.throws(() => modelFrame(data, "y ~ (1|g)"), {
    message: 'column "y" has an infinite value in row 2',
  });
});

Deno.test("error: rank-deficient fixed effects name the column", () => {
  const data = dataset({
    y: [1, 2, 3, 4, 5, 6],
    x: [1, 2, 3, 4, 5, 7],
    x2: [2, 4, 6, 8, 10, 14],
    z: [1, 2, 3, 4, 5, 7].map((v) => 3 - 0.5 * v),
    c: [5, 5, 5, 5, 5, 5],
    g: ["u", "u", "v", "v", "w", "w"],
  });
  const message = (name: string) =>
    `fixed effects are rank deficient: column "${name}" is a linear combination of the others`;
  assert.throws(() => modelFrame(data, "y ~ x + x2 + (1|g)"), { message: message("x2") });
  assert.throws(() => modelFrame(data, "y ~ x + z + (1|g)"), { message: message("z") });
  assert.throws(() => modelFrame(data, "y ~ c + (1|g)"), { message: message("c") });
  assert.throws(() => modelFrame(data, "y ~ 0 + x + x2 + (1|g)"), { message: message("x2") });
  // A near-collinear but independent column passes.
  const ok = dataset({
    y: [1, 2, 3, 4, 5, 6],
    x: [1, 2, 3, 4, 5, 6],
    w: [1, 2, 3, 4, 5, 6 + 1e-4],
    g: ["u", "u", "v", "v", "w", "w"],
  });
  assert.deepEqual(modelFrame(ok, "y ~ x + w + (1|g)").fixedNames, ["(Intercept)", "x", "w"]);
});

Deno.test("error: a fixed factor with one level in the rows used", () => {
  const data = dataset({ y: [1, 2, 3, 4], t: ["a", "a", "a", "a"], g: ["u", "u", "v", "v"] });
  assert.throws(() => modelFrame(data, "y ~ t + (1|g)"), /factor "t" has only 1 level \(a\)/);
});

Deno.test("error: grouping factor with one level", () => {
  const data = dataset({ y: [1, 2, 3], g: ["a", "a", "a"], h: ["a", "b", null] });
  assert.throws(() => modelFrame(data, "y ~ (1|g)"), {
    message: 'grouping factor "g" has only 1 level; a variance component needs at least 2',
  });
  // One level left after dropping rows.
  assert.throws(
    () => modelFrame(dataset({ y: [1, 2, null], g: ["a", "a", "b"] }), "y ~ (1|g)"),
    /grouping factor "g" has only 1 level/,
  );
});

Deno.test("error: grouping factor with a level per observation", () => {
  const data = dataset({ y: [1, 2, 3, 4], g: ["a", "a", "b", "b"], h: ["1", "2", "3", "4"] });
  assert.throws(() => modelFrame(data, "y ~ (1|g) + (1|h)"), {
    message: 'grouping factor "h" has as many levels as observations (4); ' +
      "its variance is not identifiable from the residual",
  });
  assert.throws(() => modelFrame(data, "y ~ (1|g/h)"), /grouping factor "g:h" has as many levels/);
});

Deno.test("frameFromArrays: defaults and dense recoding of any integer codes", () => {
  const frame = frameFromArrays({
    y: [1, 2, 3, 4, 5, 6],
    factors: { g1: [5, 5, -2, -2, 10, 10], g2: new Int32Array([0, 1, 0, 1, 0, 1]) },
  });
  assert.equal(frame.response, "y");
  assert.deepEqual(frame.fixedNames, ["(Intercept)"]);
  assert.deepEqual([...frame.X], [1, 1, 1, 1, 1, 1]);
  assert.equal(frame.droppedRows, 0);
  assert.deepEqual(frame.terms.map((t) => t.name), ["g1", "g2"]);
  assert.deepEqual(frame.terms[0].levels, ["-2", "5", "10"]);
  assert.deepEqual([...frame.terms[0].codes], [1, 1, 0, 0, 2, 2]);
  assert.ok(frame.terms[0].codes instanceof Int32Array);
  assert.ok(frame.y instanceof Float64Array);
});

Deno.test("frameFromArrays: a given X, names and response", () => {
  const frame = frameFromArrays({
    y: [1, 2, 3, 4],
    X: [1, 1, 1, 1, 0, 1, 2, 4],
    fixedNames: ["(Intercept)", "x"],
    factors: { g: [0, 0, 1, 1] },
    response: "yield",
  });
  assert.equal(frame.response, "yield");
  assert.deepEqual(frame.fixedNames, ["(Intercept)", "x"]);
  assert.deepEqual(
    frameFromArrays({ y: [1, 2, 3], X: [1, 2, 4], factors: { g: [0, 0, 1] } }).fixedNames,
    ["x1"],
  );
});

Deno.test("frameFromArrays: validation", () => {
  const y = [1, 2, 3, 4];
  const g = [0, 0, 1, 1];
  assert.throws(() => frameFromArrays({ y: [], factors: { g: [] } }), /y is empty/);
  assert.throws(() => frameFromArrays({ y: [1, NaN, 3, 4], factors: { g } }), /y\[1\] is NaN/);
  assert.throws(() => frameFromArrays({ y, X: [1, 1, 1], factors: { g } }), /X has 3 values/);
  assert.throws(
    () => frameFromArrays({ y, X: [1, 1, Infinity, 1], factors: { g } }),
    /X\[2\] is Infinity/,
  );
  assert.throws(
    () => frameFromArrays({ y, X: [1, 1, 1, 1], fixedNames: ["a", "b"], factors: { g } }),
    /fixedNames has 2 names for 1 columns/,
  );
  assert.throws(
    () => frameFromArrays({ y, X: [1, 1, 1, 1, 2, 2, 2, 2], factors: { g } }),
    /rank deficient: column "x2"/,
  );
  assert.throws(() => frameFromArrays({ y, factors: {} }), /at least one grouping factor/);
  assert.throws(() => frameFromArrays({ y, factors: { g: [0, 1] } }), /has 2 codes for 4 rows/);
  assert.throws(
    () => frameFromArrays({ y, factors: { g: [0, 0.5, 1, 1] } }),
    /code 1 is 0.5, not an integer/,
  );
  assert.throws(() => frameFromArrays({ y, factors: { g: [0, 0, NaN, 1] } }), /not an integer/);
  assert.throws(
    () => frameFromArrays({ y, factors: { g: [3, 3, 3, 3] } }),
    {
      name: "RangeError",
      message: 'grouping factor "g" has only 1 level; a variance component needs at least 2',
    },
  );
});

Deno.test("a missing or infinite value is found wherever it is in long columns (blocks of 8 and the tail)", () => {
  // 45 rows: five blocks of eight and a tail of five; g has three levels in runs.
  const n = 45, rows = Array.from({ length: n }, (_, i) => i);
  const g = rows.map((i) => ["a", "b", "c"][i % 3]);
  const y = (bad: Record<number, number>) => rows.map((i) => i in bad ? bad[i] : 1 + (i % 7));
  for (const at of [0, 7, 8, 15, 39, 40, 44]) {
    const dropped = modelFrame(dataset({ y: y({ [at]: NaN }), g }), "y ~ (1|g)");
    assert.equal(dropped.droppedRows, 1, `NaN in row ${at + 1}`);
    assert.equal(dropped.y.length, n - 1);
    assert.throws(() => modelFrame(dataset({ y: y({ [at]: -Infinity }), g }), "y ~ (1|g)"), {
      message: `column "y" has an infinite value in row ${at + 1}`,
    });
    const codes = g.map((v, i) => i === at ? null : v);
    assert.equal(modelFrame(dataset({ y: y({}), g: codes }), "y ~ (1|g)").droppedRows, 1);
  }
  // An infinity is an error naming its row, before or after a NaN in the same block.
  assert.throws(() => modelFrame(dataset({ y: y({ 17: Infinity, 20: NaN }), g }), "y ~ (1|g)"), {
    message: 'column "y" has an infinite value in row 18',
  });
  assert.throws(() => modelFrame(dataset({ y: y({ 17: NaN, 20: Infinity }), g }), "y ~ (1|g)"), {
    message: 'column "y" has an infinite value in row 21',
  });
});
