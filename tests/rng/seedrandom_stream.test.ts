import assert from "node:assert";
import { SeedrandomStream, seedrandomStream } from "../../lib/rng/seedrandom_stream.ts";
import { _zigguratTables } from "../../lib/rng/_ziggurat.ts";
import { assertWithinSe, momentSds, NORMAL_MOMENTS, sampleMoments } from "./_stats.ts";

// Standard normal deciles: scipy 1.17.1 scipy.stats.norm.ppf(p) for p = 0.1, ..., 0.9.
const DECILES = [
  -1.2815515655446004,
  -0.8416212335729142,
  -0.5244005127080409,
  -0.2533471031357997,
  0,
  0.2533471031357997,
  0.5244005127080407,
  0.8416212335729143,
  1.2815515655446004,
];
// P(|Z| > r) for the ziggurat tail start r = 3.654152885361009:
// scipy 1.17.1 2 * scipy.stats.norm.sf(3.654152885361009).
const TAIL_PROBABILITY = 0.00025803248765390077;

const N = 1_000_000;
const K = 4; // tolerance in Monte Carlo SEs

function checkNormal(draw: () => number, label: string) {
  const x = new Float64Array(N);
  for (let i = 0; i < N; i++) x[i] = draw();
  const m = sampleMoments(x);
  const sd = momentSds(NORMAL_MOMENTS);
  const rootN = Math.sqrt(N);
  assertWithinSe(m.mean, 0, sd.mean / rootN, K, `${label} mean`);
  assertWithinSe(m.variance, 1, sd.variance / rootN, K, `${label} variance`);
  assertWithinSe(m.skewness, 0, sd.skewness / rootN, K, `${label} skewness`);
  assertWithinSe(m.excessKurtosis, 0, sd.excessKurtosis / rootN, K, `${label} excess kurtosis`);
  DECILES.forEach((q, i) => {
    const p = (i + 1) / 10;
    let below = 0;
    for (let j = 0; j < N; j++) if (x[j] <= q) below++;
    assertWithinSe(below / N, p, Math.sqrt(p * (1 - p) / N), K, `${label} P(Z <= q${p})`);
  });
  let tail = 0;
  const r = _zigguratTables().r;
  for (let j = 0; j < N; j++) if (Math.abs(x[j]) > r) tail++;
  const p = TAIL_PROBABILITY;
  assertWithinSe(tail / N, p, Math.sqrt(p * (1 - p) / N), K, `${label} P(|Z| > r)`);
}

Deno.test("ziggurat normals: moments, deciles and tail mass within 4 Monte Carlo SE", () => {
  const s = seedrandomStream("tests/rng/ziggurat");
  checkNormal(() => s.normal(), "ziggurat");
});

Deno.test("polar normals: moments, deciles and tail mass within 4 Monte Carlo SE", () => {
  const s = seedrandomStream("tests/rng/polar", { normalMethod: "polar" });
  checkNormal(() => s.normal(), "polar");
});

Deno.test("ziggurat tables: layers of equal area close at the top within 1e-12", () => {
  const { edge, r, v } = _zigguratTables();
  const f = (x: number) => Math.exp(-0.5 * x * x);
  assert.equal(edge[1], r);
  assert.equal(edge[256], 0);
  for (let i = 1; i < 256; i++) assert.ok(edge[i + 1] < edge[i], `edge ${i} decreasing`);
  // Area of each layer i >= 1: edge[i] * (f(edge[i+1]) - f(edge[i])) = v; the top one reaches f = 1.
  for (let i = 1; i < 255; i++) {
    const area = edge[i] * (f(edge[i + 1]) - f(edge[i]));
    assert.ok(Math.abs(area - v) <= 1e-12 * v, `layer ${i} area ${area}`);
  }
  const top = edge[255] * (1 - f(edge[255]));
  assert.ok(Math.abs(top - v) <= 1e-12 * v, `top layer area ${top} vs ${v}`);
  // The base layer: rectangle r * f(r) plus the tail sqrt(pi/2) * P(|Z| > r) equals v.
  const base = r * f(r) + Math.sqrt(Math.PI / 2) * TAIL_PROBABILITY;
  assert.ok(Math.abs(base - v) <= 1e-12 * v, `base layer area ${base} vs ${v}`);
});

Deno.test("uniform() is on [0, 1) with 53-bit resolution", () => {
  const s = seedrandomStream("tests/rng/uniform");
  let lowBits = 0;
  let sum = 0;
  const n = 100000;
  for (let i = 0; i < n; i++) {
    const u = s.uniform();
    assert.ok(u >= 0 && u < 1);
    const k = u * 2 ** 53;
    assert.ok(Number.isInteger(k));
    if (k % 2 ** 21 !== 0) lowBits++; // a 32-bit generator alone could not set these
    sum += u;
  }
  assert.ok(lowBits > 0.99 * n);
  assertWithinSe(sum / n, 0.5, Math.sqrt(1 / 12 / n), 4, "uniform mean");
});

Deno.test("uint32() is an integer in [0, 2^32) and the stream is deterministic", () => {
  const a = new SeedrandomStream("same");
  const b = new SeedrandomStream("same");
  for (let i = 0; i < 1000; i++) {
    const x = a.uint32();
    assert.ok(Number.isInteger(x) && x >= 0 && x < 2 ** 32);
    assert.equal(b.uint32(), x);
  }
  assert.equal(a.normal(), b.normal());
  assert.notEqual(new SeedrandomStream("other").uint32(), new SeedrandomStream("same").uint32());
});

Deno.test("every algorithm option works and bad options are named", () => {
  for (const algorithm of ["xor4096", "alea", "xorshift7", "xorwow", "xor128", "tychei"] as const) {
    const u = seedrandomStream("a", { algorithm }).uniform();
    assert.ok(u >= 0 && u < 1, algorithm);
  }
  assert.throws(
    () => seedrandomStream("a", { algorithm: "mt" as "alea" }),
    { name: "TypeError", message: /"mt"/ },
  );
  assert.throws(
    () => seedrandomStream("a", { normalMethod: "box" as "polar" }),
    { name: "TypeError", message: /"box"/ },
  );
  assert.throws(() => new SeedrandomStream(5 as unknown as string), TypeError);
});
