/**
 * Rank-revealing (pivoted) Cholesky factorisation of a symmetric positive
 * semidefinite matrix, for normal equations whose columns may be linearly
 * dependent (Higham 2002, "Accuracy and Stability of Numerical
 * Algorithms", section 10.3; LAPACK dpstrf).
 *
 * @module
 */

/** Options of {@linkcode pivotedCholesky}. */
export interface PivotedCholeskyOptions {
  /**
   * Column j counts as dependent on the pivots before it when what is left
   * of its diagonal is at most `tolerance * reference[j]`.
   * @default 1e-10
   */
  tolerance?: number;
  /**
   * The scale of each column's diagonal (e.g. its squared norm before any
   * absorption); pivots are chosen by the largest remaining diagonal
   * relative to it, so the rank does not depend on column scaling.
   * @default the diagonal of `a`
   */
  reference?: Float64Array;
}

/** P'AP = L L' on the leading `rank` pivots. */
export interface PivotedCholesky {
  /** Numerical rank. */
  readonly rank: number;
  /** Pivot order: position k holds the original column `permutation[k]`. */
  readonly permutation: Int32Array;
  /** Lower factor, row-major n x n in pivoted order; columns >= rank are 0. */
  readonly factor: Float64Array;
}

/**
 * Factors the symmetric positive semidefinite n x n `a` (row-major, read
 * only) with complete pivoting on the diagonal, stopping when every
 * remaining column is dependent.
 *
 * Cost: about n rank^2 / 2 multiply-adds.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { pivotedCholesky } from "./pivoted_cholesky.ts";
 * // Columns (1, 1), (1, 0), (0, 1) of a 2-row matrix: rank 2.
 * const a = new Float64Array([2, 1, 1, 1, 1, 0, 1, 0, 1]);
 * const { rank, permutation } = pivotedCholesky(a, 3);
 * assert.equal(rank, 2);
 * assert.equal(permutation[0], 0);
 * ```
 */
export function pivotedCholesky(
  a: Float64Array,
  n: number,
  options: PivotedCholeskyOptions = {},
): PivotedCholesky {
  if (a.length !== n * n) {
    throw new RangeError(`a must hold ${n} x ${n} = ${n * n} entries, got ${a.length}`);
  }
  const tolerance = options.tolerance ?? 1e-10;
  const reference = options.reference ?? Float64Array.from({ length: n }, (_, j) => a[j * n + j]);
  const L = new Float64Array(n * n);
  const perm = Int32Array.from({ length: n }, (_, j) => j);
  const d = Float64Array.from({ length: n }, (_, j) => a[j * n + j]);
  const ratio = (k: number) => reference[perm[k]] > 0 ? d[k] / reference[perm[k]] : -Infinity;
  let rank = 0;
  for (let k = 0; k < n; k++) {
    let q = k;
    for (let j = k + 1; j < n; j++) if (ratio(j) > ratio(q)) q = j;
    if (!(ratio(q) > tolerance)) break;
    if (q !== k) {
      [perm[k], perm[q]] = [perm[q], perm[k]];
      [d[k], d[q]] = [d[q], d[k]];
      for (let t = 0; t < k; t++) [L[k * n + t], L[q * n + t]] = [L[q * n + t], L[k * n + t]];
    }
    const lkk = Math.sqrt(d[k]);
    L[k * n + k] = lkk;
    const rowK = perm[k] * n;
    for (let i = k + 1; i < n; i++) {
      let s = a[rowK + perm[i]];
      for (let t = 0; t < k; t++) s -= L[i * n + t] * L[k * n + t];
      const lik = s / lkk;
      L[i * n + k] = lik;
      d[i] -= lik * lik;
    }
    rank = k + 1;
  }
  return { rank, permutation: perm, factor: L };
}
