// Cost of each interval method on the notebook's nested design (40,000 rows,
// REML fit), on a small nested design of the nested study (5 x 20 x 10, where
// per-replicate costs are fixed costs) and on Penicillin (crossed), next to
// the cost of the fit itself; then the ML fit's profile intervals.
// Run: deno task bench (or deno bench --allow-read bench/intervals.bench.ts)
import { crossProducts } from "../lib/model/cross_products.ts";
import { modelFrame } from "../lib/model/model_frame.ts";
import { fitVarComp } from "../lib/fit/fit.ts";
import { confidenceIntervals, INTERVAL_METHODS } from "../lib/inference/intervals.ts";
import { deriveStream } from "../lib/rng/derive_stream.ts";
import { nested } from "../lib/generate/nested.ts";
import { lme4Frames, NESTED_FORMULA, nestedData } from "./_datasets.ts";

let sink = 0;
// Bootstrap is timed separately with fewer refits.
const METHODS = INTERVAL_METHODS.filter((m) => m !== "bootstrap");

const small = nested(deriveStream(1, ["bench", "small"]), {
  nGroup1: 5,
  nGroup2: 20,
  nRep: 10,
  group1Sd: 2,
  group2Sd: 3,
  unexplainedSd: 4,
});
const cases = {
  "notebook nested": modelFrame(nestedData, NESTED_FORMULA),
  "nested 5 x 20 x 10": modelFrame(small, NESTED_FORMULA),
  Penicillin: lme4Frames.Penicillin,
};

for (const [name, frame] of Object.entries(cases)) {
  const cp = crossProducts(frame);
  const fit = fitVarComp(frame, { method: "reml", crossProducts: cp });
  Deno.bench(`${name}: REML fit (reference)`, { group: name, baseline: true }, () => {
    sink += fitVarComp(frame, { method: "reml", crossProducts: cp }).evaluations;
  });
  for (const method of METHODS) {
    Deno.bench(`${name}: ${method}`, { group: name }, () => {
      sink += confidenceIntervals(frame, fit, { methods: [method], crossProducts: cp })
        .intervals.length;
    });
  }
  const ml = fitVarComp(frame, { method: "ml", crossProducts: cp });
  Deno.bench(`${name}: ML fit, profile (variances and fixed effects)`, { group: name }, () => {
    sink += confidenceIntervals(frame, ml, { methods: ["profile"], crossProducts: cp })
      .intervals.length;
  });
  const bootstrapRefits = name === "Penicillin" ? 999 : 99;
  Deno.bench(`${name}: bootstrap (${bootstrapRefits} refits)`, { group: name, n: 5 }, () => {
    sink += confidenceIntervals(frame, fit, {
      methods: ["bootstrap"],
      crossProducts: cp,
      bootstrap: { stream: deriveStream(1, ["bench"]), replicates: bootstrapRefits },
    }).intervals.length;
  });
}

globalThis.addEventListener("unload", () => {
  if (Number.isNaN(sink)) console.log(sink);
});
