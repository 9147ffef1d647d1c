// The nested chain's class summaries (lib/fit/_chain_structure.ts) against sums written out here,
// for a design whose classes interleave (cells of 2, 3, 2, 1, 3, ... rows; parents of mixed
// kinds), with a covariate so that [X y] has three columns: the same sums in the same order, so
// equal to the bit. Also the cross-products of a remembered design (counts kept with it) against
// a fresh computation, over several responses.
import assert from "node:assert";
import type { Column, Dataset } from "../../lib/data/dataset.ts";
import { seedrandomStream } from "../../lib/rng/seedrandom_stream.ts";
import { modelFrame } from "../../lib/model/model_frame.ts";
import { crossProducts } from "../../lib/model/cross_products.ts";
import { _isDesignCodes } from "../../lib/model/_design_cache.ts";
import { chainStructure } from "../../lib/fit/_chain_structure.ts";
import type { ModelFrame } from "../../lib/model/frame.ts";

const FORMULA = "y ~ 1 + x + (1|a) + (1|a:b)";
// Rows per cell, cell by cell; cells go to parents a = 0, 0, 0, 1, 1, 2, 2, 2, 2, 3, ...
const CELL_ROWS = [2, 3, 2, 1, 3, 2, 2, 1, 3, 3, 2, 1, 2, 2, 3, 1, 1, 2];
const CELLS_PER_PARENT = [3, 2, 4, 3, 2, 4];

/** The design above with a response and covariate drawn from `seed`, the codes shared by `codes`. */
function dataset(seed: string, codes?: { a: Int32Array; b: Int32Array }): Dataset {
  const a: number[] = [], b: number[] = [];
  let cell = 0;
  CELLS_PER_PARENT.forEach((cells, parent) => {
    for (let c = 0; c < cells; c++, cell++) {
      for (let r = 0; r < CELL_ROWS[cell]; r++) a.push(parent), b.push(c);
    }
  });
  const n = a.length, s = seedrandomStream(seed);
  const y = Float64Array.from({ length: n }, () => s.normal());
  const x = Float64Array.from({ length: n }, () => s.uniform());
  const factor = (v: Int32Array, levels: number) => ({
    kind: "factor" as const,
    codes: v,
    levels: Array.from({ length: levels }, (_, i) => String(i)),
  });
  return {
    nrow: n,
    columns: new Map<string, Column>([
      ["y", { kind: "numeric", values: y }],
      ["x", { kind: "numeric", values: x }],
      ["a", factor(codes?.a ?? Int32Array.from(a), CELLS_PER_PARENT.length)],
      ["b", factor(codes?.b ?? Int32Array.from(b), Math.max(...CELLS_PER_PARENT))],
    ]),
  };
}

/** Per class of `classOf`, the sums over its columns b (in order) of x_i x_j, P x P blocks. */
function plainGrams(xyz: Float64Array, P: number, classOf: Int32Array): Float64Array {
  const l = classOf.length, classes = Math.max(-1, ...classOf) + 1;
  const gram = new Float64Array(classes * P * P);
  for (let i = 0; i < P; i++) {
    for (let j = 0; j < P; j++) {
      for (let b = 0; b < l; b++) {
        const k = classOf[b];
        if (k >= 0) gram[k * P * P + i * P + j] += xyz[i * l + b] * xyz[j * l + b];
      }
    }
  }
  return gram;
}

Deno.test("chain structure: interleaved classes' sums of S S' equal plain sums to the bit", () => {
  const frame = modelFrame(dataset("tests/fit/chain_structure"), FORMULA);
  const cp = crossProducts(frame), st = chainStructure(cp), P = cp.p + 1;
  assert.equal(P, 3);
  const cells = st.cells.classOf;
  // The cells' classes interleave (a run of one class is broken by another and resumes).
  assert.ok(cells.some((k, b) => b >= 2 && k === cells[b - 2] && k !== cells[b - 1]));
  assert.deepEqual(st.cells.gram, plainGrams(cp.xyz[0], P, cells));
  const level = st.levels[0];
  assert.ok(level.explicitCount > 0 && level.explicitCount < cp.nlevels[1]);
  assert.deepEqual(level.gram, plainGrams(cp.xyz[1], P, level.classOf));
});

/** The codes of a design whose frame was made once (the next frame of them remembers it). */
function seenDesign(seed: string): { a: Int32Array; b: Int32Array } {
  const first = dataset(seed);
  modelFrame(first, FORMULA);
  return {
    a: (first.columns.get("a") as { codes: Int32Array }).codes,
    b: (first.columns.get("b") as { codes: Int32Array }).codes,
  };
}

/** `frame` with copies of its codes: not a remembered design, so computed afresh. */
const withFreshCodes = (frame: ModelFrame): ModelFrame => ({
  ...frame,
  terms: frame.terms.map((t) => ({ ...t, codes: t.codes.slice() })),
});

Deno.test("cross-products of a remembered design, its counts kept, equal a fresh computation", () => {
  const codes = seenDesign("tests/fit/chain_structure/0");
  for (const seed of ["1", "2", "3"]) {
    const data = dataset(`tests/fit/chain_structure/${seed}`, codes);
    const frame = modelFrame(data, FORMULA);
    assert.ok(frame.terms.every((t) => _isDesignCodes(t.codes)), `response ${seed}: remembered`);
    assert.deepEqual(
      crossProducts(frame),
      crossProducts(withFreshCodes(frame)),
      `response ${seed}`,
    );
    // And the intercept-only model, whose totals of y come from the level-sum pass.
    const yOnly = modelFrame(data, "y ~ 1 + (1|a) + (1|a:b)");
    const yFresh = withFreshCodes(yOnly);
    assert.deepEqual(crossProducts(yOnly), crossProducts(yFresh), `response ${seed}, y ~ 1`);
  }
});

