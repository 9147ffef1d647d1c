import type { CrossProducts } from "../model/cross_products.ts";
import type { BlockedFactor } from "./blocked_factor.ts";
import { choleskyInPlace, logDiagonalSum } from "../linalg/cholesky.ts";

/** True when each sorted term is nested in the next one. */
export function isNestedChain(cp: CrossProducts): boolean {
  for (let t = 0; t + 1 < cp.nlevels.length; t++) {
    if (!cp.pairs[t + 1][t].nested) return false;
  }
  return true;
}

/**
 * Blocked Cholesky for a nested chain (MixedModels.jl `updateL!` with
 * diagonal blocks): every block L_tt stays diagonal and every column of L
 * has one nonzero per coarser term (at its ancestor), so an update costs
 * O(q K^2 + q p^2) scalar operations.
 */
export class ChainFactor implements BlockedFactor {
  readonly layout = "nested-chain";
  logdetL2 = 0;
  logdetRX2 = 0;
  r2 = 0;
  readonly trailing: Float64Array;
  readonly #cp: CrossProducts;
  readonly #P: number;
  /** #ancestor[t][s - t - 1][b]: level of term s above level b of term t. */
  readonly #ancestor: Int32Array[][];
  readonly #diag: Float64Array[];
  /** #off[t][s - t - 1][b]: entry of L at (ancestor in term s, level b of term t). */
  readonly #off: Float64Array[][];
  readonly #xBlock: Float64Array[];

