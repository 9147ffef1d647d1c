/**
 * Root finding in a bracket, shared by quantile inversion and profile
 * limits.
 *
 * @module
 */

/**
 * Brent's method (Brent 1973, ch. 4) for a root of g in a bracket [a, b]
 * whose end values fa = g(a) and fb = g(b) differ in sign: inverse quadratic
 * interpolation and secant steps, safeguarded by bisection. Stops when the
 * bracket is within a few ulps of the root, or when |g| <= `gTolerance`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { brentRoot } from "./root.ts";
 * const r = brentRoot((x) => x * x - 2, 1, 2, -1, 2);
 * assert.ok(Math.abs(r - Math.SQRT2) < 1e-15);
 * ```
 */
export function brentRoot(
  g: (x: number) => number,
  a: number,
  b: number,
  fa: number,
  fb: number,
  gTolerance = 0,
): number {
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
    if (Math.abs(m) <= tol || Math.abs(fb) <= gTolerance) return b;
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
