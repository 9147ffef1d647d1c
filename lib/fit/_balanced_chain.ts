/**
 * -2 log L of a balanced nested chain with an intercept-only fixed part, in
 * closed form. When every cell has n rows and every level of term t the
 * same number of children, V = s0 I + sum_t s_t Z_t Z_t' has K + 1 distinct
 * eigenvalues
 *   L_0 = s0,  L_r = L_(r-1) + m_(r-1) s_(r-1)  (r = 1 .. K),
 * m_t the rows per level of term t (finest term first), on the strata of the
 * hierarchical ANOVA: within cells (d_0 = N - l_0 df), within levels of term
 * r between those of term r - 1 (d_r = l_(r-1) - l_r), and between the
 * coarsest levels (d_K = l_(K-1) - 1), L_K also on the grand mean. With the
 * strata's sums of squares SS_r and beta-hat = y-bar,
 *   ML:   -2 l   = N log 2 pi + sum_r D_r log L_r + SS_r / L_r,  D_K = d_K + 1,
 *   REML: -2 l_R = (N - 1) log 2 pi + log N + sum_r d_r log L_r + SS_r / L_r
 * (Searle, Casella & McCulloch 1992, sections 4.7 and 6.3: log|X'V^-1X| =
 * log N - log L_K). The L_r are linear in the variances, so the gradient
 * and Hessian follow from phi'_r = D_r / L_r - SS_r / L_r^2 and phi''_r =
 * -D_r / L_r^2 + 2 SS_r / L_r^3 by suffix sums: a logarithm and a few
 * operations per stratum, and O(K^2) to write H, where the jets of
 * lib/fit/_chain_derivatives.ts propagate O(K^2) numbers through every
 * step of the recursion; it equals them to rounding.
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";
import type { SmoothObjective } from "./_bounded_newton.ts";
import type { SecondOrder } from "./_jets.ts";
import { chainStructure } from "./_chain_structure.ts";
import { _sharedHierarchicalEquations, isInterceptOnly } from "./moments.ts";
import { scratchFloat64 } from "../_typed_arrays.ts";
import { RecentMemo } from "../_recent_memo.ts";

/**
 * The closed-form objective of `cp` (variances of the sorted terms, finest
 * first, residual last), or null unless `cp` is a balanced nested chain
 * with an intercept-only fixed part. The caller checks that the terms form
 * a nested chain.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { secondOrder } from "./_jets.ts";
 * import { balancedChainObjective } from "./_balanced_chain.ts";
 * // One-way, 3 groups of 2 (means 1.5, 5.5 and 3): SSE = 0.5 + 0.5 + 2 = 3.
 * const cp = crossProducts({
 *   response: "y", y: new Float64Array([1, 2, 5, 6, 2, 4]), X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 * });
 * const objective = balancedChainObjective(cp, { reml: false })!;
 * const out = secondOrder(2), s = new Float64Array([3, 1]);
 * assert.ok(objective.evaluate(s, out));
 * // ML: L_0 = 1 on 3 df, L_1 = 1 + 2 * 3 = 7 on 2 df plus the mean.
 * const ssa = 2 * ((1.5 - 10 / 3) ** 2 + (5.5 - 10 / 3) ** 2 + (3 - 10 / 3) ** 2);
 * const f = 6 * Math.log(2 * Math.PI) + 3 * Math.log(1) + 3 + 3 * Math.log(7) + ssa / 7;
 * assert.ok(Math.abs(out.f - f) < 1e-12);
 * ```
 */
export function balancedChainObjective(
  cp: CrossProducts,
  options: { reml: boolean; parts?: "full" | "log-determinants" },
): SmoothObjective | null {
  const strata = balancedStrata(cp);
  if (!strata) return null;
  const K = cp.nlevels.length, N = cp.n, reml = options.reml, { m } = strata;
  // With `log-determinants`, log|V| (+ log|X'V^-1X| for REML) alone, as the jets' parts:
  // no sums of squares and no 2 pi, whose Hessian is minus twice the expected information.
  const full = (options.parts ?? "full") === "full";
  const ss = full ? strata.ss : scratchFloat64(K + 1);
  // Levels per stratum boundary: N rows below the cells, one grand mean above the top.
  const levels = (r: number) => r < 0 ? N : r < K ? cp.nlevels[r] : 1;
  const D = scratchFloat64(K + 1);
  for (let r = 0; r <= K; r++) D[r] = levels(r - 1) - levels(r);
  if (!reml) D[K] += 1;
  const constant = (reml ? Math.log(N) : 0) +
    (full ? (reml ? N - 1 : N) * Math.log(2 * Math.PI) : 0);
  const lambda = scratchFloat64(K + 1), d1 = scratchFloat64(K + 2), d2 = scratchFloat64(K + 2);
  return {
    size: K + 1,
    evaluate(x: Float64Array, out: SecondOrder): boolean {
      const s0 = x[K];
      if (!(s0 > 0 && Number.isFinite(s0))) return false;
      for (let k = 0; k < K; k++) if (!(x[k] >= 0 && Number.isFinite(x[k]))) return false;
      lambda[0] = s0;
      for (let r = 1; r <= K; r++) lambda[r] = lambda[r - 1] + m[r - 1] * x[r - 1];
      let f = constant;
      // Suffix sums of phi' and phi'' from stratum K down: d1[r] = sum_(r' >= r) phi'_(r').
      d1[K + 1] = d2[K + 1] = 0;
      for (let r = K; r >= 0; r--) {
        const L = lambda[r], q = ss[r] / L, inv = 1 / L;
        f += D[r] * Math.log(L) + q;
        d1[r] = d1[r + 1] + (D[r] - q) * inv;
        d2[r] = d2[r + 1] + (2 * q - D[r]) * inv * inv;
      }
      out.f = f;
      writeDerivatives(out, { m, d1, d2, K });
      return true;
    },
  };
}

