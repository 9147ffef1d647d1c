import type { CrossProducts } from "../model/cross_products.ts";
import type { BlockedFactor } from "./blocked_factor.ts";
import { float64Arrays } from "../_typed_arrays.ts";
import { _schurLayout, type CountGroup, type Grouping, type Rows } from "./_schur_layout.ts";
import { choleskyInPlace, forwardSolveColumnsInPlace, logDiagonalSum } from "../linalg/cholesky.ts";

/**
 * Blocked Cholesky for crossed or partially crossed terms (MixedModels.jl
 * `updateL!`): the term with most levels gets the diagonal block; all other
 * terms form one dense block of size m, the Schur complement
 *   S = Lambda_r (A_rr - A_r0 W A_0r) Lambda_r + I,  W = diag(t0^2 / (t0^2 c_b + 1)).
 * Levels of term 0 with equal counts share a weight, so A_r0 W A_0r is the
 * weighted sum of Gram matrices precomputed per distinct count; when counts
 * are too varied for that to pay, the update sums over term 0's levels
 * directly, one row of S at a time. What does not change with theta (the
 * layout) is made once and shared (_schur_layout.ts).
 * Cost per update: O(g m^2 + m^3 / 3 + p m^2) with g distinct counts.
 */
export class SchurFactor implements BlockedFactor {
  readonly layout = "dense-schur";
  logdetL2 = 0;
  logdetRX2 = 0;
  r2 = 0;
  readonly trailing: Float64Array;
  readonly #cp: CrossProducts;
  readonly #P: number;
  readonly #m: number;
  readonly #restTerm: Int32Array;
  readonly #colPtr: Int32Array;
  readonly #idx: Int32Array;
  readonly #cnt: Float64Array;
  readonly #arr: Float64Array;
  readonly #xyzRest: Float64Array;
  readonly #groups: readonly CountGroup[] | null;
  /**
   * The grouped update's A_r0 W A_0r (its lower triangle, packed as the Gram
   * matrices are); the direct update keeps one row of it.
   */
  readonly #w: Float64Array;
  readonly #rows: Rows | null;
  /** The direct update's theta of each dense position's term. */
  readonly #thetaRest: Float64Array;
  /** The direct update's weights of term 0's levels. */
  readonly #weights: Float64Array;
  readonly #hw: Float64Array;
  readonly #qw: Float64Array;
  readonly #s: Float64Array;
  readonly #br: Float64Array;

