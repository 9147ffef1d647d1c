/**
 * The residual sum of squares of the full within-cell fit: y on
 * [X, Z_1, ..., Z_K] with every grouping term as fixed effects. Whatever
 * the design, RSS / sigma^2 ~ chi2(n - rank[X Z]) under the model (the
 * random effects lie in the column space, so only e is left), which gives
 * the exact interval of sigma^2 (ALGORITHMS.md section 4, "Exact
 * chi-square for sigma^2"; Burdick & Graybill 1992, section 2.2).
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";
import { isNestedChain } from "../fit/_chain_factor.ts";
import { isInterceptOnly, levelSumOfSquares } from "../fit/moments.ts";
import { pivotedCholesky } from "../linalg/pivoted_cholesky.ts";

/** The within-cell residual, or why it was not computed. */
export type WithinCellResidual =
  | {
    /** RSS of y on [X Z]. */
    readonly ss: number;
    /** n - rank. */
    readonly df: number;
    /** rank([X Z]). */
    readonly rank: number;
  }
  | { readonly reason: string };

/** Options of {@linkcode withinCellResidual}. */
export interface WithinCellOptions {
  /**
   * Largest number of columns besides the largest term's (which is
   * absorbed) for which the dense normal equations are solved.
   * @default 1000
   */
  maxColumns?: number;
}

// Squared remaining norm, relative to the column's own, below which a column is dependent.
const RANK_TOLERANCE = 1e-10;

/**
 * RSS, rank and residual df of the within-cell fit, from the
 * cross-products. Intercept-only nested chains: the SS within the levels
 * of the finest term, df = n - its levels. Otherwise the finest term's
 * levels are absorbed (its block of the normal equations is diagonal) and
 * the p + m remaining normal equations, m the levels of the other terms,
 * are solved by pivoted Cholesky, which also gives the rank. Returns a
 * reason instead when df <= 0 or p + m exceeds `maxColumns`.
 *
 * Cost: O(q) nested; O(sum over finest levels of (p + co-occurring
 * levels)^2 + (p + m)^3) otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { withinCellResidual } from "./within_cell_residual.ts";
 * // Two crossed factors, 2 x 2 cells, one row each plus a repeat of cell (0, 0):
 * // rank 3 (1 + 1 + 1), so 5 - 3 = 2 residual df.
 * const cp = crossProducts({
 *   response: "y", y: new Float64Array([1, 2, 4, 7, 3]), X: new Float64Array(5).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [
 *     { name: "a", codes: new Int32Array([0, 0, 1, 1, 0]), levels: ["a1", "a2"] },
 *     { name: "b", codes: new Int32Array([0, 1, 0, 1, 0]), levels: ["b1", "b2"] },
 *   ],
 * });
 * const r = withinCellResidual(cp);
 * assert.ok("ss" in r && r.rank === 3 && r.df === 2);
 * ```
 */
export function withinCellResidual(
  cp: CrossProducts,
  options: WithinCellOptions = {},
): WithinCellResidual {
  const maxColumns = options.maxColumns ?? 1000;
  const n = cp.n, P = cp.p + 1, yy = cp.xyxy[P * P - 1];
  if (isNestedChain(cp) && isInterceptOnly(cp)) {
    return checked({ ss: yy - levelSumOfSquares(cp, 0), rank: cp.nlevels[0] }, n);
  }
  const columns = cp.p + cp.nlevels.slice(1).reduce((a, b) => a + b, 0);
  if (columns > maxColumns) {
    return {
      reason: `the within-cell fit needs ${columns} dense normal equations besides the largest ` +
        `term's levels; more than ${maxColumns} are not solved`,
    };
  }
  const { A, b, raw, yyWithin } = absorbedEquations(cp, columns);
  const { rank, permutation, factor } = pivotedCholesky(A, columns, {
    tolerance: RANK_TOLERANCE,
    reference: raw,
  });
  // RSS = y'M_1 y - b' A^- b, on the leading `rank` pivots.
  const z = Float64Array.from({ length: rank }, (_, k) => b[permutation[k]]);
  let explained = 0;
  for (let k = 0; k < rank; k++) {
    let s = z[k];
    for (let t = 0; t < k; t++) s -= factor[k * columns + t] * z[t];
    z[k] = s / factor[k * columns + k];
    explained += z[k] * z[k];
  }
  return checked({ ss: Math.max(yyWithin - explained, 0), rank: cp.nlevels[0] + rank }, n);
}