  constructor(cp: CrossProducts) {
    this.#cp = cp;
    const K = cp.nlevels.length;
    this.#P = cp.p + 1;
    this.trailing = new Float64Array(this.#P * this.#P);
    this.#ancestor = [];
    for (let t = 0; t < K; t++) {
      const chain: Int32Array[] = [];
      for (let s = t + 1; s < K; s++) {
        const parent = cp.pairs[s][s - 1].rowIdx;
        const below = s === t + 1 ? null : chain[s - t - 2];
        const anc = new Int32Array(cp.nlevels[t]);
        for (let b = 0; b < anc.length; b++) anc[b] = below ? parent[below[b]] : parent[b];
        chain.push(anc);
      }
      this.#ancestor.push(chain);
    }
    this.#diag = cp.nlevels.map((l) => new Float64Array(l));
    this.#off = cp.nlevels.map((l, t) => cp.nlevels.slice(t + 1).map(() => new Float64Array(l)));
    this.#xBlock = cp.nlevels.map((l) => new Float64Array(this.#P * l));
  }

  update(theta: Float64Array): boolean {
    const cp = this.#cp, P = this.#P, K = cp.nlevels.length;
    if (K === 2 && P === 2) return this.#updateTwoLevel(theta);
    for (let t = 0; t < K; t++) {
      const c = cp.counts[t], d = this.#diag[t], th = theta[t];
      for (let b = 0; b < c.length; b++) d[b] = th * th * c[b] + 1;
      for (let s = t + 1; s < K; s++) {
        const o = this.#off[t][s - t - 1], f = th * theta[s];
        for (let b = 0; b < c.length; b++) o[b] = f * c[b];
      }
      const x = this.#xBlock[t], xyz = cp.xyz[t];
      for (let i = 0; i < x.length; i++) x[i] = th * xyz[i];
    }
    const C = this.trailing;
    C.set(cp.xyxy);
    const diag = this.#diag, off = this.#off, xBlock = this.#xBlock, nlevels = cp.nlevels;
    // Pivots of Lambda'Z'Z Lambda + I are >= 1, so their product only grows:
    // multiply, and take a logarithm only before it could overflow.
    let logdet = 0, pivots = 1;
    for (let t = 0; t < K; t++) {
      const l = nlevels[t], d = diag[t], x = xBlock[t];
      const offs = off[t], ancs = this.#ancestor[t], nOff = offs.length;
      // The intercept-only case (P = 2) accumulates X'X, X'y, y'y in registers.
      let c00 = 0, c10 = 0, c11 = 0;
      const x1 = P === 2 ? l : 0;
      for (let b = 0; b < l; b++) {
        const dd = d[b];
        if (!(dd > 0)) return false;
        const inv = 1 / Math.sqrt(dd);
        d[b] = dd * inv;
        pivots *= dd;
        if (pivots > 1e280) {
          logdet += Math.log(pivots);
          pivots = 1;
        }
        for (let k = 0; k < nOff; k++) offs[k][b] *= inv;
        if (P === 2) {
          const u = x[b] * inv, v = x[x1 + b] * inv;
          x[b] = u;
          x[x1 + b] = v;
          c00 += u * u;
          c10 += v * u;
          c11 += v * v;
        } else {
          for (let c = 0; c < P; c++) x[c * l + b] *= inv;
          for (let c = 0; c < P; c++) {
            const xc = x[c * l + b];
            for (let e = 0; e <= c; e++) C[c * P + e] -= xc * x[e * l + b];
          }
        }
        // Schur update of the coarser blocks: only the ancestors of b are touched.
        for (let k = 0; k < nOff; k++) {
          const s = t + 1 + k, a = ancs[k][b], o = offs[k][b], ls = nlevels[s];
          diag[s][a] -= o * o;
          for (let k2 = k + 1; k2 < nOff; k2++) off[s][k2 - k - 1][a] -= offs[k2][b] * o;
          const xs = xBlock[s];
          for (let c = 0; c < P; c++) xs[c * ls + a] -= x[c * l + b] * o;
        }
      }
      if (P === 2) {
        C[0] -= c00;
        C[2] -= c10;
        C[3] -= c11;
      }
    }
    if (choleskyInPlace(C, P) >= 0) return false;
    this.logdetL2 = logdet + Math.log(pivots);
    this.logdetRX2 = 2 * logDiagonalSum(C, P, P - 1);
    const last = C[P * P - 1];
    this.r2 = last * last;
    return true;
  }
  /**
   * Two nested terms and an intercept only, the commonest simulation model:
   * the fine level is eliminated in one fused pass that stores nothing (only
   * the determinant, X/y Schur terms and the coarse blocks are needed after
   * an update), then the coarse level.
   */
  #updateTwoLevel(theta: Float64Array): boolean {
    const cp = this.#cp, C = this.trailing;
    const l0 = cp.nlevels[0], l1 = cp.nlevels[1];
    const c0 = cp.counts[0], c1 = cp.counts[1], xyz0 = cp.xyz[0], xyz1 = cp.xyz[1];
    const anc = this.#ancestor[0][0], d1 = this.#diag[1], x1 = this.#xBlock[1];
    const th0 = theta[0], th1 = theta[1], th00 = th0 * th0, th01 = th0 * th1;
    for (let a = 0; a < l1; a++) {
      d1[a] = th1 * th1 * c1[a] + 1;
      x1[a] = th1 * xyz1[a];
      x1[l1 + a] = th1 * xyz1[l1 + a];
    }
    C.set(cp.xyxy);
    let logdet = 0, pivots = 1, c00 = 0, c10 = 0, c11 = 0;
    for (let b = 0; b < l0; b++) {
      const dd = th00 * c0[b] + 1;
      const inv = 1 / Math.sqrt(dd);
      pivots *= dd;
      if (pivots > 1e280) {
        logdet += Math.log(pivots);
        pivots = 1;
      }
      const o = th01 * c0[b] * inv, u = th0 * xyz0[b] * inv, v = th0 * xyz0[l0 + b] * inv;
      c00 += u * u;
      c10 += v * u;
      c11 += v * v;
      const a = anc[b];
      d1[a] -= o * o;
      x1[a] -= u * o;
      x1[l1 + a] -= v * o;
    }
    for (let a = 0; a < l1; a++) {
      const dd = d1[a];
      if (!(dd > 0)) return false;
      const inv = 1 / Math.sqrt(dd);
      pivots *= dd;
      if (pivots > 1e280) {
        logdet += Math.log(pivots);
        pivots = 1;
      }
      const u = x1[a] * inv, v = x1[l1 + a] * inv;
      c00 += u * u;
      c10 += v * u;
      c11 += v * v;
    }
    C[0] -= c00;
    C[2] -= c10;
    C[3] -= c11;
    if (choleskyInPlace(C, 2) >= 0) return false;
    this.logdetL2 = logdet + Math.log(pivots);
    this.logdetRX2 = 2 * logDiagonalSum(C, 2, 1);
    this.r2 = C[3] * C[3];
    return true;
  }
}
