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
      if (P === 2 && nOff === 1) {
        // The commonest case, two-level nesting with an intercept only, in locals.
        const o0 = offs[0], a0 = ancs[0], ds = diag[t + 1], xs = xBlock[t + 1];
        const ls = nlevels[t + 1];
        let c00 = 0, c10 = 0, c11 = 0;
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
          const o = o0[b] * inv, u = x[b] * inv, v = x[l + b] * inv;
          o0[b] = o;
          x[b] = u;
          x[l + b] = v;
          c00 += u * u;
          c10 += v * u;
          c11 += v * v;
          const a = a0[b];
          ds[a] -= o * o;
          xs[a] -= u * o;
          xs[ls + a] -= v * o;
        }
        C[0] -= c00;
        C[2] -= c10;
        C[3] -= c11;
        continue;
      }
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
}
