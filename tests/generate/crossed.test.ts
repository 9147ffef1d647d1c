import assert from "node:assert";
import { crossed } from "../../lib/generate/crossed.ts";
import { seedrandomStream } from "../../lib/rng/seedrandom_stream.ts";
import { NumpyRandomState } from "../../lib/rng/numpy_random_state.ts";
import { permutation } from "../../lib/rng/permutation.ts";
import type { Dataset } from "../../lib/data/dataset.ts";

function numeric(data: Dataset, name: string): Float64Array {
  const c = data.columns.get(name);
  assert.ok(c?.kind === "numeric", `${name} numeric`);
  return c.values;
}

function codes(data: Dataset, name: string): Int32Array {
  const c = data.columns.get(name);
  assert.ok(c?.kind === "factor", `${name} factor`);
  return c.codes;
}

function tally(values: Iterable<number | string>): Map<number | string, number> {
  const m = new Map<number | string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

Deno.test("permuted layout with n_group1 != n_group2: every level has the right row count", () => {
  const d = crossed(seedrandomStream("uneq"), { nGroup1: 3, nGroup2: 5, nRep: 2 });
  assert.equal(d.nrow, 30);
  assert.deepStrictEqual([...tally(codes(d, "group1")).values()], [10, 10, 10]);
  assert.deepStrictEqual([...tally(codes(d, "group2")).values()], [6, 6, 6, 6, 6]);
  const g1 = d.columns.get("group1");
  assert.ok(g1?.kind === "factor");
  assert.deepStrictEqual(g1.levels, ["0", "1", "2"]);
});

Deno.test("permuted layout consumes draws as the notebook: perm, n1 effects, perm, n2 effects, errors", () => {
  const n1 = 4, n2 = 3, nRep = 2, rows = 24;
  const d = crossed(new NumpyRandomState(9), { nGroup1: n1, nGroup2: n2, nRep });
  const s = new NumpyRandomState(9);
  const p1 = permutation(s, rows);
  const u1 = Array.from({ length: n1 }, () => 2 * s.normal());
  const p2 = permutation(s, rows);
  const u2 = Array.from({ length: n2 }, () => 3 * s.normal());
  const y = numeric(d, "y");
  for (let i = 0; i < rows; i++) {
    const a = Math.floor(p1[i] / (n2 * nRep));
    const b = Math.floor(p2[i] / (n1 * nRep));
    assert.equal(codes(d, "group1")[i], a);
    assert.equal(codes(d, "group2")[i], b);
    assert.equal(y[i], u1[a] + u2[b] + 4 * s.normal());
  }
});

Deno.test("balanced layout: every cell has n_rep rows; effects are additive", () => {
  const d = crossed(seedrandomStream("bal"), {
    nGroup1: 6,
    nGroup2: 7,
    nRep: 3,
    layout: "balanced",
    unexplainedSd: 0,
  });
  assert.equal(d.nrow, 126);
  const g1 = codes(d, "group1");
  const g2 = codes(d, "group2");
  const cells = tally(Array.from(g1, (a, i) => `${a}:${g2[i]}`));
  assert.equal(cells.size, 42);
  assert.ok([...cells.values()].every((c) => c === 3));
  // Without error, y(a,b) - y(a,0) - y(0,b) + y(0,0) = 0 up to rounding.
  const y = numeric(d, "y");
  const at = (a: number, b: number) => y[(a * 7 + b) * 3];
  for (let a = 1; a < 6; a++) {
    for (let b = 1; b < 7; b++) {
      assert.ok(Math.abs(at(a, b) - at(a, 0) - at(0, b) + at(0, 0)) < 1e-12);
    }
  }
});

Deno.test("balanced layout with empty cells: exact fraction, every level still observed", () => {
  const n1 = 20, n2 = 15, fraction = 0.4;
  const d = crossed(seedrandomStream("empty"), {
    nGroup1: n1,
    nGroup2: n2,
    nRep: 2,
    layout: "balanced",
    emptyCellFraction: fraction,
  });
  const g1 = codes(d, "group1");
  const g2 = codes(d, "group2");
  const cells = tally(Array.from(g1, (a, i) => `${a}:${g2[i]}`));
  assert.equal(n1 * n2 - cells.size, Math.round(fraction * n1 * n2));
  assert.equal(d.nrow, 2 * cells.size);
  assert.equal(tally(g1).size, n1);
  assert.equal(tally(g2).size, n2);
});

Deno.test("balanced layout with unbalanced cells: sizes in range and covering it", () => {
  const d = crossed(seedrandomStream("range"), {
    nGroup1: 10,
    nGroup2: 10,
    layout: "balanced",
    nRepRange: [2, 4],
    emptyCellFraction: 0.1,
  });
  const g1 = codes(d, "group1");
  const g2 = codes(d, "group2");
  const cells = tally(Array.from(g1, (a, i) => `${a}:${g2[i]}`));
  assert.equal(cells.size, 90);
  assert.deepStrictEqual([...new Set(cells.values())].sort(), [2, 3, 4]);
});

Deno.test("crossed covariates and intercept", () => {
  const d = crossed(seedrandomStream("cx"), {
    nGroup1: 5,
    nGroup2: 5,
    nRep: 2,
    group1Sd: 0,
    group2Sd: 0,
    unexplainedSd: 0,
    intercept: -3,
    covariates: [{ name: "x", slope: 0.5 }],
  });
  const y = numeric(d, "y");
  const x = numeric(d, "x");
  for (let i = 0; i < d.nrow; i++) assert.equal(y[i], 0.5 * x[i] + -3);
});

Deno.test("crossed bad input: clear errors", () => {
  const s = seedrandomStream("bad");
  const cases: [object, string, RegExp][] = [
    [{ layout: "grid" }, "TypeError", /unknown layout "grid"/],
    [{ emptyCellFraction: 0.2 }, "TypeError", /only to layout "balanced"/],
    [{ nRepRange: [1, 2] }, "TypeError", /only to layout "balanced"/],
    [{ layout: "balanced", emptyCellFraction: 1 }, "RangeError", /emptyCellFraction.*1/],
    [{ layout: "balanced", emptyCellFraction: -0.1 }, "RangeError", /-0\.1/],
    [
      { layout: "balanced", nGroup1: 3, nGroup2: 3, emptyCellFraction: 0.9 },
      "RangeError",
      /could empty only/,
    ],
    [{ layout: "balanced", nRep: 2, nRepRange: [1, 2] }, "TypeError", /either nRep/],
    [{ group2Sd: -2 }, "RangeError", /group2Sd \(group2_sd\).*-2/],
    [{ nGroup2: 0 }, "RangeError", /nGroup2 \(n_group2\).*0/],
    [{ nRep: 1.5 }, "RangeError", /nRep \(n_rep\).*1\.5/],
    [{ errorDist: { kind: "t", df: 2 } }, "RangeError", /errorDist.*df > 2/],
    [{ group2Dist: { kind: "uniform" } }, "TypeError", /"uniform"/],
  ];
  for (const [options, name, message] of cases) {
    assert.throws(() => crossed(s, options), { name, message }, JSON.stringify(options));
  }
});
