import assert from "node:assert";
import { nested } from "../../lib/generate/nested.ts";
import { seedrandomStream } from "../../lib/rng/seedrandom_stream.ts";
import { NumpyRandomState } from "../../lib/rng/numpy_random_state.ts";
import type { Dataset } from "../../lib/data/dataset.ts";
import {
  assertWithinSe,
  momentSds,
  sampleMoments,
  standardizedChiSquareMoments,
} from "../rng/_stats.ts";

function numeric(data: Dataset, name: string): Float64Array {
  const c = data.columns.get(name);
  assert.ok(c?.kind === "numeric", `${name} numeric`);
  return c.values;
}

function codes(data: Dataset, name: string): { codes: Int32Array; levels: readonly string[] } {
  const c = data.columns.get(name);
  assert.ok(c?.kind === "factor", `${name} factor`);
  return c;
}

function counts(values: Int32Array | number[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

Deno.test("default nested design: columns, levels and balanced counts", () => {
  const d = nested(seedrandomStream("n"));
  assert.deepStrictEqual([...d.columns.keys()], ["y", "group1", "group2"]);
  assert.equal(d.nrow, 40000);
  const g1 = codes(d, "group1");
  const g2 = codes(d, "group2");
  assert.deepStrictEqual(g1.levels, Array.from({ length: 200 }, (_, i) => String(i)));
  assert.deepStrictEqual(g2.levels, Array.from({ length: 20 }, (_, i) => String(i)));
  assert.ok([...counts(g1.codes).values()].every((c) => c === 200));
  const cells = counts(Array.from(g1.codes, (g, i) => g * 20 + g2.codes[i]));
  assert.equal(cells.size, 4000);
  assert.ok([...cells.values()].every((c) => c === 10));
});

Deno.test("nesting: group2 effects belong to group1:group2 cells, not to group2 labels", () => {
  // No error and no group1 effect: y is the cell effect, constant within a cell,
  // and differs between cells sharing a group2 label under different group1 levels.
  const d = nested(seedrandomStream("nest"), {
    nGroup1: 4,
    nGroup2: 3,
    nRep: 5,
    group1Sd: 0,
    unexplainedSd: 0,
  });
  const y = numeric(d, "y");
  const g1 = codes(d, "group1").codes;
  const g2 = codes(d, "group2").codes;
  const byCell = new Map<string, Set<number>>();
  for (let i = 0; i < d.nrow; i++) {
    const key = `${g1[i]}:${g2[i]}`;
    byCell.set(key, (byCell.get(key) ?? new Set()).add(y[i]));
  }
  assert.equal(byCell.size, 12);
  for (const set of byCell.values()) assert.equal(set.size, 1);
  const values = [...byCell.values()].map((s) => [...s][0]);
  assert.equal(new Set(values).size, 12);
  // Rows are in group1, group2, replicate order: each cell's rows are contiguous in one group1.
  for (let i = 1; i < d.nrow; i++) {
    assert.ok(g1[i] > g1[i - 1] || (g1[i] === g1[i - 1] && g2[i] >= g2[i - 1]));
  }
});

Deno.test("unbalanced nested: group2 counts and cell sizes stay in their ranges and cover them", () => {
  const d = nested(seedrandomStream("unbal"), {
    nGroup1: 300,
    nGroup2Range: [2, 5],
    nRepRange: [1, 3],
  });
  const g1 = codes(d, "group1").codes;
  const g2 = codes(d, "group2");
  const perGroup = new Map<number, Set<number>>();
  const cell = new Map<string, number>();
  for (let i = 0; i < d.nrow; i++) {
    perGroup.set(g1[i], (perGroup.get(g1[i]) ?? new Set()).add(g2.codes[i]));
    const key = `${g1[i]}:${g2.codes[i]}`;
    cell.set(key, (cell.get(key) ?? 0) + 1);
  }
  assert.equal(perGroup.size, 300);
  const sizes = [...perGroup.values()].map((s) => s.size);
  assert.deepStrictEqual([...new Set(sizes)].sort(), [2, 3, 4, 5]);
  for (const s of perGroup.values()) {
    // Levels within a group1 level are 0..k-1.
    assert.deepStrictEqual(
      [...s].sort((a, b) => a - b),
      Array.from({ length: s.size }, (_, j) => j),
    );
  }
  assert.equal(g2.levels.length, 5);
  assert.deepStrictEqual([...new Set(cell.values())].sort(), [1, 2, 3]);
  assert.equal(d.nrow, [...cell.values()].reduce((a, b) => a + b, 0));
});

Deno.test("extra features leave the default draws alone", () => {
  const base = nested(new NumpyRandomState(5), { nGroup1: 10, nGroup2: 4, nRep: 3 });
  const withCov = nested(new NumpyRandomState(5), {
    nGroup1: 10,
    nGroup2: 4,
    nRep: 3,
    covariates: [{ name: "x", slope: 0 }],
  });
  assert.deepStrictEqual(numeric(withCov, "y"), numeric(base, "y"));
  assert.deepStrictEqual([...withCov.columns.keys()], ["y", "group1", "group2", "x"]);
  const shifted = nested(new NumpyRandomState(5), {
    nGroup1: 10,
    nGroup2: 4,
    nRep: 3,
    intercept: 7,
  });
  numeric(shifted, "y").forEach((v, i) => assert.equal(v, numeric(base, "y")[i] + 7));
});

Deno.test("covariates: y = intercept + slope * x when all SDs are 0", () => {
  const d = nested(seedrandomStream("cov"), {
    nGroup1: 50,
    nGroup2: 2,
    nRep: 2,
    group1Sd: 0,
    group2Sd: 0,
    unexplainedSd: 0,
    intercept: 1.5,
    covariates: [{ name: "x", slope: 2 }, {
      name: "z",
      slope: -1,
      dist: { kind: "skewed", df: 3 },
    }],
  });
  const y = numeric(d, "y");
  const x = numeric(d, "x");
  const z = numeric(d, "z");
  for (let i = 0; i < d.nrow; i++) assert.equal(y[i], 2 * x[i] + -1 * z[i] + 1.5);
  assert.ok(z.every((v) => v >= -Math.sqrt(1.5)));
});

Deno.test("non-normal effects are scaled so the SD parameter is their SD (within 4 SE)", () => {
  // One row per group1 level, so y = group1Sd * d1 with d1 standardised chi-square(4).
  const n = 100_000;
  const d = nested(seedrandomStream("skewed-effects"), {
    nGroup1: n,
    nGroup2: 1,
    nRep: 1,
    group1Sd: 3,
    group2Sd: 0,
    unexplainedSd: 0,
    group1Dist: { kind: "skewed", df: 4 },
  });
  const m = sampleMoments(numeric(d, "y").map((v) => v / 3));
  const sd = momentSds(standardizedChiSquareMoments(4));
  const root = Math.sqrt(n);
  assertWithinSe(m.mean, 0, sd.mean / root, 4, "mean");
  assertWithinSe(m.variance, 1, sd.variance / root, 4, "variance / 9");
  assertWithinSe(m.skewness, Math.SQRT2, sd.skewness / root, 4, "skewness");
});

Deno.test("t errors: residual variance equals unexplainedSd^2 within 4 SE", () => {
  const n = 100_000;
  const df = 10;
  const d = nested(seedrandomStream("t-errors"), {
    nGroup1: 1,
    nGroup2: 1,
    nRep: n,
    group1Sd: 0,
    group2Sd: 0,
    unexplainedSd: 2,
    errorDist: { kind: "t", df },
  });
  const m = sampleMoments(numeric(d, "y"));
  const kappa4 = 3 * (df - 2) / (df - 4);
  assertWithinSe(m.variance, 4, 4 * Math.sqrt((kappa4 - 1) / n), 4, "error variance");
});

Deno.test("bad input: errors name the parameter and the value", () => {
  const s = seedrandomStream("bad");
  const cases: [object, string, RegExp][] = [
    [{ group1Sd: -1 }, "RangeError", /group1Sd \(group1_sd\).*-1/],
    [{ unexplainedSd: NaN }, "RangeError", /unexplainedSd \(unexplained_sd\).*NaN/],
    [{ group2Sd: Infinity }, "RangeError", /group2Sd.*Infinity/],
    [{ nGroup1: 0 }, "RangeError", /nGroup1 \(n_group1\).*positive integer.*0/],
    [{ nGroup2: -3 }, "RangeError", /nGroup2 \(n_group2\).*-3/],
    [{ nRep: 2.5 }, "RangeError", /nRep \(n_rep\).*2\.5/],
    [{ nGroup1: "5" }, "TypeError", /nGroup1.*"5"/],
    [{ nRepRange: [3, 2] }, "RangeError", /nRepRange.*\[3, 2\]/],
    [{ nGroup2Range: [0, 2] }, "RangeError", /nGroup2Range/],
    [{ nGroup2Range: [1] }, "TypeError", /nGroup2Range/],
    [{ nGroup2: 3, nGroup2Range: [1, 2] }, "TypeError", /either nGroup2/],
    [{ errorDist: { kind: "cauchy" } }, "TypeError", /errorDist.*"cauchy"/],
    [{ group1Dist: { kind: "t", df: 1 } }, "RangeError", /group1Dist.*1/],
    [{ intercept: NaN }, "RangeError", /intercept.*NaN/],
    [{ nGroup: 5 }, "TypeError", /unknown option "nGroup"/],
    [{ covariates: [{ name: "y", slope: 1 }] }, "RangeError", /"y" is already a column/],
    [{ covariates: [{ name: "x" }] }, "TypeError", /slope is required/],
    [{ nGroup1: 100000, nGroup2: 1000, nRep: 100 }, "RangeError", /rows/],
  ];
  for (const [options, name, message] of cases) {
    assert.throws(() => nested(s, options), { name, message }, JSON.stringify(options));
  }
});
