/**
 * The F distribution, for modified large-sample intervals. A denominator
 * with infinite degrees of freedom gives chi-square(df1) / df1.
 *
 * @module
 */

import { regularizedBeta } from "./incomplete_beta.ts";
import { invertTails } from "./_invert.ts";
import { chiSquareCdf, chiSquareQuantile, chiSquareUpper } from "./chi_square.ts";

/**
 * P(X <= x) for X ~ F(df1, df2), via the regularised incomplete beta
 * function; df2 may be Infinity (then chi-square(df1) / df1).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fCdf } from "./f_distribution.ts";
 * import { chiSquareCdf } from "./chi_square.ts";
 * const close = (got: number, want: number) => Math.abs(got - want) <= 1e-13 * Math.abs(want);
 * assert.ok(close(fCdf(3.5, 2, 12), 0.93653038403085698)); // R: pf(3.5, 2, 12)
 * assert.equal(fCdf(2, 3, Infinity), chiSquareCdf(6, 3));
 * assert.ok(Number.isNaN(fCdf(1, 0, 5)));
 * ```
 */
export function fCdf(x: number, df1: number, df2: number): number {
  if (!(df1 > 0) || !(df2 > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (df2 === Infinity) return chiSquareCdf(df1 * x, df1);
  return regularizedBeta((df1 * x) / (df1 * x + df2), df1 / 2, df2 / 2);
}

/**
 * P(X > x) for X ~ F(df1, df2), computed directly (accurate in relative
 * terms in the upper tail); df2 may be Infinity.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fUpper } from "./f_distribution.ts";
 * const close = (got: number, want: number) => Math.abs(got - want) <= 1e-13 * Math.abs(want);
 * // R: pf(3.5, 2, 12, lower.tail = FALSE)
 * assert.ok(close(fUpper(3.5, 2, 12), 0.063469615969142953));
 * // R: pf(50, 3, 10, lower.tail = FALSE)
 * assert.ok(close(fUpper(50, 3, 10), 2.5134704183840483e-6));
 * ```
 */
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
