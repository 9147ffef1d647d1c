/**
 * vcsim's REML beside lme4's and statsmodels' on the same replicates:
 * scaled-down versions of the seed notebook's nested design (10 x 5 x 4
 * instead of 200 x 20 x 10) and crossed design (10 x 10 levels, 2 rows per
 * level pair on average, permuted labels, instead of 100 x 100 x 4); SDs 2,
 * 3 and 4 as in the notebook. Needs R with lme4 and jsonlite, and a Python
 * with statsmodels: the run stops at once, saying which is missing.
 */
import { crossed, defineStudy, lme4Method, nested, statsmodelsMethod } from "../mod.ts";

/**
 * Debian's python3-statsmodels is installed for the system interpreter,
 * which need not be the `python3` first on PATH; elsewhere, `python3`.
 */
function systemPython(): string {
  try {
    if (Deno.build.os !== "windows" && Deno.statSync("/usr/bin/python3").isFile) {
      return "/usr/bin/python3";
    }
  } catch { /* not there */ }
  return "python3";
}

export default defineStudy({
  name: "software",
  ademp: {
    aims:
      "Do lme4 and statsmodels give vcsim's REML estimates on the same data, and does statsmodels' " +
      "early stopping (its optimizer's default tolerances) show up as bias in the variance components?",
    data:
      "The notebook's nested design scaled down to 10 group1 levels x 5 group2 levels x 4 rows, and its " +
      "crossed design scaled down to 10 x 10 levels with 2 rows per level pair on average (labels " +
      "assigned by random permutation); group1, group2 and error SDs 2, 3 and 4.",
    estimands: "The group1, group2 (or group1:group2) and residual variances (4, 9, 16).",
    methods:
      "REML fits by vcsim, by lme4::lmer (default lmerControl) and by statsmodels MixedLM through " +
      "vc_formula (as in the notebook), on the same dataset; Wald intervals computed by vcsim at " +
      "each method's estimates.",
    performance:
      "Bias, empirical SE and RMSE of each method's estimates with Monte Carlo SEs; the replicate-wise " +
      "differences from vcsim's REML are in the store (replicates.csv).",
  },
  factors: { design: ["nested", "crossed"] },
  generate: (c, stream) =>
    c.design === "nested"
      ? nested(stream, {
        nGroup1: 10,
        nGroup2: 5,
        nRep: 4,
        group1Sd: 2,
        group2Sd: 3,
        unexplainedSd: 4,
      })
      : crossed(stream, {
        nGroup1: 10,
        nGroup2: 10,
        nRep: 2,
        group1Sd: 2,
        group2Sd: 3,
        unexplainedSd: 4,
      }),
  truth: (c): Record<string, number> =>
    c.design === "nested"
      ? { group1: 4, "group1:group2": 9, Residual: 16, "(Intercept)": 0 }
      : { group1: 4, group2: 9, Residual: 16, "(Intercept)": 0 },
  formula: (c) =>
    c.design === "nested" ? "y ~ 1 + (1|group1/group2)" : "y ~ 1 + (1|group1) + (1|group2)",
  methods: ["reml", lme4Method(), statsmodelsMethod({ interpreter: systemPython() })],
  intervals: ["wald"],
  reps: 300,
  seed: 3123,
});
