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
export * from "./method_plugin.ts";
export * from "./methods/registry.ts";
export { reml } from "./methods/reml.ts";
export { ml } from "./methods/ml.ts";
export { anova } from "./methods/anova.ts";