/** g and H from the suffix sums (see the module doc). */
function writeDerivatives(
  out: SecondOrder,
  at: { m: Float64Array; d1: Float64Array; d2: Float64Array; K: number },
): void {
  const { m, d1, d2, K } = at, d = K + 1, { g, H } = out;
  g[K] = d1[0];
  H[K * d + K] = d2[0];
  for (let t = 0; t < K; t++) {
    g[t] = m[t] * d1[t + 1];
    H[t * d + K] = H[K * d + t] = m[t] * d2[t + 1];
    for (let u = 0; u <= t; u++) H[t * d + u] = H[u * d + t] = m[t] * m[u] * d2[t + 1];
  }
}

/**
 * Var(beta-hat) = (X'V^-1X)^-1 = L_K / N at the variances `s` (sorted terms,
 * residual last) of a balanced chain with an intercept only, and its
 * gradient in s (m_t / N, then 1 / N); null for any other design. The jets'
 * `fixedCovariance` to rounding.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { balancedFixedVariance } from "./_balanced_chain.ts";
 * const cp = crossProducts({
 *   response: "y", y: new Float64Array([1, 2, 5, 6, 2, 4]), X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 * });
 * // L_1 = 1 + 2 * 3 = 7 over N = 6.
 * const v = balancedFixedVariance(cp, new Float64Array([3, 1]))!;
 * assert.deepEqual([v.variance, ...v.gradient], [7 / 6, 2 / 6, 1 / 6]);
 * ```
 */
export function balancedFixedVariance(
  cp: CrossProducts,
  s: Float64Array,
): { variance: number; gradient: Float64Array } | null {
  const strata = balancedStrata(cp);
  if (!strata) return null;
  const K = cp.nlevels.length, N = cp.n, { m } = strata;
  let lambda = s[K];
  for (let t = 0; t < K; t++) lambda += m[t] * s[t];
  const gradient = scratchFloat64(K + 1);
  for (let t = 0; t <= K; t++) gradient[t] = (t < K ? m[t] : 1) / N;
  return { variance: lambda / N, gradient };
}

/** Per stratum r: rows per level of term r (the multiplier of s_r in L_(r+1)), and SS_r. */
interface Strata {
  readonly m: Float64Array;
  readonly ss: Float64Array;
}

// A replicate's fits and profiles each make an objective: the strata are summed once.
const strataCache = new RecentMemo<CrossProducts, Strata | null>();

/** The strata of `cp`, or null unless it is a balanced chain with an intercept only. */
function balancedStrata(cp: CrossProducts): Strata | null {
  let strata = strataCache.get(cp);
  if (strata === undefined) {
    const m = Float64Array.from(cp.nlevels, (l) => cp.n / l);
    strata = isBalancedChain(cp) ? { m, ss: strataSumsOfSquares(cp, m) } : null;
    strataCache.set(cp, strata);
  }
  return strata;
}

/**
 * SS_r of each stratum: within cells as the hierarchical ANOVA has it (from
 * cross-products, the only way without the rows), the others about the
 * parent level's mean, SS_r = sum over levels v of term r - 1 of
 * m_(r-1) (y-bar_v - y-bar_parent(v))^2, which does not cancel when the
 * means are large against their spread.
 */
function strataSumsOfSquares(cp: CrossProducts, m: Float64Array): Float64Array {
  const K = cp.nlevels.length, ss = new Float64Array(K + 1);
  ss[0] = _sharedHierarchicalEquations(cp).quadratics[0];
  const mean = (t: number, v: number) => cp.xyz[t][cp.nlevels[t] + v] / m[t];
  const grand = cp.xyxy[1] / cp.n;
  for (let r = 1; r <= K; r++) {
    const t = r - 1, parent = r < K ? cp.pairs[r][t].rowIdx : null;
    let sum = 0;
    for (let v = 0; v < cp.nlevels[t]; v++) {
      const e = mean(t, v) - (parent ? mean(r, parent[v]) : grand);
      sum += e * e;
    }
    ss[r] = m[t] * sum;
  }
  return ss;
}

/** One class of cells and one compact class per coarser term, intercept only. */
function isBalancedChain(cp: CrossProducts): boolean {
  if (!isInterceptOnly(cp)) return false;
  const st = chainStructure(cp);
  if (st.cells.count.length !== 1) return false;
  return st.levels.every((l) => l.explicitCount === 0 && l.size.length === 1);
}
