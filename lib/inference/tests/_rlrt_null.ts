/**
 * The finite-sample null distribution of the RLRT for one variance
 * component, by its spectral representation (Crainiceanu & Ruppert 2004,
 * JRSS-B 66:165, Theorem 1; the method of RLRsim's exactRLRT): with mu_s
 * the eigenvalues of Z'P0 Z (P0 = I - X(X'X)^-1 X'), w_s independent
 * standard normals and lambda = sigma_b^2 / sigma^2,
 *
 *   RLRT = sup_{lambda >= 0} (n - p) log(1 + N(lambda) / D(lambda)) - sum_s log(1 + lambda mu_s),
 *   N = sum_s lambda mu_s / (1 + lambda mu_s) w_s^2,
 *   D = sum_s w_s^2 / (1 + lambda mu_s) + (chi-square with n - p - K df),
 *
 * K the number of nonzero mu_s. Equal eigenvalues share one chi-square
 * draw (a balanced one-way design has a single distinct value), and the
 * supremum is taken over a log-spaced grid of lambda mu_max in
 * [1e-5, 1e5] refined by a parabola through the best three points.
 *
 * @module
 */

import { chiSquare } from "../../rng/gamma.ts";
import type { RandomStream } from "../../rng/stream.ts";
import type { CrossProducts } from "../../model/cross_products.ts";
import { choleskyInPlace, inverseFromCholesky } from "../../linalg/cholesky.ts";
import { symmetricEigenvalues } from "../../linalg/symmetric_eigenvalues.ts";

const GRID = 201, LOG_LO = -5, LOG_HI = 5;
/** Largest number of levels whose eigenvalues are computed (dense, cubic cost). */
export const _MAX_LEVELS = 2000;

/** Distinct nonzero eigenvalues of Z_t'P0 Z_t for sorted term t, with multiplicities. */
export function _nullSpectrum(cp: CrossProducts, t: number): { mu: number[]; mult: number[] } {
  const l = cp.nlevels[t], p = cp.p, P = p + 1;
  const xx = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) xx[a * p + b] = cp.xyxy[a * P + b];
  if (choleskyInPlace(xx, p) >= 0) throw new RangeError("X'X is singular");
  const B = inverseFromCholesky(xx, p), U = cp.xyz[t], c = cp.counts[t];
  const m = new Float64Array(l * l);
  for (let i = 0; i < l; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let a = 0; a < p; a++) {
        let r = 0;
        for (let b = 0; b < p; b++) r += B[a * p + b] * U[b * l + j];
        s += U[a * l + i] * r;
      }
      const v = (i === j ? c[i] : 0) - s;
      m[i * l + j] = v;
      m[j * l + i] = v;
    }
  }
  const ev = symmetricEigenvalues(m, l);
  const tol = 1e-9 * Math.max(ev[l - 1], 1e-300);
  const mu: number[] = [], mult: number[] = [];
  for (const v of ev) {
    if (v <= tol) continue;
    if (mu.length > 0 && v - mu[mu.length - 1] <= tol) mult[mult.length - 1]++;
    else mu.push(v), mult.push(1);
  }
  return { mu, mult };
}

/** Options of {@linkcode _rlrtNull}. */
export interface _NullOptions {
  /** n - p: residual degrees of freedom of the fixed part. */
  readonly dof: number;
  readonly simulations: number;
  readonly stream: RandomStream;
}

/** `simulations` draws of the null RLRT, sorted increasingly. */
export function _rlrtNull(spectrum: { mu: number[]; mult: number[] }, options: _NullOptions) {
  const { mu, mult } = spectrum, D = mu.length, { dof } = options;
  const K = mult.reduce((a, b) => a + b, 0), rest = dof - K;
  const top = Math.max(...mu);
  const lambda = Float64Array.from(
    { length: GRID },
    (_, g) => 10 ** (LOG_LO + (g * (LOG_HI - LOG_LO)) / (GRID - 1)) / top,
  );
  // Per grid point: lambda mu / (1 + lambda mu), 1 / (1 + lambda mu) and sum log(1 + lambda mu).
  const a = new Float64Array(GRID * D),
    b = new Float64Array(GRID * D),
    pen = new Float64Array(GRID);
  lambda.forEach((lam, g) => {
    for (let s = 0; s < D; s++) {
      const q = 1 + lam * mu[s];
      a[g * D + s] = (lam * mu[s]) / q;
      b[g * D + s] = 1 / q;
      pen[g] += mult[s] * Math.log(q);
    }
  });
  const w = new Float64Array(D), f = new Float64Array(GRID);
  const out = new Float64Array(options.simulations);
  for (let r = 0; r < out.length; r++) {
    for (let s = 0; s < D; s++) w[s] = chiSquare(options.stream, mult[s]);
    const chiRest = rest > 0 ? chiSquare(options.stream, rest) : 0;
    let best = 0, at = -1;
    for (let g = 0; g < GRID; g++) {
      let num = 0, den = chiRest;
      for (let s = 0; s < D; s++) {
        num += a[g * D + s] * w[s];
        den += b[g * D + s] * w[s];
      }
      f[g] = dof * Math.log1p(num / den) - pen[g];
      if (f[g] > best) best = f[g], at = g;
    }
    out[r] = at > 0 && at < GRID - 1 ? Math.max(best, parabolaPeak(f, at)) : best;
  }
  return out.sort();
}

/** The peak of the parabola through the grid values at at-1, at, at+1 (equal spacing). */
function parabolaPeak(f: Float64Array, at: number): number {
  const l = f[at - 1], c = f[at], r = f[at + 1];
  const curvature = l - 2 * c + r;
  if (!(curvature < 0)) return c;
  return c - ((r - l) ** 2) / (8 * curvature);
}
