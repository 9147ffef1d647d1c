/**
 * The default stream's own stepping of xor4096 against seedrandom's, and
 * its one-loop ziggurat normals (`fillNormal`, in TypeScript and in
 * WebAssembly) against a plain ziggurat
 * written here from the documented algorithm over seedrandom's outputs:
 * the same values to the bit, and the same stream state afterwards.
 */
import assert from "node:assert";
import seedrandom from "../../lib/_deps/seedrandom.ts";
import { _Xor4096 } from "../../lib/rng/_xor4096.ts";
import { _zigguratTables } from "../../lib/rng/_ziggurat.ts";
import { _WASM_NORMALS_CHUNK, _wasmNormals } from "../../lib/rng/_wasm_normals.ts";
import { SeedrandomStream } from "../../lib/rng/seedrandom_stream.ts";
import { nested } from "../../lib/generate/nested.ts";

// Seeds of every length class seedrandom's string mixing treats apart
// (empty, short, around its 128-word array, longer), with non-ASCII text.
const SEEDS = [
  "",
  "a",
  "tests/rng/xor4096",
  "é☃𝔘",
  "x".repeat(127),
  "y".repeat(128),
  "z".repeat(300),
];

Deno.test("_Xor4096: the same signed 32-bit outputs as seedrandom's xor4096, 20,000 per seed", () => {
  for (const seed of SEEDS) {
    const ours = new _Xor4096(seed), theirs = seedrandom.xor4096(seed);
    for (let k = 0; k < 20_000; k++) {
      const [a, b] = [ours.next(), theirs.int32()];
      if (a !== b) assert.fail(`seed ${JSON.stringify(seed)}, output ${k}: ${a}, expected ${b}`);
    }
  }
});

/**
 * A standard normal sampler written from the ziggurat's description
 * (Marsaglia & Tsang 2000 with Doornik's 2005 disjoint bits; the tail by
 * Marsaglia 1964) over `int32`, with seedrandom-style 53-bit uniforms.
 */
function plainZiggurat(int32: () => number): { normal: () => number; rareDraws: () => number } {
  const { edge, r } = _zigguratTables();
  const f = (x: number) => Math.exp(-0.5 * x * x);
  const uniform = () => {
    const a = int32() >>> 5, b = int32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  };
  let rare = 0;
  const normal = (): number => {
    for (;;) {
      const a = int32() >>> 0, b = int32() >>> 0;
      const layer = a & 0xff, sign = (a & 0x100) !== 0 ? -1 : 1;
      const x = ((a >>> 12) * 4294967296 + b) * (edge[layer] * 2.220446049250313e-16);
      if (x < edge[layer + 1]) return sign * x;
      rare++;
      if (layer === 0) {
        for (;;) {
          const t = -Math.log(1 - uniform()) / r, e = -Math.log(1 - uniform());
          if (e + e > t * t) return sign * (r + t);
        }
      }
      const h = f(edge[layer]) + uniform() * (f(edge[layer + 1]) - f(edge[layer]));
      if (h < f(x)) return sign * x;
    }
  };
  return { normal, rareDraws: () => rare };
}

Deno.test("fillNormal: the plain ziggurat's values to the bit over 10^6 draws, tails and wedges included", () => {
  const seed = "tests/rng/xor4096/fill";
  const plain = plainZiggurat(seedrandom.xor4096(seed).int32);
  const out = new Float64Array(1_000_000);
  new SeedrandomStream(seed).fillNormal(out, 2.5);
  let tails = 0;
  for (let k = 0; k < out.length; k++) {
    const want = 2.5 * plain.normal();
    if (!Object.is(out[k], want)) assert.fail(`draw ${k}: ${out[k]}, expected ${want}`);
    if (Math.abs(want) > 2.5 * _zigguratTables().r) tails++;
  }
  // The rare path ran (about 1.5% of draws), the tail among it.
  assert.ok(plain.rareDraws() > 10_000 && tails > 100, `${plain.rareDraws()} rare, ${tails} tails`);
});

Deno.test("fillNormal leaves the stream where the normal() loop would, whatever comes between", () => {
  for (const options of [{}, { normalMethod: "polar" as const }, { algorithm: "alea" as const }]) {
    const fast = new SeedrandomStream("tests/rng/xor4096/mix", options);
    const slow = new SeedrandomStream("tests/rng/xor4096/mix", options);
    const label = JSON.stringify(options);
    for (const n of [0, 1, 7, 128, 129, 5000]) {
      const got = new Float64Array(n), want = new Float64Array(n);
      fast.fillNormal(got, -3);
      for (let k = 0; k < n; k++) want[k] = -3 * slow.normal();
      assert.deepEqual(got, want, `${label}: ${n} draws`);
      assert.deepEqual(
        [fast.normal(), fast.uniform(), fast.uint32()],
        [slow.normal(), slow.uniform(), slow.uint32()],
        `${label}: the draws after ${n}`,
      );
    }
  }
});

Deno.test("a generator's data set is the same from a stream with fillNormal and one without", () => {
  const options = { nGroup1: 7, nGroup2: 3, nRep: 4, group1Sd: 2, group2Sd: 3, unexplainedSd: 4 };
  const s = new SeedrandomStream("tests/rng/xor4096/nested");
  const plain = new SeedrandomStream("tests/rng/xor4096/nested");
  const withoutFill = {
    uniform: () => plain.uniform(),
    uint32: () => plain.uint32(),
    normal: () => plain.normal(),
  };
  assert.deepEqual(nested(s, options), nested(withoutFill, options));
});

Deno.test("fillNormal in WebAssembly: the plain ziggurat's values and state across its chunks", () => {
  // Deno compiles the kernel, so fills of 256 and more run there (lib/rng/_wasm_normals.ts).
  assert.ok(_wasmNormals() !== null, "the WebAssembly kernel compiles");
  const chunk = _WASM_NORMALS_CHUNK;
  for (const n of [255, 256, chunk - 1, chunk, chunk + 1, 3 * chunk + 17]) {
    const seed = `tests/rng/xor4096/chunks/${n}`;
    const theirs = seedrandom.xor4096(seed), plain = plainZiggurat(theirs.int32);
    const ours = new _Xor4096(seed), got = new Float64Array(n);
    ours.fillNormals(got, 0.75);
    for (let k = 0; k < n; k++) {
      const want = 0.75 * plain.normal();
      if (!Object.is(got[k], want)) {
        assert.fail(`${n} draws, draw ${k}: ${got[k]}, expected ${want}`);
      }
    }
    for (let k = 0; k < 300; k++) {
      const [a, b] = [ours.next(), theirs.int32()];
      if (a !== b) assert.fail(`${n} draws, output ${k} after: ${a}, expected ${b}`);
    }
  }
});
