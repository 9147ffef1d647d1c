import assert from "node:assert";
import { permutation } from "../../lib/rng/permutation.ts";
import { uniformInteger } from "../../lib/rng/uniform_integer.ts";
import { seedrandomStream } from "../../lib/rng/seedrandom_stream.ts";
import { NumpyRandomState } from "../../lib/rng/numpy_random_state.ts";
import { assertWithinSe } from "./_stats.ts";

Deno.test("permutation returns each of 0..n-1 once", () => {
  for (const n of [0, 1, 2, 17, 1000]) {
    const p = permutation(seedrandomStream(`perm ${n}`), n);
    assert.equal(p.length, n);
    assert.deepStrictEqual(
      Array.from(p).sort((a, b) => a - b),
      Array.from({ length: n }, (_, i) => i),
    );
  }
});

Deno.test("permutation of 3: all 6 orders equally likely (each within 4 SE)", () => {
  const s = seedrandomStream("perm3");
  const n = 60000;
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = permutation(s, 3).join("");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assert.equal(counts.size, 6);
  const p = 1 / 6;
  const se = Math.sqrt(p * (1 - p) / n);
  for (const [key, c] of counts) assertWithinSe(c / n, p, se, 4, `P(order ${key})`);
});

Deno.test("permutation works with the numpy stream for long inputs", () => {
  const p = permutation(new NumpyRandomState(1), 40000);
  const seen = new Uint8Array(40000);
  for (const v of p) seen[v]++;
  assert.ok(seen.every((c) => c === 1));
});

Deno.test("permutation rejects bad lengths", () => {
  const s = seedrandomStream("x");
  for (const n of [-1, 1.5, NaN, 2 ** 31]) {
    assert.throws(() => permutation(s, n), { name: "RangeError", message: new RegExp(String(n)) });
  }
});

Deno.test("uniformInteger: values in 0..max, uniform frequencies within 4 SE", () => {
  const s = seedrandomStream("uint");
  const max = 5;
  const n = 60000;
  const counts = new Array(max + 1).fill(0);
  for (let i = 0; i < n; i++) {
    const k = uniformInteger(s, max);
    assert.ok(Number.isInteger(k) && k >= 0 && k <= max);
    counts[k]++;
  }
  const p = 1 / (max + 1);
  const se = Math.sqrt(p * (1 - p) / n);
  counts.forEach((c, k) => assertWithinSe(c / n, p, se, 4, `P(${k})`));
  assert.equal(uniformInteger(s, 0), 0);
  const big = uniformInteger(s, 0xffffffff);
  assert.ok(big >= 0 && big <= 0xffffffff);
  assert.throws(() => uniformInteger(s, -1), RangeError);
  assert.throws(() => uniformInteger(s, 2 ** 32), RangeError);
});
