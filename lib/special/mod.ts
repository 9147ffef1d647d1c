/**
 * Special functions and the distributions intervals need: normal,
 * chi-square, t and F, with their quantiles.
 *
 * @module
 */

export { logBeta, logGamma } from "./log_gamma.ts";
export { regularizedGammaP, regularizedGammaQ } from "./incomplete_gamma.ts";
export { regularizedBeta } from "./incomplete_beta.ts";
export { normalCdf, normalQuantile } from "./normal.ts";
export { chiSquareCdf, chiSquareQuantile, chiSquareUpper } from "./chi_square.ts";
export { tCdf, tQuantile } from "./student_t.ts";
export { fCdf, fQuantile, fUpper } from "./f_distribution.ts";
export { brentRoot } from "./root.ts";
