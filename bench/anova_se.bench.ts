// Cost of an ANOVA fit's variance SEs on the notebook's designs: the ANOVA
// estimator's own sampling covariance (anovaCovariance: level sums for the
// nested design, Z'Z blocks for the crossed one) against what ANOVA fits used
// before, the inverse REML information by finite differences of the factor;
// and with a covariate, which makes the nested design's ANOVA MIVQUE0.
// Run: deno bench --allow-read bench/anova_se.bench.ts
import { crossProducts } from "../lib/model/cross_products.ts";
import { modelFrame } from "../lib/model/model_frame.ts";
import { fitVarComp } from "../lib/fit/fit.ts";
import { anovaCovariance } from "../lib/inference/anova_covariance.ts";
import { _informationCovariance } from "../lib/inference/_information_covariance.ts";
import { CROSSED_FORMULA, crossedData, NESTED_FORMULA, nestedData } from "./_datasets.ts";

let sink = 0;

// The nested data with a covariate x = sin(row): MIVQUE0 on 4,000 + 200 levels.
const withX = new Map(nestedData.columns);
withX.set("x", {
  kind: "numeric",
  values: Float64Array.from({ length: nestedData.nrow }, (_, i) => Math.sin(i)),
});

const cases = {
  "notebook nested": modelFrame(nestedData, NESTED_FORMULA),
  "notebook nested + x": modelFrame(
    { nrow: nestedData.nrow, columns: withX },
    "y ~ 1 + x + (1|group1) + (1|group1:group2)",
  ),
  "notebook crossed": modelFrame(crossedData, CROSSED_FORMULA),
};

for (const [name, frame] of Object.entries(cases)) {
  const cp = crossProducts(frame);
  const fit = fitVarComp(frame, { method: "anova", crossProducts: cp });
  const K = cp.order.length;
  const s = new Float64Array(K + 1);
  cp.order.forEach((i, t) => s[t] = fit.variances[frame.terms[i].name]);
  s[K] = fit.variances.Residual;
  const truncated = s.map((v) => Math.max(v, 0));
  Deno.bench(`${name}: REML information (before)`, { group: name, baseline: true }, () => {
    sink += _informationCovariance(cp, truncated, { kind: "expected", reml: true })![0];
  });
  Deno.bench(`${name}: ANOVA estimator covariance (${fit.estimator})`, { group: name }, () => {
    sink += anovaCovariance(cp, s, { estimator: fit.estimator as "mivque0" })![0];
  });
  Deno.bench(`${name}: ANOVA fit (reference)`, { group: name }, () => {
    sink += fitVarComp(frame, { method: "anova", crossProducts: cp }).nobs;
  });
}

globalThis.addEventListener("unload", () => {
  if (Number.isNaN(sink)) console.log(sink);
});