  /**
   * @param grouping `auto` picks the cheaper update; `grouped` and `direct`
   * force one (tests compare them).
   */
  constructor(cp: CrossProducts, grouping: Grouping = "auto") {
    this.#cp = cp;
    const layout = _schurLayout(cp, grouping), { P, m } = layout, l0 = cp.nlevels[0];
    this.#P = P;
    this.#m = m;
    this.#restTerm = layout.restTerm;
    this.#colPtr = layout.colPtr;
    this.#idx = layout.idx;
    this.#cnt = layout.cnt;
    this.#arr = layout.arr;
    this.#xyzRest = layout.xyzRest;
    this.#groups = layout.groups;
    this.#rows = layout.rows;
    this.#thetaRest = new Float64Array(this.#rows ? m : 0);
    [this.trailing, this.#w, this.#weights, this.#hw, this.#qw, this.#s, this.#br] = float64Arrays([
      P * P,
      this.#groups ? (m * (m + 1)) / 2 : m,
      this.#groups ? 0 : l0,
      P * m,
      P * P,
      m * m,
      P * m,
    ]);
  }

  /** S, HW and QW from the per-count Gram matrices; the log-determinant of term 0's block. */
  #groupedUpdate(theta: Float64Array): number {
    const m = this.#m, t02 = theta[0] * theta[0];
    const W = this.#w, HW = this.#hw, QW = this.#qw;
    W.fill(0);
    let logdet = 0;
    for (const g of this.#groups!) {
      const denom = t02 * g.count + 1;
      logdet += 0.5 * g.size * Math.log(denom);
      const w = t02 / denom;
      if (w === 0) continue;
      for (let i = 0; i < W.length; i++) W[i] += w * g.gram[i];
      for (let i = 0; i < HW.length; i++) HW[i] += w * g.cross[i];
      for (let i = 0; i < QW.length; i++) QW[i] += w * g.outer[i];
    }
    const S = this.#s, A = this.#arr, rt = this.#restTerm;
    for (let i = 0; i < m; i++) {
      const ti = theta[rt[i]], w = (i * (i + 1)) / 2;
      for (let j = 0; j <= i; j++) S[i * m + j] = ti * theta[rt[j]] * (A[i * m + j] - W[w + j]);
      S[i * m + i] += 1;
    }
    return logdet;
  }

  /**
   * S, HW and QW summed over term 0's levels directly, one row of S at a
   * time: row i of A_r0 W A_0r is summed over the levels b of its row in
   * ascending order (the order of a column-by-column sum, so the same
   * values) into a buffer of one row, then used at once. The whole m x m
   * product is never stored nor scattered into. Returns the log-determinant
   * of term 0's block.
   */
  #directUpdate(theta: Float64Array): number {
    const cp = this.#cp, m = this.#m, P = this.#P, l0 = cp.nlevels[0];
    const t02 = theta[0] * theta[0], c0 = cp.counts[0], xyz0 = cp.xyz[0];
    const weight = this.#weights, QW = this.#qw, HW = this.#hw;
    let logdet = 0;
    for (let b = 0; b < l0; b++) {
      const denom = t02 * c0[b] + 1;
      logdet += 0.5 * Math.log(denom);
      const w = t02 / denom;
      weight[b] = w;
      if (t02 === 0) continue;
      for (let c = 0; c < P; c++) {
        const xc = w * xyz0[c * l0 + b];
        for (let d = 0; d <= c; d++) QW[c * P + d] += xc * xyz0[d * l0 + b];
      }
    }
    const { ptr, level, count, until } = this.#rows!, colPtr = this.#colPtr, idx = this.#idx;
    const cnt = this.#cnt, row = this.#w, S = this.#s, A = this.#arr, tr = this.#thetaRest;
    for (let i = 0; i < m; i++) tr[i] = theta[this.#restTerm[i]];
    // Each row of the product is summed into `row`, all 0 between rows: row i's terms touch
    // only its first i + 1 entries, which are taken and cleared at once.
    for (let i = 0; i < m; i++) {
      if (t02 !== 0) {
        for (let r = ptr[i]; r < ptr[i + 1]; r++) {
          const b = level[r], wi = weight[b] * count[r];
          // A column's indices ascend: its entries up to i are its first ones, to entry r's own.
          for (let f = colPtr[b], end = until[r]; f < end; f++) row[idx[f]] += wi * cnt[f];
          for (let c = 0; c < P; c++) HW[c * m + i] += wi * xyz0[c * l0 + b];
        }
      }
      const ti = tr[i], base = i * m;
      for (let j = 0; j <= i; j++) {
        S[base + j] = ti * tr[j] * (A[base + j] - row[j]);
        row[j] = 0;
      }
      S[base + i] += 1;
    }
    return logdet;
  }

  /** S (lower triangle), HW and QW at theta, from zero; the log-determinant of term 0's block. */
  #assemble(theta: Float64Array): number {
    this.#hw.fill(0);
    this.#qw.fill(0);
    return this.#groups ? this.#groupedUpdate(theta) : this.#directUpdate(theta);
  }

  /**
   * The Schur complement of term 0's block in Omega = Lambda' Z'Z Lambda + I
   * at `theta`, unfactored, as a full symmetric row-major matrix: the m dense
   * positions, then, with `withX`, the p columns of X (Omega bordered by
   * Lambda' Z'X and X'X, the mixed-model matrix of REML). Uses the buffers of
   * {@linkcode SchurFactor.update}, so the factor must be updated again
   * before its factor is used; the results of the last update stay.
   */
  schurComplement(theta: Float64Array, options: { withX: boolean }): Float64Array {
    const cp = this.#cp, m = this.#m, P = this.#P, rt = this.#restTerm;
    const p = options.withX ? P - 1 : 0, n = m + p;
    const S = this.#s, HW = this.#hw, QW = this.#qw, xr = this.#xyzRest;
    this.#assemble(theta);
    const out = new Float64Array(n * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j <= i; j++) out[i * n + j] = out[j * n + i] = S[i * m + j];
    }
    for (let c = 0; c < p; c++) {
      const row = (m + c) * n;
      for (let i = 0; i < m; i++) {
        out[row + i] = out[i * n + m + c] = theta[rt[i]] * (xr[c * m + i] - HW[c * m + i]);
      }
      for (let d = 0; d <= c; d++) {
        out[row + m + d] = out[(m + d) * n + m + c] = cp.xyxy[c * P + d] - QW[c * P + d];
      }
    }
    return out;
  }

  /**
   * Term 0's rows of Z'Z outside its own block: for level b, the dense
   * positions `position[k]` with counts `count[k]`, k from `start[b]` to
   * `start[b + 1]` (ascending); `term[i]` is the sorted term of position i.
   * No entry has count 0. Views of the factor's arrays: not to be written.
   */
  termZeroRows(): {
    start: Int32Array;
    position: Int32Array;
    count: Float64Array;
    term: Int32Array;
  } {
    return { start: this.#colPtr, position: this.#idx, count: this.#cnt, term: this.#restTerm };
  }

  update(theta: Float64Array): boolean {
    const cp = this.#cp, m = this.#m, P = this.#P, rt = this.#restTerm;
    const S = this.#s, HW = this.#hw, QW = this.#qw;
    let logdet = this.#assemble(theta);
    if (choleskyInPlace(S, m) >= 0) return false;
    logdet += logDiagonalSum(S, m);

    const Br = this.#br, xr = this.#xyzRest;
    for (let c = 0; c < P; c++) {
      for (let i = 0; i < m; i++) Br[c * m + i] = theta[rt[i]] * (xr[c * m + i] - HW[c * m + i]);
    }
    forwardSolveColumnsInPlace(S, m, Br);
    const C = this.trailing;
    for (let c = 0; c < P; c++) {
      for (let d = 0; d <= c; d++) {
        let s = cp.xyxy[c * P + d] - QW[c * P + d];
        for (let i = 0; i < m; i++) s -= Br[c * m + i] * Br[d * m + i];
        C[c * P + d] = s;
      }
    }
    if (choleskyInPlace(C, P) >= 0) return false;
    this.logdetL2 = 2 * logdet;
    this.logdetRX2 = 2 * logDiagonalSum(C, P, P - 1);
    const last = C[P * P - 1];
    this.r2 = last * last;
    return true;
  }
}
