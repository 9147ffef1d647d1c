/**
 * Model frames for random-intercept models: lme4 formulas, the frame built
 * from a dataset or from arrays, and the cross-products the fitter uses.
 *
 * @module
 */
export * from "./frame.ts";
export * from "./formula.ts";
export * from "./model_frame.ts";
export * from "./cross_products.ts";
