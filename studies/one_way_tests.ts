/**
 * Size and power of the tests of a between-group variance: a balanced
 * one-way design, number of groups by intra-class correlation (ICC 0 is
 * the null, where the rejection rate is the size), total variance 1.
 */
import { defineStudy, nested } from "../mod.ts";

export default defineStudy({
  name: "one-way-tests",
  ademp: {
    aims: "Which test of a between-group variance holds its size, and which has the most power?",
    data:
      "Balanced one-way: y = group effect + error, normal, 5 rows per group, total variance 1; " +
      "number of groups and ICC (0 = no group effect) as in the design grid.",
    estimands: "H0: the group variance is 0, tested at alpha = 0.05.",
    methods: "REML fit of y ~ 1 + (1|group1); ML and REML likelihood ratios against the " +
      "chi-square mixture and chi-square(1), the RLRT against its simulated exact null, the " +
      "ANOVA F test, the parametric-bootstrap LRT (199 refits) and the one-sided Wald z test.",
    performance: "Rejection rate with its Monte Carlo SE: size at ICC 0, power elsewhere.",
  },
  factors: { groups: [5, 10, 20, 40], icc: [0, 0.05, 0.1, 0.2] },
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
  methods: ["reml"],
  intervals: [],
  tests: ["lrt", "lrt-chisq", "rlrt", "rlrt-chisq", "rlrt-exact", "f", "bootstrap-lrt", "wald"],
  alpha: 0.05,
  bootstrapReplicates: 199,
  reps: 1000,
  seed: 3123,
});
