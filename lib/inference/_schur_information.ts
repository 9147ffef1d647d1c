/**
 * The expected information of the variances of a crossed design (the
 * dense-Schur layout of lib/fit/_schur_factor.ts), exactly, from one
 * inverse of the mixed-model matrix instead of the finite differences of
 * about 2 (K+1)^2 factor updates.
 *
 * With V = sigma^2 V0, V0 = I + U U', U = Z Lambda, and Omega the
 * mixed-model matrix (Omega = U'U + I for ML; bordered by U'X and X'X for
 * REML), let G be the random-effects block of Omega^-1 and N = I - G. Then
 * U'P0 U = N (P0 = V0^-1 for ML, V0^-1 - V0^-1 X (X'V0^-1 X)^-1 X'V0^-1 for
 * REML), and with gamma_k = theta_k^2 the information
 * I_ab = tr(P V_a P V_b) / 2 is (ALGORITHMS.md section 4)
 *   I_kl = |N_kl|^2 / (2 sigma^4 gamma_k gamma_l),
 *   I_k,e = (tr N_kk - sum_j |N_jk|^2) / (2 sigma^4 gamma_k),
 *   I_e,e = (n - p - 2 tr N + |N|^2) / (2 sigma^4),
 * p = 0 for ML, |.| the Frobenius norm. Omega^-1 comes from the Schur
 * complement S of term 0's diagonal block D: Y = S^-1 (dense), then
 * G_00 = D^-1 + D^-1 B Y B' D^-1 and G_0r = -D^-1 B Y, B term 0's rows of
 * Omega outside its block. N's entries are formed directly (never as
 * q - 2 tr G + |G|^2), so a small gamma_k costs digits as 1 / gamma_k only;
 * below theta = 1e-3 the caller keeps to finite differences.
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";
import { SchurFactor } from "../fit/_schur_factor.ts";
import { choleskyInPlace } from "../linalg/cholesky.ts";
import { _choleskyInverse } from "../linalg/_cholesky_inverse.ts";
import { BLOCK, termZeroProducts } from "./_term_zero_products.ts";

/** Smallest relative SD theta_k = sigma_k / sigma the exact route takes. */
const MIN_THETA = 1e-3;

/**
 * The expected information (REML or ML) at the variances `s` (sorted terms,
 * then the residual) of a design the dense-Schur layout factors (not a
 * nested chain: the caller checks), row-major (K+1)^2 in the same order;
 * null when a theta is below 1e-3, the residual variance is not positive,
 * the Schur complement is not positive definite, or the exact route would
 * cost more than finite differences. Term 0's products run in WebAssembly
 * SIMD where it is available (`simd: false` takes the scalar loops), to the
 * same bits.
 */
export function _schurExpectedInformation(
  cp: CrossProducts,
  s: Float64Array,
  options: { readonly reml: boolean; readonly simd?: boolean },
): Float64Array | null {
  const K = cp.nlevels.length, sigma2 = s[K];
  if (!(sigma2 > 0) || !Number.isFinite(sigma2)) return null;
  const theta = Float64Array.from({ length: K }, (_, k) => Math.sqrt(s[k] / sigma2));
  if (!theta.every((t) => t >= MIN_THETA && Number.isFinite(t))) return null;
  const factor = new SchurFactor(cp);
  const rows = factor.termZeroRows();
  const m = rows.term.length, p = options.reml ? cp.p : 0, l0 = cp.nlevels[0];
  if (!cheaper(m, p, { l0, nnz: rows.position.length, d: K + 1 })) return null;
  const S = factor.schurComplement(theta, { withX: options.reml });
  if (choleskyInPlace(S, m + p) >= 0) return null;
  const Y = _choleskyInverse(S, m + p);
  const stats = blockStatistics(cp, theta, { Y, rows, p, simd: options.simd });
  return information(cp, stats, { theta, sigma2, p });
}

/**
 * Whether one inverse and term 0's products cost less than the 4 d^2 + 2
 * factor updates of the differences (d parameters), by operation counts,
 * with a margin of 2 for the slower sparse loops.
 */
function cheaper(m: number, p: number, sizes: { l0: number; nnz: number; d: number }): boolean {
  const { l0, nnz, d } = sizes, n = m + p, rowNnz = nnz + l0 * p;
  const exact = n * n * n / 3 + n * rowNnz + l0 * rowNnz / 2;
  const update = m * m * m / 3 + nnz * (nnz / Math.max(l0, 1)) + m * m;
  return exact < (2 * d * d + 1) * update;
}

/** tr N_kk and |N_kl|^2 for the K sorted terms. */
interface BlockStatistics {
  readonly trace: Float64Array;
  /** K x K, symmetric. */
  readonly norm2: Float64Array;
}