Deno.test("a remembered design's structure reuses its shape and equals a fresh one to the bit", () => {
  const codes = seenDesign("tests/fit/chain_structure/shape/0");
  const seen: ReturnType<typeof chainStructure>[] = [];
  for (const formula of [FORMULA, "y ~ 1 + (1|a) + (1|a:b)"]) {
    for (const seed of ["1", "2", "3"]) {
      const data = dataset(`tests/fit/chain_structure/shape/${seed}`, codes);
      const frame = modelFrame(data, formula);
      const st = chainStructure(crossProducts(frame));
      assert.ok(st.levels[0].explicitCount > 0, "the design has explicit nodes");
      const fresh = chainStructure(crossProducts(withFreshCodes(frame)));
      assert.deepEqual(st, fresh, `${formula}, response ${seed}`);
      seen.push(st);
    }
  }
  // The shape is shared within the remembered design, the sums are not.
  assert.ok(seen.every((st) => st.cells.classOf === seen[0].cells.classOf));
  assert.ok(seen.every((st) => st.levels[0].linkSlot === seen[0].levels[0].linkSlot));
  assert.notEqual(seen[1].cells.gram, seen[0].cells.gram);
  assert.notDeepEqual(seen[1].groups.sums, seen[0].groups.sums);
});

Deno.test("level sums of y ~ 1 equal plain sums to the bit when a level's rows are apart", () => {
  // Rows of levels 0, 1, 2 interleave, then level 1 runs on: each level's sum is a sequence of runs.
  const codes = Int32Array.from([0, 1, 2, 0, 0, 1, 2, 2, 1, 1, 1, 0, 2, 1]);
  const s = seedrandomStream("tests/fit/chain_structure/level-sums");
  const y = Float64Array.from(codes, () => s.normal() * 1e3 + s.uniform());
  const cp = crossProducts({
    response: "y",
    y,
    X: new Float64Array(codes.length).fill(1),
    fixedNames: ["(Intercept)"],
    terms: [{ name: "g", codes, levels: ["a", "b", "c"] }],
    droppedRows: 0,
  });
  const plain = new Float64Array(3);
  let sum = 0, squares = 0;
  for (let r = 0; r < codes.length; r++) {
    plain[codes[r]] += y[r];
    sum += y[r];
    squares += y[r] * y[r];
  }
  assert.deepEqual(Array.from(cp.xyz[0].subarray(3)), Array.from(plain));
  assert.deepEqual(Array.from(cp.xyxy), [codes.length, sum, sum, squares]);
});

Deno.test("a nested term's sums add its cells' sums in cell order, to the bit, when its cells are apart", () => {
  // Six cells whose parents are 0, 1, 0, 2, 1, 2: a parent's cells are not adjacent.
  const parentOf = [0, 1, 0, 2, 1, 2], cellRows = [3, 2, 4, 1, 2, 3];
  const cell: number[] = [], parent: number[] = [];
  cellRows.forEach((rows, c) => {
    for (let r = 0; r < rows; r++) cell.push(c), parent.push(parentOf[c]);
  });
  const s = seedrandomStream("tests/fit/chain_structure/children-apart");
  const y = Float64Array.from(cell, () => s.normal() * 1e3 + s.uniform());
  const x = Float64Array.from(cell, () => s.uniform());
  const n = y.length;
  const X = new Float64Array(2 * n);
  X.fill(1, 0, n);
  X.set(x, n);
  const cp = crossProducts({
    response: "y",
    y,
    X,
    fixedNames: ["(Intercept)", "x"],
    terms: [
      { name: "g", codes: Int32Array.from(parent), levels: ["0", "1", "2"] },
      { name: "g:h", codes: Int32Array.from(cell), levels: ["0", "1", "2", "3", "4", "5"] },
    ],
    droppedRows: 0,
  });
  assert.deepEqual(cp.order, [1, 0]);
  // Plain sums over the rows, by parent, in row order: 1, x and y.
  const plain = new Float64Array(9), count = new Float64Array(3);
  for (let r = 0; r < n; r++) {
    count[parent[r]]++;
    [1, x[r], y[r]].forEach((v, c) => plain[c * 3 + parent[r]] += v);
  }
  // The children's sums, added in cell order, are not the row-order sums in general: compare
  // with the sums of the cells' sums, cell by cell, which is what the nested pass adds.
  const byCells = new Float64Array(9);
  for (let c = 0; c < 6; c++) {
    for (let i = 0; i < 3; i++) byCells[i * 3 + parentOf[c]] += cp.xyz[0][i * 6 + c];
  }
  assert.deepEqual(Array.from(cp.counts[1]), Array.from(count));
  assert.deepEqual(Array.from(cp.xyz[1]), Array.from(byCells));
  for (let i = 0; i < 9; i++) {
    assert.ok(Math.abs(cp.xyz[1][i] - plain[i]) <= 1e-9 * Math.abs(plain[i]));
  }
});
