/**
 * Standard errors and confidence intervals for variance components and
 * fixed effects.
 *
 * @module
 */
export * from "./intervals.ts";
export * from "./information.ts";
export * from "./profile.ts";
export * from "./balanced_anova.ts";
export * from "./bootstrap.ts";
export * from "./satterthwaite_df.ts";
export * from "./variance_deviance.ts";
