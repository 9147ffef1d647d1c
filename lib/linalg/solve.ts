/**
 * Small general linear systems by LU with partial pivoting, for the
 * (K+1) x (K+1) moment equations and the optimizer's Newton steps.
 *
 * @module
 */

import { scratchCopy } from "../_typed_arrays.ts";

/**
 * Solves A x = b for a square row-major n x n `a`. Inputs are not modified.
 *
 * @returns x, or null when A is numerically singular.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { solveLinear } from "./solve.ts";
 * const x = solveLinear(new Float64Array([0, 2, 1, 1]), new Float64Array([4, 3]), 2);
 * assert.deepEqual(Array.from(x!), [1, 2]);
 * ```
 */
export function solveLinear(a: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const x = _solveLinearScratch(a, b, n);
  return x && Float64Array.from(x);
}

/**
 * {@linkcode solveLinear}, its solution a scratch array (lib/_typed_arrays.ts): for callers
 * that read it and let it go.
 */
export function _solveLinearScratch(
  a: Float64Array,
  b: Float64Array,
  n: number,
): Float64Array | null {
  const m = scratchCopy(a);
  const x = scratchCopy(b);
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(m[i]));
  const tiny = scale * 1e-14;
  for (let k = 0; k < n; k++) {
    let piv = k;
    for (let i = k + 1; i < n; i++) {
      if (Math.abs(m[i * n + k]) > Math.abs(m[piv * n + k])) piv = i;
    }
    if (!(Math.abs(m[piv * n + k]) > tiny)) return null;
    if (piv !== k) {
      for (let j = 0; j < n; j++) {
        const t = m[k * n + j];
        m[k * n + j] = m[piv * n + j];
        m[piv * n + j] = t;
      }
      const t = x[k];
      x[k] = x[piv];
      x[piv] = t;
    }
    for (let i = k + 1; i < n; i++) {
      const f = m[i * n + k] / m[k * n + k];
      if (f === 0) continue;
      for (let j = k; j < n; j++) m[i * n + j] -= f * m[k * n + j];
      x[i] -= f * x[k];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < n; j++) s -= m[i * n + j] * x[j];
    x[i] = s / m[i * n + i];
  }
  return x;
}