function checked(fit: { ss: number; rank: number }, n: number): WithinCellResidual {
  const df = n - fit.rank;
  if (df <= 0) {
    return { reason: `the within-cell fit leaves no residual df (rank ${fit.rank} of ${n} rows)` };
  }
  return { ss: fit.ss, df, rank: fit.rank };
}

/**
 * Normal equations of y on C = [X, Z_2, ..., Z_K] after absorbing Z_1 (the
 * largest term): A = C'C - C'Z_1 D^-1 Z_1'C, b = C'y - C'Z_1 D^-1 Z_1'y,
 * and y'y - y'Z_1 D^-1 Z_1'y, with the diagonal of C'C as each column's scale.
 */
function absorbedEquations(cp: CrossProducts, r: number) {
  const K = cp.nlevels.length, p = cp.p, P = p + 1, l1 = cp.nlevels[0];
  const offsets: number[] = [0, p];
  for (let t = 1; t < K - 1; t++) offsets.push(offsets[t] + cp.nlevels[t]);
  const A = new Float64Array(r * r), b = new Float64Array(r);
  for (let c = 0; c < p; c++) {
    for (let d = 0; d < p; d++) A[c * r + d] = cp.xyxy[c * P + d];
    b[c] = cp.xyxy[c * P + p];
  }
  for (let t = 1; t < K; t++) {
    const l = cp.nlevels[t], o = offsets[t], x = cp.xyz[t], cnt = cp.counts[t];
    for (let e = 0; e < l; e++) {
      A[(o + e) * r + o + e] = cnt[e];
      b[o + e] = x[p * l + e];
      for (let c = 0; c < p; c++) A[c * r + o + e] = A[(o + e) * r + c] = x[c * l + e];
    }
    for (let u = 1; u < t; u++) {
      const pr = cp.pairs[t][u], ou = offsets[u];
      for (let a = 0; a < cp.nlevels[u]; a++) {
        for (let e = pr.colPtr[a]; e < pr.colPtr[a + 1]; e++) {
          A[(ou + a) * r + o + pr.rowIdx[e]] = A[(o + pr.rowIdx[e]) * r + ou + a] = pr.count[e];
        }
      }
    }
  }
  const raw = Float64Array.from({ length: r }, (_, j) => A[j * r + j]);
  // Subtract v_a v_a' / n_a for each level a of the largest term, v_a = C'Z_1 e_a (sparse).
  const x1 = cp.xyz[0], n1 = cp.counts[0];
  let yyWithin = cp.xyxy[P * P - 1];
  const idx: number[] = [], val: number[] = [];
  for (let a = 0; a < l1; a++) {
    idx.length = val.length = 0;
    for (let c = 0; c < p; c++) {
      idx.push(c);
      val.push(x1[c * l1 + a]);
    }
    for (let t = 1; t < K; t++) {
      const pr = cp.pairs[t][0];
      for (let e = pr.colPtr[a]; e < pr.colPtr[a + 1]; e++) {
        idx.push(offsets[t] + pr.rowIdx[e]);
        val.push(pr.count[e]);
      }
    }
    const ya = x1[p * l1 + a], w = 1 / n1[a];
    yyWithin -= ya * ya * w;
    for (let i = 0; i < idx.length; i++) {
      b[idx[i]] -= val[i] * ya * w;
      for (let j = 0; j < idx.length; j++) A[idx[i] * r + idx[j]] -= val[i] * val[j] * w;
    }
  }
  return { A, b, raw, yyWithin };
}
