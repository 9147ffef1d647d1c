// Variance SEs (varianceCovariance, the expected information's inverse) of
// crossed designs, next to the fit: Penicillin (24 x 6, lme4) and the
// notebook's crossed design (100 x 100 levels, 4 rows per cell), REML and ML.
// Run: deno bench --allow-read bench/information.bench.ts
import { crossProducts } from "../lib/model/cross_products.ts";
import { modelFrame } from "../lib/model/model_frame.ts";
import { fitVarComp } from "../lib/fit/fit.ts";
import { varianceCovariance } from "../lib/inference/information.ts";
import { crossed } from "../lib/generate/crossed.ts";
import { deriveStream } from "../lib/rng/derive_stream.ts";
import { lme4Frames } from "./_datasets.ts";

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

globalThis.addEventListener("unload", () => {
  if (Number.isNaN(sink)) console.log(sink);
});
