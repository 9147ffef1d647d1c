/**
 * Pins the first draws of `deriveStream` for fixed (seed, key) pairs, so any
 * change to the stream derivation (the hash tuple, seedrandom's version or
 * algorithm, the uniform construction, the ziggurat) is caught.
 *
 * The literals were produced by this very code at vcsim version 0.1.0
 * (seedrandom 3.0.5, xor4096, ziggurat normals) with a one-off script
 * printing `deriveStream(seed, key).uniform()` and, from a second fresh
 * stream, `.normal()`, five times each with JavaScript's shortest
 * round-trip formatting (which is exact). A change here changes every
 * study's results: it must come with a version bump and a README note.
 */
import assert from "node:assert";
import { deriveStream, type StreamKeyPart } from "../../lib/rng/derive_stream.ts";

interface Pin {
  seed: StreamKeyPart;
  key: StreamKeyPart[];
  uniform: number[];
  normal: number[];
}

const PINS: Pin[] = [
  {
    seed: 3123,
    key: ["n_group1=5;group1_sd=2", 0],
    uniform: [
      0.7552823700590376,
      0.46199217993397257,
      0.20024646328220364,
      0.11484383257379072,
      0.9309820595196926,
    ],
    normal: [
      -1.3191366921629317,
      0.6874951747195575,
      0.44289582585770315,
      -0.10136354808372994,
      -2.8188637993909635,
    ],
  },
  {
    seed: "abc",
    key: ["x", 7],
    uniform: [
      0.8300117229594711,
      0.4067263225971085,
      0.04946432711351367,
      0.369355325147083,
      0.01899357089462861,
    ],
    normal: [
      -0.2786661717428898,
      -0.8163985934075636,
      -0.05886932070876497,
      0.9083227324732639,
      -0.04440852213688901,
    ],
  },
  {
    seed: 1,
    key: [],
    uniform: [
      0.9119511683541304,
      0.2785370018801996,
      0.26069427665554445,
      0.8716471339709817,
      0.05410805855959422,
    ],
    normal: [
      -1.0198332198435298,
      -0.46427445540773876,
      0.602434797615911,
      1.948405942619337,
      0.0801557436003804,
    ],
  },
];

function assertExact(got: number[], want: number[], what: string): void {
  assert.equal(got.length, want.length, what);
  got.forEach((g, i) => {
    assert.ok(Object.is(g, want[i]), `${what} draw ${i}: got ${g}, pinned ${want[i]}`);
  });
}

for (const pin of PINS) {
  const label = `${JSON.stringify(pin.seed)}, ${JSON.stringify(pin.key)}`;
  Deno.test(`deriveStream(${label}) gives the pinned first uniforms`, () => {
    const s = deriveStream(pin.seed, pin.key);
    assertExact(Array.from({ length: 5 }, () => s.uniform()), pin.uniform, label);
  });
  Deno.test(`deriveStream(${label}) gives the pinned first normals`, () => {
    const s = deriveStream(pin.seed, pin.key);
    assertExact(Array.from({ length: 5 }, () => s.normal()), pin.normal, label);
  });
}
