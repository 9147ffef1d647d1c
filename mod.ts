/**
 * vcsim: reproducible simulation studies of variance-component estimators.
 *
 * Random streams and generators, a REML/ML/ANOVA fitter for random-intercept
 * models matching lme4, standard errors and intervals, a study runner with
 * a results store, and study reports.
 *
 * @module
 */
export * from "./lib/rng/mod.ts";
export * from "./lib/data/mod.ts";
export * from "./lib/generate/mod.ts";
export * from "./lib/model/mod.ts";
export * from "./lib/linalg/mod.ts";
export * from "./lib/fit/mod.ts";
export * from "./lib/inference/mod.ts";
export * from "./lib/study/mod.ts";
export * from "./lib/store/mod.ts";
export * from "./lib/report/mod.ts";
export * from "./lib/external/mod.ts";
export { VERSION } from "./lib/version.ts";
