// Variance SEs (varianceCovariance, the expected information's inverse) of
// crossed designs, next to the fit: Penicillin (24 x 6, lme4) and the
// notebook's crossed design (100 x 100 levels, 4 rows per cell), REML and ML.
// Then the exact information of a sparse crossed design shaped like InstEval
// (1500 students rating 25 of 600 lecturers each), with term 0's products in
// WebAssembly SIMD and in the scalar loops (the same bits; see
// lib/inference/_term_zero_products.ts).
// Run: deno bench --allow-read bench/information.bench.ts
import { crossProducts } from "../lib/model/cross_products.ts";
import { modelFrame } from "../lib/model/model_frame.ts";
import { fitVarComp } from "../lib/fit/fit.ts";
import { varianceCovariance } from "../lib/inference/information.ts";
import { crossed } from "../lib/generate/crossed.ts";
import { deriveStream } from "../lib/rng/derive_stream.ts";
import { lme4Frames } from "./_datasets.ts";
import type { ModelFrame } from "../lib/model/frame.ts";
import { _schurExpectedInformation } from "../lib/inference/_schur_information.ts";

let sink = 0;
const cases = {
  Penicillin: lme4Frames.Penicillin,
  "notebook crossed": modelFrame(
    crossed(deriveStream(1, ["bench", "crossed"])),
    "y ~ 1 + (1|group1) + (1|group2)",
  ),
};

for (const [name, frame] of Object.entries(cases)) {
  const cp = crossProducts(frame);
  for (const method of ["reml", "ml"] as const) {
    const fit = fitVarComp(frame, { method, crossProducts: cp });
    const group = `${name} ${method}`;
    Deno.bench(`${group}: fit (reference)`, { group, baseline: true }, () => {
      sink += fitVarComp(frame, { method, crossProducts: cp }).evaluations;
    });
    Deno.bench(`${group}: variance SEs`, { group }, () => {
      sink += varianceCovariance(frame, fit, { crossProducts: cp }).se.length;
    });
  }
}

/** `students` levels of s each with `per` distinct random levels of d among `lecturers`. */
function sparseCrossed(students: number, lecturers: number, per: number): ModelFrame {
  const stream = deriveStream(2, ["bench", "sparse crossed"]);
  const s: number[] = [], d: number[] = [];
  for (let i = 0; i < students; i++) {
    const chosen = new Set<number>();
    while (chosen.size < per) chosen.add(Math.floor(stream.uniform() * lecturers));
    for (const j of chosen) s.push(i), d.push(j);
  }
  const term = (name: string, codes: number[], l: number) => ({
    name,
    codes: Int32Array.from(codes),
    levels: Array.from({ length: l }, (_, k) => `${name}${k}`),
  });
  return {
    response: "y",
    y: Float64Array.from(s, () => stream.normal()),
    X: new Float64Array(s.length).fill(1),
    fixedNames: ["(Intercept)"],
    terms: [term("s", s, students), term("d", d, lecturers)],
    droppedRows: 0,
  };
}

{
  const cp = crossProducts(sparseCrossed(1500, 600, 25));
  const at = new Float64Array([0.3, 0.2, 1]);
  const group = "sparse crossed 1500 x 600: exact information";
  for (const simd of [false, true]) {
    Deno.bench(`${group}, term 0's products ${simd ? "in SIMD" : "in scalar loops"}`, {
      group,
      baseline: !simd,
    }, () => {
      sink += _schurExpectedInformation(cp, at, { reml: true, simd })![0];
    });
  }
}

globalThis.addEventListener("unload", () => {
  if (Number.isNaN(sink)) console.log(sink);
});
