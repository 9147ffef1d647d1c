/**
 * The classic coverage study: a balanced one-way design, number of groups
 * by intra-class correlation, total variance 1.
 */
import { defineStudy, nested } from "../mod.ts";

export default defineStudy({
  name: "one-way",
  ademp: {
    aims: "Which interval for a between-group variance covers at 95% with few groups?",
    data:
      "Balanced one-way: y = group effect + error, normal, 5 rows per group, total variance 1; " +
      "number of groups and ICC = between-group share of the variance as in the design grid.",
    estimands: "The group variance (ICC), the residual variance (1 - ICC) and the intercept (0).",
    methods: "REML, ML and ANOVA fits of y ~ 1 + (1|group1), with Wald, log-Wald, Satterthwaite, " +
      "profile-likelihood, MLS and (residual) exact chi-square 95% intervals.",
    performance:
      "Bias, empirical and model SE, coverage (over all and over defined intervals), width.",
  },
  factors: { groups: [5, 10, 30], icc: [0.05, 0.2, 0.5] },
  // One-way data are the nested generator with one group2 level per group and no group2 effect.
  generate: (c, stream) =>
    nested(stream, {
      nGroup1: Number(c.groups),
      nGroup2: 1,
      nRep: 5,
      group1Sd: Math.sqrt(Number(c.icc)),
      group2Sd: 0,
      unexplainedSd: Math.sqrt(1 - Number(c.icc)),
    }),
  truth: (c) => ({ group1: Number(c.icc), Residual: 1 - Number(c.icc), "(Intercept)": 0 }),
  formula: "y ~ 1 + (1|group1)",
  methods: ["reml", "ml", "anova"],
  intervals: ["wald", "wald-log", "satterthwaite", "profile", "mls", "exact"],
  reps: 1000,
  seed: 3123,
});
