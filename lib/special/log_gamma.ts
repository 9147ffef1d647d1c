/**
 * The logarithm of the gamma function, the normalising constant of every
 * distribution in this folder.
 *
 * @module
 */

// Lanczos approximation with g = 7, n = 9 (relative error about 1e-15).
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.91893853320467274178;

/**
 * log Γ(x) for x > 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { logGamma } from "./log_gamma.ts";
 * assert.ok(Math.abs(logGamma(5) - Math.log(24)) < 1e-14);
 * assert.ok(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-14);
 * ```
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (x === Infinity) return Infinity;
  if (x < 0.5) {
    // Reflection keeps the approximation in its accurate range.
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  if (x >= 15) return stirling(x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Stirling's series; at x >= 15 the omitted terms are below 1e-17. */
function stirling(x: number): number {
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + stirlingCorrection(x);
}

/** log Γ(x) - Stirling's leading terms, for x >= 15. */
function stirlingCorrection(x: number): number {
  const r = 1 / (x * x);
  return (1 / 12 - r * (1 / 360 - r * (1 / 1260 - r * (1 / 1680 - r / 1188)))) / x;
}

/**
 * log B(a, b) = log Γ(a) + log Γ(b) - log Γ(a + b), without the cancellation
 * of three large logarithms when a or b is large (as in R's lbeta).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { logBeta } from "./log_gamma.ts";
 * assert.ok(Math.abs(logBeta(2, 3) - Math.log(1 / 12)) < 1e-14);
 * ```
 */
export function logBeta(a: number, b: number): number {
  const p = Math.min(a, b), q = Math.max(a, b);
  if (!(p > 0)) return p === 0 ? Infinity : NaN;
  if (p >= 15) {
    return -0.5 * Math.log(q) + HALF_LOG_TWO_PI + stirlingCorrection(p) +
      stirlingCorrection(q) - stirlingCorrection(p + q) + (p - 0.5) * Math.log(p / (p + q)) +
      q * Math.log1p(-p / (p + q));
  }
  if (q >= 15) {
    return logGamma(p) + stirlingCorrection(q) - stirlingCorrection(p + q) + p -
      p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}
