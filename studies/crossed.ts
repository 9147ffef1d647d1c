/**
 * The seed notebook's crossed design (100 x 100 levels, 4 rows per level
 * pair on average, labels assigned by random permutation; SDs 2, 3, 4), plus
 * small balanced crossings where the methods differ.
 */
import { crossed, defineStudy } from "../mod.ts";

export default defineStudy({
  name: "crossed",
  ademp: {
    aims:
      "Bias and interval coverage of REML, ML and ANOVA (MIVQUE0) estimates of crossed variance components.",
    data:
      "y = group1 effect + group2 effect + error, all normal, SDs 2, 3, 4. The notebook's layout pairs " +
      "labels by independent random permutations (100 x 100, 4 rows per level pair on average); the small " +
      "designs are balanced with 2 rows per cell.",
    estimands: "The group1, group2 and residual variances (4, 9, 16) and the intercept (0).",
    methods:
      "REML, ML and ANOVA fits of y ~ 1 + (1|group1) + (1|group2) on the same dataset, with Wald, " +
      "log-Wald, Satterthwaite and profile-likelihood 95% intervals.",
    performance:
      "Bias, empirical and model SE, MSE, coverage and interval width, with Monte Carlo SEs.",
  },
  factors: { levels: [5, 20, 100] },
  generate: (c, stream) =>
    Number(c.levels) === 100
      ? crossed(stream, { nGroup1: 100, nGroup2: 100, nRep: 4 })
      : crossed(stream, {
        nGroup1: Number(c.levels),
        nGroup2: Number(c.levels),
        nRep: 2,
        layout: "balanced",
      }),
  truth: () => ({ group1: 4, group2: 9, Residual: 16, "(Intercept)": 0 }),
  formula: "y ~ 1 + (1|group1) + (1|group2)",
  methods: ["reml", "ml", "anova"],
  intervals: ["wald", "wald-log", "satterthwaite", "profile"],
  reps: 1000,
  seed: 3123,
});
