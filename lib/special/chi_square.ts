/**
 * The chi-square distribution, for exact and Satterthwaite intervals and
 * profile cutoffs.
 *
 * @module
 */

import { regularizedGammaP, regularizedGammaQ } from "./incomplete_gamma.ts";
import { logGamma } from "./log_gamma.ts";
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
 * The p-quantile of chi-square with `df` degrees of freedom: Halley's
 * method on the incomplete gamma from the Wilson–Hilferty start (three or
 * four evaluations), bracketing and Brent's method should that not
 * converge. NaN for df <= 0 or p outside [0, 1].
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
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return 0;
  if (p === 1) return Infinity;
  // Wilson–Hilferty start.
  const z = normalQuantile(Math.min(Math.max(p, 1e-300), 1 - 1e-16));
  const v = 2 / (9 * df);
  const start = Math.max(df * (1 - v + z * Math.sqrt(v)) ** 3, 1e-3 * df);
  const halley = gammaQuantileHalley(p, { a: df / 2, start: start / 2 });
  if (halley !== null) return 2 * halley;
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

// Halley iterations stop after a step this small relative to x: the error after it is of the
// order of the step's cube.
const HALLEY_STEP = 1e-8;
const HALLEY_ITERATIONS = 40;

/**
 * The x with P(a, x) = p by Halley's method on the tail that keeps relative
 * precision (P for p <= 1/2, Q = 1 - P above), with the gamma density
 * f = x^(a-1) e^-x / Gamma(a) and f'/f = (a - 1)/x - 1 (Press et al. 2007,
 * section 6.2.1, which iterates the same way from a similar start). A few
 * incomplete-gamma evaluations from the Wilson–Hilferty start, where
 * bracketing and Brent's method take a dozen or more; null when it does not
 * converge (the caller brackets instead).
 */
function gammaQuantileHalley(p: number, at: { a: number; start: number }): number | null {
  const { a } = at, lower = p <= 0.5, lg = logGamma(a);
  let x = at.start;
  for (let i = 0; i < HALLEY_ITERATIONS; i++) {
    // g(x) = P(a, x) - p, from Q when p > 1/2: (1 - p) - Q(a, x).
    const g = lower ? regularizedGammaP(a, x) - p : (1 - p) - regularizedGammaQ(a, x);
    const density = Math.exp((a - 1) * Math.log(x) - x - lg);
    if (!(density > 0) || !Number.isFinite(g)) return null;
    const t = g / density, h = 0.5 * t * ((a - 1) / x - 1);
    // Halley where its correction is moderate, else Newton; never past 0.
    let next = x - (Math.abs(h) < 0.5 ? t / (1 - h) : t);
    if (!(next > 0)) next = x / 10;
    if (Math.abs(next - x) <= HALLEY_STEP * next) return next;
    x = next;
  }
  return null;
}
