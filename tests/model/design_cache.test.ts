// The design cache (lib/model/_design_cache.ts): frames of a design seen before reuse its terms,
// and their cross-products its co-occurrences, with results equal to a fresh computation, and no
// change to data (in place or not) is ever mistaken for the design seen before.
import assert from "node:assert";
import type { Column, Dataset } from "../../lib/data/dataset.ts";
import { nested } from "../../lib/generate/nested.ts";
import { crossed } from "../../lib/generate/crossed.ts";
import { seedrandomStream } from "../../lib/rng/seedrandom_stream.ts";
import { modelFrame } from "../../lib/model/model_frame.ts";
import { crossProducts } from "../../lib/model/cross_products.ts";
import type { ModelFrame } from "../../lib/model/frame.ts";
import { _isDesignCodes } from "../../lib/model/_design_cache.ts";
import { fitVarComp } from "../../lib/fit/fit.ts";

const NESTED = "y ~ 1 + (1|group1) + (1|group1:group2)";
const CROSSED = "y ~ 1 + (1|group1) + (1|group2)";

/** The frame's terms as plain arrays, to compare by value. */
const termsOf = (f: ModelFrame) =>
  f.terms.map((t) => ({ name: t.name, codes: [...t.codes], levels: [...t.levels] }));

/** The frame with unmarked copies of its codes: what crossProducts computes without the cache. */
const uncached = (f: ModelFrame): ModelFrame => ({
  ...f,
  terms: f.terms.map((t) => ({ ...t, codes: t.codes.slice() })),
});

/** A dataset of the same columns, every array copied. */
function copyOf(data: Dataset): Dataset & { columns: Map<string, Column> } {
  const columns = new Map<string, Column>(
    [...data.columns].map(([name, c]): [string, Column] => [
      name,
      c.kind === "numeric"
        ? { kind: "numeric" as const, values: c.values.slice() }
        : { kind: "factor" as const, codes: c.codes.slice(), levels: [...c.levels] },
    ]),
  );
  return { nrow: data.nrow, columns };
}

const balanced = (seed: string) =>
  nested(seedrandomStream(seed), { nGroup1: 6, nGroup2: 4, nRep: 3 });

Deno.test("a study's replicates: the second frame of a design remembers it, later ones reuse it, results unchanged", () => {
  const fresh = modelFrame(balanced("r0"), NESTED);
  assert.ok(!_isDesignCodes(fresh.terms[0].codes));
  const frames = ["r1", "r2", "r3", "r4"].map((seed) => modelFrame(balanced(seed), NESTED));
  // The second frame in a row remembers the design; the ones after reuse it.
  assert.ok(frames.every((f) => _isDesignCodes(f.terms[0].codes)));
  assert.strictEqual(frames[2].terms, frames[3].terms);
  for (const f of frames) {
    assert.deepEqual(termsOf(f), termsOf(fresh));
    assert.deepEqual(crossProducts(f), crossProducts(uncached(f)));
    assert.deepEqual(
      fitVarComp(f, { method: "reml" }),
      fitVarComp(uncached(f), { method: "reml" }),
    );
  }
});

Deno.test("the same dataset again is remembered; changed in place, it is recoded", () => {
  const data = balanced("s0");
  const first = termsOf(modelFrame(data, NESTED));
  const again = modelFrame(data, NESTED);
  assert.ok(_isDesignCodes(again.terms[0].codes));
  assert.deepEqual(termsOf(again), first);
  // Move the last row to another group1:group2 cell, in place.
  const g2 = data.columns.get("group2")!;
  assert.equal(g2.kind, "factor");
  if (g2.kind === "factor") g2.codes[data.nrow - 1] = 0;
  const changed = modelFrame(data, NESTED);
  const reference = modelFrame(copyOf(data), NESTED);
  assert.deepEqual(termsOf(changed), termsOf(reference));
  assert.notDeepEqual(termsOf(changed), first);
  assert.deepEqual(crossProducts(changed), crossProducts(uncached(reference)));
});

