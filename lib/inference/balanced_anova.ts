/**
 * The ANOVA table of a balanced design, where mean squares are independent
 * scaled chi-squares and exact or modified large-sample (MLS) intervals
 * apply (Burdick & Graybill 1992, ch. 2-5): balanced nested chains (one-way,
 * a/b, a/b/c) and balanced two-way crossed designs without interaction, all
 * with an intercept-only fixed part.
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";
import { isInterceptOnly, levelSumOfSquares } from "../fit/moments.ts";
import { isNestedChain } from "../fit/_chain_factor.ts";

/** A mean square with its degrees of freedom. */
export interface MeanSquare {
  readonly ms: number;
  readonly df: number;
}

/** sigma_k^2 = (S1 - S2) / c, with S1 and S2 independent mean squares. */
export interface ComponentContrast {
  /** Sorted-term index of the component. */
  readonly term: number;
  readonly s1: MeanSquare;
  readonly s2: MeanSquare;
  readonly c: number;
}

/** Mean squares of a balanced design. */
export interface BalancedAnova {
  readonly design: "nested" | "crossed";
  /** One contrast per variance component, by sorted term. */
  readonly components: readonly ComponentContrast[];
  /** The error mean square: SSE / df is sigma^2's unbiased estimate, SSE / sigma^2 ~ chi2(df). */
  readonly residual: MeanSquare & { readonly ss: number };
}

function allEqual(v: Float64Array): boolean {
  for (let i = 1; i < v.length; i++) if (v[i] !== v[0]) return false;
  return true;
}

/**
 * The balanced ANOVA table, or null when the design is not balanced (or
 * has covariates, or is neither a nested chain nor a two-way crossing).
 *
 * Balanced nested: E[MS_t] = sigma^2 + sum_{j <= t} n_j sigma_j^2 with n_j
 * rows per level of term j, so sigma_t^2 = (MS_t - MS_{t-1}) / n_t.
 * Balanced crossed (a x b cells of n): E[MS_A] = sigma^2 + b n sigma_A^2,
 * E[MS_E] = sigma^2 with abn - a - b + 1 df (ALGORITHMS.md section 3;
 * Searle, Casella & McCulloch 1992, ch. 4). O(q) for q levels in all.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { balancedAnova } from "./balanced_anova.ts";
 * // Balanced a/b: 2 levels of a, 2 of b in each, 2 rows per cell.
 * const frame = {
 *   response: "y", y: new Float64Array([1, 3, 2, 4, 7, 8, 9, 13]), X: new Float64Array(8).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [
 *     { name: "a", codes: new Int32Array([0, 0, 0, 0, 1, 1, 1, 1]), levels: ["1", "2"] },
 *     {
 *       name: "a:b", codes: new Int32Array([0, 0, 1, 1, 2, 2, 3, 3]),
 *       levels: ["1", "2", "3", "4"],
 *     },
 *   ],
 * };
 * const table = balancedAnova(crossProducts(frame))!;
 * assert.equal(table.design, "nested");
 * assert.deepEqual(table.residual, { ms: 3.125, df: 4, ss: 12.5 });
 * // sigma_b^2 = (MS(b in a) - MSE) / 2, sigma_a^2 = (MSA - MS(b in a)) / 4.
 * const [b, a] = table.components;
 * assert.deepEqual([b.s1, b.s2.ms, b.c], [{ ms: 6.625, df: 2 }, 3.125, 2]);
 * assert.deepEqual([a.s1, a.s2.ms, a.c], [{ ms: 91.125, df: 1 }, 6.625, 4]);
 * // One row fewer: unbalanced.
 * const unbalanced = {
 *   ...frame, y: frame.y.subarray(1), X: frame.X.subarray(1),
 *   terms: frame.terms.map((t) => ({ ...t, codes: t.codes.subarray(1) })),
 * };
 * assert.equal(balancedAnova(crossProducts(unbalanced)), null);
 * ```
 */
export function balancedAnova(cp: CrossProducts): BalancedAnova | null {
  if (!isInterceptOnly(cp) || !cp.counts.every(allEqual)) return null;
  const K = cp.nlevels.length, n = cp.n, P = cp.p + 1;
  const yy = cp.xyxy[P * P - 1];
  const quad = (t: number) => levelSumOfSquares(cp, t);
  if (isNestedChain(cp)) {
    const level = (t: number) => t >= K ? 1 : cp.nlevels[t];
    const sse = yy - quad(0), dfE = n - cp.nlevels[0];
    if (dfE <= 0) return null;
    const residual = { ms: sse / dfE, df: dfE, ss: sse };
    const strata: MeanSquare[] = [];
    for (let t = 0; t < K; t++) {
      const df = level(t) - level(t + 1);
      strata.push({ ms: (quad(t) - quad(t + 1)) / df, df });
    }
    return {
      design: "nested",
      components: strata.map((s1, t) => ({
        term: t,
        s1,
        s2: t === 0 ? residual : strata[t - 1],
        c: cp.counts[t][0],
      })),
      residual,
    };
  }
  if (K !== 2) return null;
  const [a, b] = cp.nlevels, cells = cp.pairs[1][0];
  if (cells.count.length !== a * b || !allEqual(cells.count)) return null;
  const mean = quad(K);
  const ssa = quad(0) - mean, ssb = quad(1) - mean, sse = yy - quad(0) - quad(1) + mean;
  const dfE = n - a - b + 1;
  const residual = { ms: sse / dfE, df: dfE, ss: sse };
  return {
    design: "crossed",
    components: [
      { term: 0, s1: { ms: ssa / (a - 1), df: a - 1 }, s2: residual, c: cp.counts[0][0] },
      { term: 1, s1: { ms: ssb / (b - 1), df: b - 1 }, s2: residual, c: cp.counts[1][0] },
    ],
    residual,
  };
}