/** N's block traces and norms: the dense positions from Y, term 0's from its rows. */
function blockStatistics(
  cp: CrossProducts,
  theta: Float64Array,
  work: {
    Y: Float64Array;
    rows: ReturnType<SchurFactor["termZeroRows"]>;
    p: number;
    simd?: boolean;
  },
): BlockStatistics {
  const K = cp.nlevels.length, { Y, rows, p } = work, m = rows.term.length, n = m + p;
  const trace = new Float64Array(K), norm2 = new Float64Array(K * K), rt = rows.term;
  for (let i = 0; i < m; i++) {
    const ti = rt[i], row = i * n;
    const dii = 1 - Y[row + i];
    trace[ti] += dii;
    norm2[ti * K + ti] += dii * dii;
    for (let j = 0; j < i; j++) {
      const e = Y[row + j], tj = rt[j];
      norm2[ti * K + tj] += e * e;
      norm2[tj * K + ti] += e * e;
    }
  }
  termZeroStatistics(cp, theta, { ...work, trace, norm2 });
  return { trace, norm2 };
}

/**
 * Term 0's part: for each level b, u = Y B_b' (B_b its row of Omega outside
 * its block, X's columns included for REML); N_0r's row is u / d_b on the
 * dense positions, and N_00's column b is delta - 1/d_b - B u / (d_b d_b'').
 * The products B u are formed for BLOCK levels at a time
 * (`_term_zero_products.ts`); every sum is taken in the same order as one
 * level at a time.
 */
function termZeroStatistics(
  cp: CrossProducts,
  theta: Float64Array,
  work: {
    Y: Float64Array;
    rows: ReturnType<SchurFactor["termZeroRows"]>;
    p: number;
    trace: Float64Array;
    norm2: Float64Array;
    simd?: boolean;
  },
): void {
  const { Y, rows, p, trace, norm2 } = work, K = cp.nlevels.length;
  const { start, position, count, term } = rows, m = term.length, n = m + p;
  const l0 = cp.nlevels[0], t0 = theta[0], c0 = cp.counts[0], xyz0 = cp.xyz[0];
  // B_b's entries: the dense positions' theta_0 theta_i A_0r, then theta_0 Z_0'X.
  const value = Float64Array.from(position, (i, k) => t0 * theta[term[i]] * count[k]);
  const xPart = Float64Array.from({ length: l0 * p }, (_, bc) => {
    const b = Math.floor(bc / p), c = bc % p;
    return t0 * xyz0[c * l0 + b];
  });
  const d = Float64Array.from(c0, (c) => t0 * t0 * c + 1);
  const perTerm = new Float64Array(K);
  const B = termZeroProducts(Y, { rows: { start, position, value, xPart, m, p }, simd: work.simd });
  const U = B.vectors;
  let diag = 0, off = 0;
  for (let b0 = 0; b0 < l0; b0 += BLOCK) {
    const size = Math.min(BLOCK, l0 - b0);
    for (let i = 0; i < size; i++) {
      const b = b0 + i, u = B.combine(b), db = d[b];
      perTerm.fill(0);
      for (let j = 0; j < m; j++) perTerm[term[j]] += u[j] * u[j];
      for (let t = 1; t < K; t++) {
        norm2[t] += perTerm[t] / (db * db);
        norm2[t * K] += perTerm[t] / (db * db);
      }
      for (let j = 0; j < n; j++) U[j * BLOCK + i] = u[j];
    }
    const q = B.products(b0 + size);
    // (B u)_b'' for b'' <= b: the lower triangle of B Y B', counted twice off the diagonal.
    for (let i = 0; i < size; i++) {
      const b = b0 + i, db = d[b];
      for (let b2 = 0; b2 < b; b2++) {
        const e = q[b2 * BLOCK + i] / (db * d[b2]);
        off += e * e;
      }
      const e = (t0 * t0 * c0[b] - q[b * BLOCK + i] / db) / db;
      trace[0] += e;
      diag += e * e;
    }
  }
  norm2[0] += diag + 2 * off;
}

/** The information from N's block statistics (see the module's formulas). */
function information(
  cp: CrossProducts,
  stats: BlockStatistics,
  at: { theta: Float64Array; sigma2: number; p: number },
): Float64Array {
  const K = cp.nlevels.length, d = K + 1, { trace, norm2 } = stats;
  const gamma = Float64Array.from(at.theta, (t) => t * t);
  const scale = 1 / (2 * at.sigma2 * at.sigma2), out = new Float64Array(d * d);
  let ee = cp.n - at.p;
  for (let k = 0; k < K; k++) {
    let column = 0;
    for (let l = 0; l < K; l++) {
      out[k * d + l] = scale * norm2[k * K + l] / (gamma[k] * gamma[l]);
      column += norm2[l * K + k];
      ee += norm2[k * K + l];
    }
    out[k * d + K] = out[K * d + k] = scale * (trace[k] - column) / gamma[k];
    ee -= 2 * trace[k];
  }
  out[K * d + K] = scale * ee;
  return out;
}
