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
  return brent(g, lo, hi, glo, ghi);
}

/** Brent's root finder on a bracket [a, b] with g(a) < 0 < g(b). */
function brent(g: (x: number) => number, a: number, b: number, fa: number, fb: number): number {
  let c = a, fc = fa, d = b - a, e = d;
  for (let iter = 0; iter < 200; iter++) {
    if (Math.sign(fb) === Math.sign(fc)) {
      c = a;
      fc = fa;
      d = e = b - a;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol = 2 * Number.EPSILON * Math.abs(b) + 1e-300;
    const m = (c - b) / 2;
    if (Math.abs(m) <= tol || fb === 0) return b;
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      // Secant or inverse quadratic interpolation.
      let p: number, q: number;
      const s = fb / fa;
      if (a === c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const qq = fa / fc, r = fb / fc;
        p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : (m > 0 ? tol : -tol);
    fb = g(b);
  }
  return b;
}
