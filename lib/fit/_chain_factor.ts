import type { CrossProducts } from "../model/cross_products.ts";
import type { BlockedFactor } from "./blocked_factor.ts";
import { choleskyInPlace, logDiagonalSum } from "../linalg/cholesky.ts";
import { type ChainStructure, chainStructure } from "./_chain_structure.ts";
import { scratchFloat64 } from "../_typed_arrays.ts";

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
 * has one nonzero per coarser term (at its ancestor). The finest term is
 * eliminated by groups of cells with one parent and one row count
 * (lib/fit/_chain_structure.ts), whose pivots and Schur updates are equal,
 * so an update costs O(g K^2 + q' K^2 + c p^2) scalar operations for g
 * groups, q' levels of the coarser terms and c distinct cell counts.
 */
export class ChainFactor implements BlockedFactor {
  readonly layout = "nested-chain";
  logdetL2 = 0;
  logdetRX2 = 0;
  r2 = 0;
  readonly trailing: Float64Array;
  readonly #cp: CrossProducts;
  readonly #st: ChainStructure;
  readonly #P: number;
  /** #ancestor[t][s - t - 1][b]: level of term s above level b of term t (t >= 1). */
  readonly #ancestor: Int32Array[][];
  readonly #diag: Float64Array[];
  /** #off[t][s - t - 1][b]: entry of L at (ancestor in term s, level b of term t). */
  readonly #off: Float64Array[][];
  readonly #xBlock: Float64Array[];
  readonly #classInv: Float64Array;

  constructor(cp: CrossProducts) {
    this.#cp = cp;
    this.#st = chainStructure(cp);
    const K = cp.nlevels.length;
    this.#P = cp.p + 1;
    this.trailing = scratchFloat64(this.#P * this.#P);
    this.#ancestor = [];
    for (let t = 0; t < K; t++) {
      const chain: Int32Array[] = [];
      for (let s = t + 1; s < K && t > 0; s++) {
        const parent = cp.pairs[s][s - 1].rowIdx;
        const below = s === t + 1 ? null : chain[s - t - 2];
        const anc = new Int32Array(cp.nlevels[t]);
        for (let b = 0; b < anc.length; b++) anc[b] = below ? parent[below[b]] : parent[b];
        chain.push(anc);
      }
      this.#ancestor.push(chain);
    }
    const sized = (t: number, l: number) => t === 0 ? 0 : l;
    this.#diag = cp.nlevels.map((l, t) => scratchFloat64(sized(t, l)));
    this.#off = cp.nlevels.map((l, t) =>
      cp.nlevels.slice(t + 1).map(() => scratchFloat64(sized(t, l)))
    );
    this.#xBlock = cp.nlevels.map((l, t) => scratchFloat64(this.#P * sized(t, l)));
    this.#classInv = scratchFloat64(this.#st.cells.count.length);
  }

  update(theta: Float64Array): boolean {
    const cp = this.#cp, P = this.#P, K = cp.nlevels.length;
    if (K === 2 && P === 2) return this.#updateTwoLevel(theta);
    for (let t = 1; t < K; t++) {
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
    let logdet = this.#eliminateCells(theta);
    const diag = this.#diag, off = this.#off, xBlock = this.#xBlock, nlevels = cp.nlevels;
    // Pivots of Lambda'Z'Z Lambda + I are >= 1, so their product only grows:
    // multiply, and take a logarithm only before it could overflow.
    let pivots = 1;
    for (let t = 1; t < K; t++) {
      const l = nlevels[t], d = diag[t], x = xBlock[t];
      const offs = off[t], ancs = this.#ancestor[t], nOff = offs.length;
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
        for (let c = 0; c < P; c++) x[c * l + b] *= inv;
        for (let c = 0; c < P; c++) {
          const xc = x[c * l + b];
          for (let e = 0; e <= c; e++) C[c * P + e] -= xc * x[e * l + b];
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
    }
    return this.#finish(logdet + Math.log(pivots));
  }

  /**
   * Eliminates the finest term: per count class the pivot th^2 n + 1 (its
   * log, times the class size, is returned) and the trailing block's update
   * th^2 / (th^2 n + 1) sum S S'; per group of N cells under one parent the
   * Schur updates of the parent's ancestors, N times one cell's.
   */
  #eliminateCells(theta: Float64Array): number {
    const { cells, groups } = this.#st, P = this.#P, K = this.#cp.nlevels.length;
    const th0 = theta[0], t02 = th0 * th0, C = this.trailing, inv = this.#classInv;
    let logdet = 0;
    for (let k = 0; k < cells.count.length; k++) {
      const dd = t02 * cells.count[k] + 1, w = t02 / dd, o = k * P * P;
      inv[k] = 1 / Math.sqrt(dd);
      logdet += cells.size[k] * Math.log(dd);
      // At theta_0 = 0 nothing is subtracted (not even an overflowed sum of squares).
      if (w === 0) continue;
      for (let c = 0; c < P; c++) {
        for (let e = 0; e <= c; e++) C[c * P + e] -= w * cells.gram[o + c * P + e];
      }
    }
    const diag = this.#diag, off = this.#off, xBlock = this.#xBlock, nlevels = this.#cp.nlevels;
    const anc1 = this.#ancestor[1], o = new Float64Array(K), at = new Int32Array(K);
    for (let g = 0; g < groups.parent.length && K > 1; g++) {
      const a = groups.parent[g], k = groups.cls[g], N = groups.size[g], u = th0 * inv[k];
      for (let s = 1; s < K; s++) {
        o[s] = th0 * theta[s] * cells.count[k] * inv[k];
        at[s] = s === 1 ? a : anc1[s - 2][a];
      }
      for (let s = 1; s < K; s++) {
        const as = at[s], os = o[s], ls = nlevels[s], xs = xBlock[s];
        diag[s][as] -= N * os * os;
        for (let s2 = s + 1; s2 < K; s2++) off[s][s2 - s - 1][as] -= N * o[s2] * os;
        for (let c = 0; c < P; c++) xs[c * ls + as] -= u * groups.sums[g * P + c] * os;
      }
    }
    return logdet;
  }

  /** Factors the trailing block and stores the parts of the criterion. */
  #finish(logdet: number): boolean {
    const P = this.#P, C = this.trailing;
    if (choleskyInPlace(C, P) >= 0) return false;
    this.logdetL2 = logdet;
    this.logdetRX2 = 2 * logDiagonalSum(C, P, P - 1);
    const last = C[P * P - 1];
    this.r2 = last * last;
    return true;
  }

  /**
   * Two nested terms and an intercept only, the commonest simulation model:
   * the cell groups are eliminated in one fused pass that stores nothing
   * (only the determinant, X/y Schur terms and the coarse blocks are needed
   * after an update), then the coarse level.
   */
  #updateTwoLevel(theta: Float64Array): boolean {
    const cp = this.#cp, C = this.trailing, { cells, groups } = this.#st;
    const l1 = cp.nlevels[1], c1 = cp.counts[1], xyz1 = cp.xyz[1];
    const d1 = this.#diag[1], x1 = this.#xBlock[1], inv = this.#classInv;
    const th0 = theta[0], th1 = theta[1], th00 = th0 * th0, th01 = th0 * th1;
    for (let a = 0; a < l1; a++) {
      d1[a] = th1 * th1 * c1[a] + 1;
      x1[a] = th1 * xyz1[a];
      x1[l1 + a] = th1 * xyz1[l1 + a];
    }
    let logdet = 0, pivots = 1, c00 = 0, c10 = 0, c11 = 0;
    for (let k = 0; k < cells.count.length; k++) {
      const dd = th00 * cells.count[k] + 1, w = th00 / dd, g = cells.gram;
      inv[k] = 1 / Math.sqrt(dd);
      logdet += cells.size[k] * Math.log(dd);
      if (w === 0) continue;
      c00 += w * g[4 * k];
      c10 += w * g[4 * k + 2];
      c11 += w * g[4 * k + 3];
    }
    const { parent, cls, size, sums } = groups;
    for (let g = 0; g < parent.length; g++) {
      const k = cls[g], a = parent[g], o = th01 * cells.count[k] * inv[k], u = th0 * inv[k] * o;
      d1[a] -= size[g] * o * o;
      x1[a] -= u * sums[2 * g];
      x1[l1 + a] -= u * sums[2 * g + 1];
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
    C.set(cp.xyxy);
    C[0] -= c00;
    C[2] -= c10;
    C[3] -= c11;
    return this.#finish(logdet + Math.log(pivots));
  }
}
