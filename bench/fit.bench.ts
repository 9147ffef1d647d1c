// Full fits: the notebook's 40,000-row designs from a Dataset (model frame,
// cross-products, optimisation) and refits of the lme4 reference datasets.
// "from the Dataset" fits the same Dataset each time, as a study's replicates
// fit new responses on one design (the frame reuses the design's terms, see
// lib/model/_design_cache.ts); "two designs alternating" fits two designs in turn,
// so nothing is reused.
// Run: deno task bench (or deno bench --allow-read bench/fit.bench.ts)
import { modelFrame } from "../lib/model/model_frame.ts";
import { crossProducts } from "../lib/model/cross_products.ts";
import { fitVarComp } from "../lib/fit/fit.ts";
import {
  CROSSED_FORMULA,
  crossedData,
  lme4Frames,
  NESTED_FORMULA,
  nestedData,
} from "./_datasets.ts";

let sink = 0;

// Warm the JIT on every path first: otherwise the first benchmark of the file
// pays for compilation and reads slower than the steady state.
for (let i = 0; i < 30; i++) {
  for (const method of ["reml", "ml", "anova"] as const) {
    sink += fitVarComp(modelFrame(nestedData, NESTED_FORMULA), { method }).variances.Residual;
    sink += fitVarComp(modelFrame(crossedData, CROSSED_FORMULA), { method }).variances.Residual;
  }
}

for (const method of ["reml", "ml", "anova"] as const) {
  Deno.bench(`notebook nested 40,000 rows, ${method}, from the Dataset`, {
    group: `nested-${method}`,
  }, () => {
    sink += fitVarComp(modelFrame(nestedData, NESTED_FORMULA), { method }).variances.Residual;
  });
}
// The same data with one row moved to another group2 level: a different design.
const otherNested = (() => {
  const columns = new Map(nestedData.columns);
  const g2 = nestedData.columns.get("group2")!;
  if (g2.kind !== "factor") throw new TypeError("group2 is not a factor column");
  const codes = g2.codes.slice();
  codes[codes.length - 1] = (codes[codes.length - 1] + 1) % g2.levels.length;
  columns.set("group2", { ...g2, codes });
  return { nrow: nestedData.nrow, columns };
})();
Deno.bench("notebook nested 40,000 rows, reml, two designs alternating (two fits)", {
  group: "nested-reml",
  n: 500,
}, () => {
  sink += fitVarComp(modelFrame(nestedData, NESTED_FORMULA), { method: "reml" }).evaluations;
  sink += fitVarComp(modelFrame(otherNested, NESTED_FORMULA), { method: "reml" }).evaluations;
});
Deno.bench("notebook nested: cross-products only", { group: "nested-reml" }, () => {
  sink += crossProducts(modelFrame(nestedData, NESTED_FORMULA)).n;
});

for (const method of ["reml", "ml", "anova"] as const) {
  Deno.bench(`notebook crossed 40,000 rows, ${method}, from the Dataset`, {
    group: `crossed-${method}`,
  }, () => {
    sink += fitVarComp(modelFrame(crossedData, CROSSED_FORMULA), { method }).variances.Residual;
  });
}

for (const [name, frame] of Object.entries(lme4Frames)) {
  const cp = crossProducts(frame);
  Deno.bench(`${name} REML refit`, { group: name }, () => {
    sink += fitVarComp(frame, { method: "reml", crossProducts: cp }).variances.Residual;
  });
  Deno.bench(`${name} REML fit from the frame`, { group: name }, () => {
    sink += fitVarComp(frame, { method: "reml" }).variances.Residual;
  });
}

globalThis.addEventListener("unload", () => {
  if (Number.isNaN(sink)) console.log(sink);
});