Deno.test("designs that change every replicate, or alternate, are always coded afresh", () => {
  const drawn = (k: number) =>
    nested(seedrandomStream(`d${k}`), { nGroup1: 5, nGroup2Range: [2, 4], nRepRange: [1, 3] });
  const alternating = (k: number) =>
    k % 2 === 0 ? balanced(`a${k}`) : nested(seedrandomStream(`b${k}`), { nGroup1: 6, nRep: 3 });
  for (const make of [drawn, alternating]) {
    const datasets = Array.from({ length: 6 }, (_, k) => make(k));
    // References first, under another formula (terms in the other order): another cache key.
    const references = datasets.map((d) =>
      termsOf(modelFrame(copyOf(d), "y ~ 1 + (1|group1:group2) + (1|group1)")).reverse()
    );
    datasets.forEach((data, k) => {
      const f = modelFrame(data, NESTED);
      assert.ok(!_isDesignCodes(f.terms[0].codes));
      assert.deepEqual(termsOf(f), references[k]);
      assert.deepEqual(crossProducts(f), crossProducts(uncached(f)));
    });
  }
});

Deno.test("crossed designs, labels and dropped rows: the cache never changes a frame", () => {
  const a = crossed(seedrandomStream("c0"), { nGroup1: 5, nGroup2: 4, nRep: 2 });
  const b = crossed(seedrandomStream("c1"), { nGroup1: 5, nGroup2: 4, nRep: 2 });
  modelFrame(a, CROSSED);
  const hit = modelFrame(b, CROSSED);
  assert.deepEqual(crossProducts(hit), crossProducts(uncached(hit)));
  // Same codes, other labels: not the design seen before.
  const relabelled = copyOf(b);
  const g1 = relabelled.columns.get("group1")!;
  if (g1.kind === "factor") {
    relabelled.columns.set("group1", { ...g1, levels: g1.levels.map((l) => `L${l}`) });
  }
  assert.deepEqual(modelFrame(relabelled, CROSSED).terms[0].levels, ["L0", "L1", "L2", "L3", "L4"]);
  // A missing response drops its row: the design cache is not used for that frame.
  const missing = copyOf(b);
  const y = missing.columns.get("y")!;
  if (y.kind === "numeric") y.values[0] = NaN;
  const dropped = modelFrame(missing, CROSSED);
  assert.equal(dropped.droppedRows, 1);
  assert.equal(dropped.terms[0].codes.length, b.nrow - 1);
  assert.ok(!_isDesignCodes(dropped.terms[0].codes));
});

Deno.test("one code changed in place anywhere is seen: either half of a compared pair, the odd last one, unaligned arrays", () => {
  // 241 rows: codes are compared two at a time as 64-bit words where both arrays start on
  // 8 bytes, one at a time otherwise; a subarray from an odd index starts 4 bytes off.
  const data = nested(seedrandomStream("pairs"), { nGroup1: 3, nGroup2: 8, nRep: 10 });
  const g2 = data.columns.get("group2")!;
  if (g2.kind !== "factor") throw new TypeError("group2 is not a factor");
  const rows = data.nrow; // 240
  for (const unaligned of [false, true]) {
    // The data again with group2's codes in a buffer of their own, starting 0 or 4 bytes off
    // an 8-byte boundary, and one more row.
    const buffer = new Int32Array(rows + 2);
    const codes = buffer.subarray(unaligned ? 1 : 0, (unaligned ? 1 : 0) + rows + 1);
    codes.set(g2.codes);
    codes[rows] = 0;
    const widen = (c: Column): Column =>
      c.kind === "numeric"
        ? { kind: "numeric", values: Float64Array.from([...c.values, c.values[0]]) }
        : { kind: "factor", codes: Int32Array.from([...c.codes, c.codes[0]]), levels: c.levels };
    const columns = new Map([...data.columns].map(([name, c]) => [name, widen(c)]));
    columns.set("group2", { kind: "factor", codes, levels: g2.levels });
    const grown: Dataset = { nrow: rows + 1, columns };
    for (const at of [0, 1, 2, 3, 118, 119, rows - 1, rows]) {
      modelFrame(grown, NESTED);
      assert.ok(_isDesignCodes(modelFrame(grown, NESTED).terms[0].codes), "remembered");
      const was = codes[at];
      codes[at] = (was + 1) % g2.levels.length;
      const changed = termsOf(modelFrame(grown, NESTED));
      assert.deepEqual(changed, termsOf(modelFrame(copyOf(grown), NESTED)), `row ${at}`);
      codes[at] = was;
    }
  }
});
