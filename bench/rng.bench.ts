// Random stream throughput. Run: deno bench --allow-read bench/rng.bench.ts
import { SeedrandomStream } from "../lib/rng/seedrandom_stream.ts";
import { NumpyRandomState } from "../lib/rng/numpy_random_state.ts";
import { permutation } from "../lib/rng/permutation.ts";
import { drawVariate } from "../lib/rng/distribution.ts";
import { deriveStream } from "../lib/rng/derive_stream.ts";

const N = 1_000_000;
let sink = 0;

function normals(s: { normal(): number }) {
  let acc = 0;
  for (let i = 0; i < N; i++) acc += s.normal();
  sink += acc;
}

const zig = new SeedrandomStream("bench");
const polar = new SeedrandomStream("bench", { normalMethod: "polar" });
const numpy = new NumpyRandomState(3123);

Deno.bench(
  "normal x1e6: ziggurat (xor4096)",
  { group: "normal", baseline: true },
  () => normals(zig),
);
Deno.bench("normal x1e6: polar (xor4096)", { group: "normal" }, () => normals(polar));
Deno.bench("normal x1e6: ziggurat (alea)", { group: "normal" }, () => {
  normals(new SeedrandomStream("bench", { algorithm: "alea" }));
});
Deno.bench("normal x1e6: numpy legacy polar (MT19937)", { group: "normal" }, () => normals(numpy));

// As a study draws them: a new stream per replicate, its draws filled into arrays (the nested
// 20-group design's 4420 normals per replicate), one by one or by fillNormal.
const REPLICATE = 4420;
const draws = new Float64Array(REPLICATE);
let streamIndex = 0;
Deno.bench("normal x4420 per new stream: normal() loop (xor4096)", { group: "replicate" }, () => {
  const s = deriveStream(1, ["bench", streamIndex++]);
  for (let i = 0; i < REPLICATE; i++) draws[i] = 2 * s.normal();
  sink += draws[7];
});
Deno.bench("normal x4420 per new stream: fillNormal (xor4096)", { group: "replicate" }, () => {
  deriveStream(1, ["bench", streamIndex++]).fillNormal(draws, 2);
  sink += draws[7];
});

for (const algorithm of ["xor4096", "alea", "xorshift7", "xorwow", "xor128", "tychei"] as const) {
  const s = new SeedrandomStream("bench", { algorithm });
  Deno.bench(
    `uint32 x1e6: ${algorithm}`,
    { group: "uint32", baseline: algorithm === "xor4096" },
    () => {
      let acc = 0;
      for (let i = 0; i < N; i++) acc += s.uint32();
      sink += acc;
    },
  );
}
Deno.bench("uint32 x1e6: MT19937 (numpy)", { group: "uint32" }, () => {
  let acc = 0;
  for (let i = 0; i < N; i++) acc += numpy.uint32();
  sink += acc;
});

Deno.bench("unit-variance t(5) x1e6", { group: "variates" }, () => {
  let acc = 0;
  for (let i = 0; i < N; i++) acc += drawVariate(zig, { kind: "t", df: 5 });
  sink += acc;
});
Deno.bench("skewed chi-square(4) x1e6", { group: "variates" }, () => {
  let acc = 0;
  for (let i = 0; i < N; i++) acc += drawVariate(zig, { kind: "skewed", df: 4 });
  sink += acc;
});

Deno.bench("permutation(40000)", { group: "misc" }, () => {
  sink += permutation(zig, 40000)[0];
});
Deno.bench("deriveStream (sha256 + xor4096 warm-up)", { group: "misc" }, () => {
  sink += deriveStream(2024, ["condition", 17]).uint32();
});

globalThis.addEventListener("unload", () => {
  if (sink === 0.5) console.log(sink);
});
