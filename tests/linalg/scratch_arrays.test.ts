// Scratch Float64Arrays (lib/_typed_arrays.ts): views of shared slabs, so what must hold is that
// no two arrays handed out overlap, each starts zeroed, across slab boundaries and lengths.
import assert from "node:assert";
import { scratchCopy, scratchFloat64 } from "../../lib/_typed_arrays.ts";

Deno.test("scratch arrays start zeroed and never overlap, across slabs and lengths 0 to 70", () => {
  const arrays: Float64Array[] = [];
  for (let round = 0; round < 40; round++) {
    for (let n = 0; n <= 70; n++) {
      const a = scratchFloat64(n);
      assert.equal(a.length, n);
      assert.ok(a.every((v) => Object.is(v, 0)), `length ${n}, round ${round}: not zeroed`);
      a.fill(arrays.length + 1);
      arrays.push(a);
    }
  }
  // Every array still holds only its own mark: none was written through another.
  arrays.forEach((a, i) => assert.ok(a.every((v) => v === i + 1), `array ${i} was overwritten`));
  assert.ok(new Set(arrays.filter((a) => a.length > 0).map((a) => a.buffer)).size > 1);
});

Deno.test("a scratch copy holds the values, apart from its source", () => {
  const source = new Float64Array([1.5, -0, NaN, Infinity]);
  const copy = scratchCopy(source);
  assert.deepEqual(Array.from(copy), Array.from(source));
  assert.ok(Object.is(copy[1], -0));
  source[0] = 7;
  assert.equal(copy[0], 1.5);
  assert.deepEqual(Array.from(scratchCopy([3, 4])), [3, 4]);
});
