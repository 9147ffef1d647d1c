/**
 * The F distribution, for modified large-sample intervals. A denominator
 * with infinite degrees of freedom gives chi-square(df1) / df1.
 *
 * @module
 */

import { regularizedBeta } from "./incomplete_beta.ts";
import { invertTails } from "./_invert.ts";
import { chiSquareCdf, chiSquareQuantile, chiSquareUpper } from "./chi_square.ts";

/** P(X <= x) for X ~ F(df1, df2); df2 may be Infinity. */
export function fCdf(x: number, df1: number, df2: number): number {
  if (!(df1 > 0) || !(df2 > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (df2 === Infinity) return chiSquareCdf(df1 * x, df1);
  return regularizedBeta((df1 * x) / (df1 * x + df2), df1 / 2, df2 / 2);
}

/** P(X > x) for X ~ F(df1, df2), computed directly. */
export function fUpper(x: number, df1: number, df2: number): number {
  if (!(df1 > 0) || !(df2 > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  if (df2 === Infinity) return chiSquareUpper(df1 * x, df1);
  return regularizedBeta(df2 / (df1 * x + df2), df2 / 2, df1 / 2);
}

/**
 * The p-quantile of F(df1, df2); df2 may be Infinity.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fQuantile } from "./f_distribution.ts";
 * assert.ok(Math.abs(fQuantile(0.95, 3, 10) - 3.7082648190468435) < 1e-12);
 * ```
 */
export function fQuantile(p: number, df1: number, df2: number): number {
  if (!(df1 > 0) || !(df2 > 0)) return NaN;
  const chiStart = chiSquareQuantile(p, df1) / df1;
  if (df2 === Infinity) return chiStart;
  return invertTails(
    {
      lower: (x) => fCdf(x, df1, df2),
      upper: (x) => fUpper(x, df1, df2),
      min: 0,
    },
    p,
    Math.max(chiStart, 1e-6),
  );
}
