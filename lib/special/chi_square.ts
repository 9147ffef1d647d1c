/**
 * The chi-square distribution, for exact and Satterthwaite intervals and
 * profile cutoffs.
 *
 * @module
 */

import { regularizedGammaP, regularizedGammaQ } from "./incomplete_gamma.ts";
import { invertTails } from "./_invert.ts";
import { normalQuantile } from "./normal.ts";

/**
 * P(X <= x) for X ~ chi-square with `df` > 0 degrees of freedom: the
 * regularised incomplete gamma P(df / 2, x / 2).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { chiSquareCdf } from "./chi_square.ts";
 * const close = (got: number, want: number) => Math.abs(got - want) <= 1e-13 * Math.abs(want);
 * assert.ok(close(chiSquareCdf(3.84, 1), 0.94995647875129474)); // R: pchisq(3.84, 1)
 * assert.ok(close(chiSquareCdf(5, 3), 0.82820285570326679)); // R: pchisq(5, 3)
 * assert.equal(chiSquareCdf(-1, 3), 0);
 * ```
 */
export function chiSquareCdf(x: number, df: number): number {
  return regularizedGammaP(df / 2, x / 2);
}

/**
 * P(X > x) for X ~ chi-square with `df` > 0 degrees of freedom, accurate in
 * relative terms far into the upper tail (no cancellation in 1 - P).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { chiSquareUpper } from "./chi_square.ts";
 * const close = (got: number, want: number) => Math.abs(got - want) <= 1e-13 * Math.abs(want);
 * // R: pchisq(3.84, 1, lower.tail = FALSE)
 * assert.ok(close(chiSquareUpper(3.84, 1), 0.050043521248705224));
 * // R: pchisq(200, 10, lower.tail = FALSE)
 * assert.ok(close(chiSquareUpper(200, 10), 1.6139305336977309e-37));
 * ```
 */
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
