// Cost of each test of a variance component per replicate (a fresh test
// context each time, as in a study, so no reduced fit is reused across
// iterations), on a balanced one-way design (20 groups of 5) and on the
// notebook's nested design (40,000 rows), next to the REML fit itself.
// `rlrt-exact` keeps its null distribution per design across replicates,
// as a worker does; its first call (the simulation) is timed separately.
// Run: deno task bench (or deno bench --allow-read bench/tests.bench.ts)
import { crossProducts } from "../lib/model/cross_products.ts";
import { modelFrame } from "../lib/model/model_frame.ts";
import { fitVarComp } from "../lib/fit/fit.ts";
import { nested } from "../lib/generate/nested.ts";
import { deriveStream } from "../lib/rng/derive_stream.ts";
import { rlrtExactTest, TEST_NAMES, testContext, varianceTests } from "../lib/inference/mod.ts";
import { NESTED_FORMULA, nestedData } from "./_datasets.ts";

let sink = 0;

const cases = {
  "one-way 20 x 5": modelFrame(
    nested(deriveStream(1, ["bench-one-way"]), {
      nGroup1: 20,
      nGroup2: 1,
      nRep: 5,
      group1Sd: Math.sqrt(0.1),
      group2Sd: 0,
      unexplainedSd: Math.sqrt(0.9),
    }),
    "y ~ 1 + (1|group1)",
  ),
  "notebook nested": modelFrame(nestedData, NESTED_FORMULA),
};

for (const [name, frame] of Object.entries(cases)) {
  const cp = crossProducts(frame);
  const fit = fitVarComp(frame, { method: "reml", crossProducts: cp });
  const context = () =>
    testContext(frame, {
      crossProducts: cp,
      bootstrapReplicates: 99,
      stream: (k) => deriveStream(1, ["bench", k]),
    });
  Deno.bench(`${name}: REML fit (reference)`, { group: name, baseline: true }, () => {
    sink += fitVarComp(frame, { method: "reml", crossProducts: cp }).evaluations;
  });
  for (const test of TEST_NAMES) {
    const label = test === "bootstrap-lrt" ? "bootstrap-lrt (99 refits)" : test;
    Deno.bench(
      `${name}: ${label}`,
      { group: name, n: test === "bootstrap-lrt" ? 5 : undefined },
      () => {
        sink += varianceTests(frame, fit, { tests: [test], context: context() }).length;
      },
    );
  }
  Deno.bench(`${name}: all eight tests, one context`, { group: name, n: 5 }, () => {
    sink += varianceTests(frame, fit, { tests: [...TEST_NAMES], context: context() }).length;
  });
  let seed = 0;
  Deno.bench(`${name}: rlrt-exact, first call (simulates its null)`, { group: name, n: 5 }, () => {
    // A new seed each time: a design the cache has not seen.
    const c = testContext(frame, { crossProducts: cp, seed: `bench-${seed++}` });
    sink += varianceTests(frame, fit, { tests: [rlrtExactTest({ name: "fresh" })], context: c })
      .length;
  });
}

globalThis.addEventListener("unload", () => {
  if (Number.isNaN(sink)) console.log(sink);
});
