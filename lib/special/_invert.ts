import { brentRoot } from "./root.ts";

/**
 * Quantiles by inverting a distribution function: bracket the root, then
 * Brent's method. Each tail is inverted through its own function so that
 * quantiles near 0 and 1 keep full relative precision.
 *
 * @module
 */

/** A continuous distribution as its two tail functions on a support. */
export interface Tails {
  /** P(X <= x). */
  lower(x: number): number;
  /** P(X > x), computed directly (not as 1 - lower). */
  upper(x: number): number;
  /** Smallest value of the support (-Infinity or 0). */
  min: number;
}

/** The x with P(X <= x) = p, starting the search at `start`. */
export function invertTails(tails: Tails, p: number, start: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return tails.min;
  if (p === 1) return Infinity;
  // An increasing function whose root is the quantile.
  const g = p <= 0.5 ? (x: number) => tails.lower(x) - p : (x: number) => 1 - p - tails.upper(x);
  let lo = start, hi = start;
  let glo = g(lo), ghi = glo;
  let step = Math.max(Math.abs(start), 1);
  for (let i = 0; glo > 0 && i < 2000; i++) {
    hi = lo;
    ghi = glo;
    lo = tails.min === 0 ? lo / 2 : lo - step;
    step *= 2;
    glo = g(lo);
  }
  step = Math.max(Math.abs(start), 1);
  for (let i = 0; ghi < 0 && i < 2000; i++) {
    lo = hi;
    glo = ghi;
    hi += step;
    step *= 2;
    ghi = g(hi);
  }
  if (glo === 0) return lo;
  if (ghi === 0) return hi;
  return brentRoot(g, lo, hi, glo, ghi);
}
