/**
 * The chi-square distribution, for exact and Satterthwaite intervals and
 * profile cutoffs.
 *
 * @module
 */

import { regularizedGammaP, regularizedGammaQ } from "./incomplete_gamma.ts";
import { invertTails } from "./_invert.ts";
import { normalQuantile } from "./normal.ts";

/** P(X <= x) for X ~ chi-square with `df` > 0 degrees of freedom. */
export function chiSquareCdf(x: number, df: number): number {
  return regularizedGammaP(df / 2, x / 2);
}

/** P(X > x), accurate far into the upper tail. */
export function chiSquareUpper(x: number, df: number): number {
  return regularizedGammaQ(df / 2, x / 2);
}

/**
 * The p-quantile of chi-square with `df` degrees of freedom.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { chiSquareQuantile } from "./chi_square.ts";
 * assert.ok(Math.abs(chiSquareQuantile(0.95, 1) - 3.841458820694124) < 1e-12);
 * ```
 */
export function chiSquareQuantile(p: number, df: number): number {
  if (!(df > 0)) return NaN;
  // Wilson–Hilferty start.
  const z = normalQuantile(Math.min(Math.max(p, 1e-300), 1 - 1e-16));
  const v = 2 / (9 * df);
  const start = Math.max(df * (1 - v + z * Math.sqrt(v)) ** 3, 1e-3 * df);
  return invertTails(
    {
      lower: (x) => chiSquareCdf(x, df),
      upper: (x) => chiSquareUpper(x, df),
      min: 0,
    },
    p,
    start,
  );
}
