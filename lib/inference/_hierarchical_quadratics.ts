/**
 * Covariance of the sums of squares of the hierarchical (nested) ANOVA
 * under normality, by sums over levels: no n x n matrix.
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";

/**
 * Cov(SS_t, SS_u) = 2 tr(Q_t V Q_u V) for the strata of
 * {@linkcode hierarchicalEquations} (row r = stratum t = r - 1, Q_t =
 * P_t - P_{t+1}, P_{-1} = I, P_K the grand mean), with V = s_R I +
 * sum_j s_j Z_j Z_j' at `s` (sorted terms, then the residual; all >= 0).
 *
 * Derivation (Searle, Casella & McCulloch 1992, ch. 5 and 11, for
 * Cov(y'Ay, y'By) = 2 tr(AVBV)): in a nested chain P_t Z_j = Z_j for j
 * coarser than or equal to t, so Q_t V = sum_{j <= t} s_j Q_t Z_j Z_j'
 * (j = -1 the residual, Z_{-1} = I) and
 * tr(Q_t V Q_u V) = sum_{j,k <= min(t,u)} s_j s_k <Z_k'Q_tZ_j, Z_k'Q_uZ_j>_F.
 * The entries of Z_k'Q_tZ_j are n_a n_b ([same t-ancestor] / n_{A_t} -
 * [same (t+1)-ancestor] / n_{A_{t+1}}). With w_j(c) = sum of n_m^2 over the
 * levels m of term j inside level c (w_{-1}(c) = n_c) and
 * omega_t(c) = sum_{j <= t} s_j w_j(c), for a level c of term t or coarser:
 *
 *   T_tt = sum_{c in t} omega_t(c)^2 (1/n_c^2 - 2/(n_c n_parent(c)))
 *          + sum_{g in t+1} omega_t(g)^2 / n_g^2,
 *   T_tu = sum_{g in t+1} (1/n_{A_u(g)} - 1/n_{A_{u+1}(g)})
 *          (sum_{c in t, c in g} omega_t(c)^2 / n_c - omega_t(g)^2 / n_g)   (t < u),
 *   T_{-1,-1} = s_R^2 (n - l_0), T_{-1,u} = 0 (SSE is independent of the rest),
 *
 * and Cov = 2 T. Balanced one-way check: T_00 = (a - 1)(s_R + m s_a)^2.
 *
 * Cost: O(K^2 q).
 */
export function _hierarchicalQuadraticCovariance(
  cp: CrossProducts,
  s: Float64Array,
): Float64Array {
  const K = cp.nlevels.length, N = K + 1, n = cp.n, sR = s[K];
  const T = new Float64Array(N * N);
  T[0] = sR * sR * (n - cp.nlevels[0]);
  // Counts and parents of level t + 1 (K: the grand mean, one level of n).
  const upCounts = (t: number) => t + 1 < K ? cp.counts[t + 1] : Float64Array.of(n);
  const parentOf = (t: number) =>
    t + 1 < K ? cp.pairs[t + 1][t].rowIdx : new Int32Array(cp.nlevels[t]);
  let w: Float64Array[] = []; // w[j] at the levels of term t, j = 0..t
  for (let t = 0; t < K; t++) {
    const c = cp.counts[t], l = c.length;
    if (t > 0) w = w.map((wj) => aggregate(wj, parentOf(t - 1), l));
    const squares = new Float64Array(l);
    for (let a = 0; a < l; a++) squares[a] = c[a] * c[a];
    w.push(squares);
    const omega = new Float64Array(l);
    for (let a = 0; a < l; a++) {
      let o = sR * c[a];
      for (let j = 0; j <= t; j++) o += s[j] * w[j][a];
      omega[a] = o;
    }
    const parent = parentOf(t), nUp = upCounts(t), lUp = nUp.length;
    const omegaUp = aggregate(omega, parent, lUp);
    let diag = 0;
    const bracket = new Float64Array(lUp);
    for (let a = 0; a < l; a++) {
      const o2 = omega[a] * omega[a];
      diag += o2 * (1 / (c[a] * c[a]) - 2 / (c[a] * nUp[parent[a]]));
      bracket[parent[a]] += o2 / c[a];
    }
    for (let g = 0; g < lUp; g++) {
      const o2 = omegaUp[g] * omegaUp[g];
      diag += o2 / (nUp[g] * nUp[g]);
      bracket[g] -= o2 / nUp[g];
    }
    const r = t + 1;
    T[r * N + r] = diag;
    // Off-diagonal: strata u = t+1 .. K-1, through the ancestors of level t+1's levels.
    const anc = new Int32Array(lUp);
    for (let g = 0; g < lUp; g++) anc[g] = g;
    for (let u = t + 1; u < K; u++) {
      const cu = cp.counts[u], up = parentOf(u), nAbove = upCounts(u);
      let v = 0;
      for (let g = 0; g < lUp; g++) v += bracket[g] * (1 / cu[anc[g]] - 1 / nAbove[up[anc[g]]]);
      T[r * N + u + 1] = T[(u + 1) * N + r] = v;
      for (let g = 0; g < lUp; g++) anc[g] = up[anc[g]];
    }
  }
  for (let i = 0; i < T.length; i++) T[i] *= 2;
  return T;
}

/** Sums of `values` over the levels of the next term, through `parent`. */
function aggregate(values: Float64Array, parent: Int32Array, size: number): Float64Array {
  const out = new Float64Array(size);
  for (let a = 0; a < values.length; a++) out[parent[a]] += values[a];
  return out;
}
