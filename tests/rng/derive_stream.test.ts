import assert from "node:assert";
import { deriveSeed, deriveStream } from "../../lib/rng/derive_stream.ts";
import { SeedrandomStream } from "../../lib/rng/seedrandom_stream.ts";
import { createHash } from "node:crypto";

function firstDraws(seed: number | string, key: (string | number)[], n = 8): number[] {
  const s = deriveStream(seed, key);
  return Array.from({ length: n }, () => s.uniform());
}

Deno.test("deriveSeed is the SHA-256 of the JSON tuple", () => {
  const want = createHash("sha256").update('["vcsim/stream/v1",42,"cond",3]').digest("hex");
  assert.equal(deriveSeed(42, ["cond", 3]), want);
});

Deno.test("same (seed, key) gives the same draws", () => {
  assert.deepStrictEqual(firstDraws(7, ["a", 1]), firstDraws(7, ["a", 1]));
  const a = deriveStream(7, ["a", 1]);
  const b = new SeedrandomStream(deriveSeed(7, ["a", 1]));
  assert.equal(a.normal(), b.normal());
});

Deno.test("different seeds, conditions, replicates or key types give different draws", () => {
  const base = firstDraws(7, ["a", 1]);
  for (
    const [seed, key] of [
      [8, ["a", 1]],
      ["7", ["a", 1]],
      [7, ["b", 1]],
      [7, ["a", 2]],
      [7, ["a", "1"]],
      [7, ["a1"]],
      [7, ["a", 1, 0]],
      [7, [1, "a"]],
    ] as [number | string, (string | number)[]][]
  ) {
    assert.notDeepStrictEqual(firstDraws(seed, key), base, `${seed} ${JSON.stringify(key)}`);
  }
});

Deno.test("a stream does not depend on which streams were made before it", () => {
  const alone = firstDraws(11, ["c", 5]);
  const others = [deriveStream(11, ["c", 4]), deriveStream(11, ["c", 6])];
  others.forEach((s) => s.normal());
  assert.deepStrictEqual(firstDraws(11, ["c", 5]), alone);
  // Neighbouring replicates are not shifted copies of each other (no seed + index).
  const r0 = firstDraws(11, ["c", 0], 64);
  const r1 = firstDraws(11, ["c", 1], 64);
  assert.equal(r0.filter((u) => r1.includes(u)).length, 0);
});

Deno.test("bad seeds and key parts are rejected with the value named", () => {
  assert.throws(() => deriveSeed(NaN, []), { name: "RangeError", message: /NaN/ });
  assert.throws(() => deriveSeed(1, ["a", Infinity]), { name: "RangeError", message: /Infinity/ });
  assert.throws(
    () => deriveSeed(1, [{} as unknown as string]),
    { name: "TypeError", message: /part 0/ },
  );
  assert.throws(() => deriveSeed(1, "abc" as unknown as string[]), TypeError);
});
