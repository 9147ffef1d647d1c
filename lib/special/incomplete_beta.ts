/**
 * The regularised incomplete beta function, behind the t and F
 * distributions.
 *
 * @module
 */

import { logBeta } from "./log_gamma.ts";

const EPS = 1e-16;
const TINY = 1e-300;

/**
 * The regularised incomplete beta function I_x(a, b) for 0 <= x <= 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { regularizedBeta } from "./incomplete_beta.ts";
 * // I_x(1, 1) = x and I_x(a, 1) = x^a.
 * assert.ok(Math.abs(regularizedBeta(0.3, 1, 1) - 0.3) < 1e-15);
 * assert.ok(Math.abs(regularizedBeta(0.5, 3, 1) - 0.125) < 1e-15);
 * ```
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  // The continued fraction converges fast on the side of the mean; use the
  // symmetry I_x(a, b) = 1 - I_{1-x}(b, a) on the other.
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedBeta(1 - x, b, a);
  const front = Math.exp(
    a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b),
  );
  return (front * betaContinuedFraction(x, a, b)) / a;
}

/** The continued fraction of I_x(a, b) (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b, qap = a + 1, qam = a - 1;
  let c = 1, d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  const maxTerms = 1000 + 20 * Math.sqrt(Math.max(a, b));
  for (let m = 1; m < maxTerms; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}
