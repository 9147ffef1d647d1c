/**
 * Eigenvalues of a small dense symmetric matrix by the cyclic Jacobi
 * method (Golub & Van Loan 2013, section 8.5): rotations annihilate each
 * off-diagonal entry in turn until the off-diagonal mass is below
 * 1e-15 of the total. Accurate to a few ulps of the largest eigenvalue.
 *
 * @module
 */

const MAX_SWEEPS = 60;

/**
 * The eigenvalues of the symmetric n x n matrix `a` (row-major; only read),
 * in increasing order. Throws a RangeError when `a` is not n x n.
 *
 * Cost: about 10 n^3 per sweep, usually 6 to 10 sweeps.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { symmetricEigenvalues } from "./symmetric_eigenvalues.ts";
 * const e = symmetricEigenvalues(new Float64Array([2, 1, 1, 2]), 2);
 * assert.ok(Math.abs(e[0] - 1) < 1e-14 && Math.abs(e[1] - 3) < 1e-14);
 * ```
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  if (!Number.isInteger(n) || n < 0 || a.length !== n * n) {
    throw new RangeError(`expected an n x n matrix with n = ${n}, got ${a.length} entries`);
  }
  const m = Float64Array.from(a);
  let total = 0;
  for (let i = 0; i < m.length; i++) total += m[i] * m[i];
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += 2 * m[i * n + j] ** 2;
    if (off <= 1e-30 * total) break;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) rotate(m, n, p, q);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = m[i * n + i];
  return out.sort();
}

/** One Jacobi rotation zeroing m[p][q] (both triangles kept in step). */
function rotate(m: Float64Array, n: number, p: number, q: number): void {
  const apq = m[p * n + q];
  if (apq === 0) return;
  const app = m[p * n + p], aqq = m[q * n + q];
  const tau = (aqq - app) / (2 * apq);
  const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
  const c = 1 / Math.sqrt(1 + t * t), s = t * c;
  for (let k = 0; k < n; k++) {
    const akp = m[k * n + p], akq = m[k * n + q];
    m[k * n + p] = c * akp - s * akq;
    m[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = m[p * n + k], aqk = m[q * n + k];
    m[p * n + k] = c * apk - s * aqk;
    m[q * n + k] = s * apk + c * aqk;
  }
  m[p * n + q] = 0;
  m[q * n + p] = 0;
}
