/**
 * The seed notebook's nested design (200 x 20 x 10; SDs 2, 3, 4), plus
 * small-sample conditions where REML, ML and ANOVA part ways: 5 and 20
 * top-level groups, and a small group1 variance.
 */
import { defineStudy, nested } from "../mod.ts";

export default defineStudy({
  name: "nested",
  ademp: {
    aims:
      "Bias and interval coverage of REML, ML and ANOVA estimates of nested variance components, " +
      "from the notebook's large design down to few top-level groups.",
    data:
      "y = group1 effect + group1:group2 effect + error, all normal; 20 group2 levels per group1 level, " +
      "10 rows per cell; group2 SD 3, error SD 4; group1 levels and SD as in the design grid.",
    estimands:
      "The group1, group1:group2 and residual variances (group1_sd^2, 9, 16) and the intercept (0).",
    methods:
      "REML, ML and ANOVA fits of y ~ 1 + (1|group1/group2) on the same dataset, with Wald, " +
      "log-Wald, Satterthwaite and profile-likelihood 95% intervals.",
    performance:
      "Bias, empirical and model SE, MSE, coverage and interval width, with Monte Carlo SEs.",
  },
  factors: { n_group1: [5, 20, 200], group1_sd: [0.5, 2] },
  // The notebook's size only at the notebook's SD: the large design is the costly one.
  filter: (c) => c.n_group1 !== 200 || c.group1_sd === 2,
  generate: (c, stream) =>
    nested(stream, {
      nGroup1: Number(c.n_group1),
      nGroup2: 20,
      nRep: 10,
      group1Sd: Number(c.group1_sd),
      group2Sd: 3,
      unexplainedSd: 4,
    }),
  truth: (c) => ({
    group1: Number(c.group1_sd) ** 2,
    "group1:group2": 9,
    Residual: 16,
    "(Intercept)": 0,
  }),
  formula: "y ~ 1 + (1|group1/group2)",
  methods: ["reml", "ml", "anova"],
  intervals: ["wald", "wald-log", "satterthwaite", "profile"],
  reps: 1000,
  seed: 3123,
});
