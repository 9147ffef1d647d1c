/**
 * Fitting random-intercept linear mixed models by REML, ML and ANOVA.
 *
 * @module
 */
export * from "./fit.ts";
export * from "./moments.ts";
export * from "./blocked_factor.ts";
export * from "./optimize.ts";
export * from "./summary.ts";
