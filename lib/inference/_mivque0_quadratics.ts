/**
 * Covariance of the MIVQUE0 quadratic forms under normality, from the
 * Z'Z blocks of the cross-products: no n x n matrix.
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";
import { choleskyInPlace, inverseFromCholesky } from "../linalg/cholesky.ts";
import { scratchFloat64 } from "../_typed_arrays.ts";

/**
 * The blocks of W = Z'MZ with the largest term (1) apart from the rest (r):
 * W_11 = D_1 - U_1 B U_1', W_1r = S - U_1 R with S = Z_1'Z_r (sparse, by
 * level of term 1) and R = B U_r', and W_rr dense.
 */
interface Blocks {
  readonly l1: number;
  readonly m: number;
  readonly p: number;
  /** Offset of each sorted term t >= 1 among the m levels of the rest. */
  readonly offsets: readonly number[];
  readonly d1: Float64Array;
  readonly B: Float64Array;
  /** U_1 = Z_1'X, l_1 x p. */
  readonly U1: Float64Array;
  /** R = B U_r', p x m. */
  readonly R: Float64Array;
  /** S = Z_1'Z_r by rows: entries sPtr[a] .. sPtr[a+1]-1 of row a. */
  readonly sPtr: Int32Array;
  readonly sCol: Int32Array;
  readonly sVal: Float64Array;
  /** W_1r dense, l_1 x m. */
  readonly W1r: Float64Array;
  /** U_r = Z_r'X, m x p. */
  readonly Ur: Float64Array;
  /** A_rr = Z_r'Z_r (dense, mostly zeros in nested designs) and W_rr = A_rr - U_r R. */
  readonly Arr: Float64Array;
  readonly Wrr: Float64Array;
}

/** U_1'wU_1 (p x p), U_1'wW_1r (p x m) and, if asked, W_1r'wW_1r (m x m). */
interface WeightedCross {
  readonly uu: Float64Array;
  readonly uw: Float64Array;
  readonly ww: Float64Array | null;
}

/**
 * Cov(q_i, q_j) = 2 tr(Q_i V Q_j V) for the rows of
 * {@linkcode mivque0Equations} (Q_i = M Z_i Z_i' M for sorted term i,
 * Q_K = M), V = s_R I + Z S Z' at `s` (sorted terms, then the residual;
 * all >= 0). With W = Z'MZ (Z = [Z_1 ... Z_K]) and H = W S W + s_R W:
 *
 *   tr(Q_i V Q_j V) = ||H_ij||_F^2,
 *   tr(Q_i V M V)   = tr_i(W S W S W + 2 s_R W S W + s_R^2 W) = tr_i(H S W + s_R H),
 *   tr(M V M V)     = tr(S W S W) + 2 s_R tr(S W) + s_R^2 (n - p),
 *
 * tr_i the trace of block (i, i) (Searle, Casella & McCulloch 1992, ch. 11,
 * for MIVQUE and Cov(y'Ay, y'By) = 2 tr(AVBV); M^2 = M). The largest
 * term's block W_11 = D_1 - U_1 B U_1' (U_1 = Z_1'X, B = (X'X)^-1) is kept
 * as diagonal plus rank p, and H_11 = Lambda + F G F' with F = [U_1,
 * D_1 U_1, W_1r]; W_1r = Z_1'Z_r - U_1 B U_r' is sparse plus rank p, so
 * its products cost its nonzeros, and only l_1 x m and m x m matrices are
 * formed (m = levels of the other terms); W_rr S_r W_rr likewise goes
 * through the nonzeros of Z_r'Z_r.
 *
 * Cost: O((l_1 p + nnz(Z_1'Z_r) + nnz(Z_r'Z_r)) m + m^2 p), no n x n and
 * no l_1 x l_1 matrix.
 */
export function _mivque0QuadraticCovariance(cp: CrossProducts, s: Float64Array): Float64Array {
  const K = cp.nlevels.length, N = K + 1, sR = s[K], s1 = s[0];
  const b = blocks(cp);
  const { l1, m, p, offsets, d1, W1r, Wrr } = b;
  const sr = new Float64Array(m), blockOf = new Int32Array(m);
  for (let t = 1; t < K; t++) {
    sr.fill(s[t], offsets[t], offsets[t] + cp.nlevels[t]);
    blockOf.fill(t, offsets[t], offsets[t] + cp.nlevels[t]);
  }
  const H = hBlocks(b, s1, { sr, sR });
  const { H1r, Hrr } = H;
  const T = new Float64Array(N * N);
  T[0] = H.h11Squared;
  let hsw = 0, wsw = 0;
  const colHW = new Float64Array(m); // sum_a H_1r[a, j] W_1r[a, j]
  for (let a = 0; a < l1; a++) {
    for (let j = 0; j < m; j++) {
      const h = H1r[a * m + j], w = W1r[a * m + j];
      T[blockOf[j]] += h * h;
      hsw += h * sr[j] * w;
      wsw += sr[j] * w * w;
      colHW[j] += h * w;
    }
  }
  let swsw = 0, sw = 0;
  for (let i = 0; i < m; i++) {
    let diag = s1 * colHW[i] + sR * Hrr[i * m + i];
    for (let j = 0; j < m; j++) {
      const h = Hrr[i * m + j], w = Wrr[i * m + j];
      T[blockOf[i] * N + blockOf[j]] += h * h;
      diag += h * sr[j] * w;
      swsw += sr[i] * sr[j] * w * w;
    }
    T[blockOf[i] * N + K] += diag;
    sw += sr[i] * Wrr[i * m + i];
  }
  for (let t = 1; t < K; t++) T[t * N] = T[t];
  T[K] = s1 * H.traceH11W11 + hsw + sR * H.traceH11;
  const trW11 = sum(d1) - traceProduct(b.B, H.utu, p);
  T[K * N + K] = s1 * s1 * H.traceW11Squared + 2 * s1 * wsw + swsw +
    2 * sR * (s1 * trW11 + sw) + sR * sR * (cp.n - p);
  for (let i = 0; i < K; i++) T[K * N + i] = T[i * N + K];
  return T.map((v) => 2 * v);
}

/** B, U_1, R, S by rows, and the dense W_1r and W_rr. */
function blocks(cp: CrossProducts): Blocks {
  const K = cp.nlevels.length, p = cp.p, P = p + 1, l1 = cp.nlevels[0];
  const offsets = [0];
  let m = 0;
  for (let t = 1; t < K; t++) {
    offsets.push(m);
    m += cp.nlevels[t];
  }
  const xtx = new Float64Array(p * p);
  for (let c = 0; c < p; c++) for (let d = 0; d < p; d++) xtx[c * p + d] = cp.xyxy[c * P + d];
  if (choleskyInPlace(xtx, p) >= 0) {
    throw new RangeError("the fixed-effects design is rank deficient");
  }
  const B = inverseFromCholesky(xtx, p);
  const U = (t: number) => {
    const l = cp.nlevels[t], x = cp.xyz[t];
    return Float64Array.from({ length: l * p }, (_, ac) => x[(ac % p) * l + Math.floor(ac / p)]);
  };
  const U1 = U(0), Ur = new Float64Array(m * p);
  for (let t = 1; t < K; t++) Ur.set(U(t), offsets[t] * p);
  const R = multiply(B, transpose(Ur, m, p), { rows: p, inner: p, cols: m });
  // S by rows: for each level a of term 1, its co-occurrences with every other term.
  const sPtr = new Int32Array(l1 + 1), cols: number[] = [], vals: number[] = [];
  for (let a = 0; a < l1; a++) {
    for (let t = 1; t < K; t++) {
      const pr = cp.pairs[t][0];
      for (let e = pr.colPtr[a]; e < pr.colPtr[a + 1]; e++) {
        cols.push(offsets[t] + pr.rowIdx[e]);
        vals.push(pr.count[e]);
      }
    }
    sPtr[a + 1] = cols.length;
  }
  const W1r = negated(multiply(U1, R, { rows: l1, inner: p, cols: m }));
  for (let a = 0; a < l1; a++) {
    for (let e = sPtr[a]; e < sPtr[a + 1]; e++) W1r[a * m + cols[e]] += vals[e];
  }
  const Arr = new Float64Array(m * m);
  for (let t = 1; t < K; t++) {
    const o = offsets[t], c = cp.counts[t];
    for (let a = 0; a < c.length; a++) Arr[(o + a) * m + o + a] = c[a];
    for (let u = 1; u < t; u++) {
      const pr = cp.pairs[t][u], ou = offsets[u];
      for (let a = 0; a < cp.nlevels[u]; a++) {
        for (let e = pr.colPtr[a]; e < pr.colPtr[a + 1]; e++) {
          Arr[(ou + a) * m + o + pr.rowIdx[e]] = Arr[(o + pr.rowIdx[e]) * m + ou + a] = pr.count[e];
        }
      }
    }
  }
  const Wrr = negated(multiply(Ur, R, { rows: m, inner: p, cols: m }));
  for (let i = 0; i < m * m; i++) Wrr[i] += Arr[i];
  const sCol = Int32Array.from(cols), sVal = Float64Array.from(vals);
  return { l1, m, p, offsets, d1: cp.counts[0], B, U1, R, sPtr, sCol, sVal, W1r, Ur, Arr, Wrr };
}

/**
 * U_1'wU_1, U_1'wW_1r = Y - U_1'wU_1 R with Y = U_1'wS, and (if `full`)
 * W_1r'wW_1r = S'wS - Y'R - R'Y + R'(U_1'wU_1)R, touching only S's nonzeros.
 */
function weightedCross(b: Blocks, w: Float64Array, options: { full: boolean }): WeightedCross {
  const { l1, m, p, U1, R, sPtr, sCol, sVal } = b;
  const uu = scratchFloat64(p * p), Y = scratchFloat64(p * m);
  const sws = options.full ? scratchFloat64(m * m) : null;
  for (let a = 0; a < l1; a++) {
    const wa = w[a];
    for (let c = 0; c < p; c++) {
      const u = wa * U1[a * p + c];
      for (let d = 0; d < p; d++) uu[c * p + d] += u * U1[a * p + d];
      for (let e = sPtr[a]; e < sPtr[a + 1]; e++) Y[c * m + sCol[e]] += u * sVal[e];
    }
    if (!sws) continue;
    // Upper triangle only, mirrored below.
    for (let e = sPtr[a]; e < sPtr[a + 1]; e++) {
      const v = wa * sVal[e], ce = sCol[e];
      for (let f = e; f < sPtr[a + 1]; f++) {
        const cf = sCol[f];
        sws[ce < cf ? ce * m + cf : cf * m + ce] += v * sVal[f];
      }
    }
  }
  if (sws) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < i; j++) sws[i * m + j] = sws[j * m + i];
    }
  }
  const uuR = multiply(uu, R, { rows: p, inner: p, cols: m });
  const uw = scratchFloat64(Y.length);
  for (let i = 0; i < Y.length; i++) uw[i] = Y[i] - uuR[i];
  if (!sws) return { uu, uw, ww: null };
  // S'wS - Y'R - R'Y + R'uuR = S'wS - Y'R - R'(Y - uuR).
  const Rt = transpose(R, p, m);
  const YtR = multiply(transpose(Y, p, m), R, { rows: m, inner: p, cols: m });
  const RtUw = multiply(Rt, uw, { rows: m, inner: p, cols: m });
  const ww = scratchFloat64(sws.length);
  for (let i = 0; i < sws.length; i++) ww[i] = sws[i] - YtR[i] - RtUw[i];
  return { uu, uw, ww };
}

/** The blocks of H = W S W + s_R W and the traces of H_11 that the covariance needs. */
function hBlocks(b: Blocks, s1: number, weights: { sr: Float64Array; sR: number }) {
  const { l1, m, p, d1, B, U1, R, sPtr, sCol, sVal, W1r, Wrr } = b, { sr, sR } = weights;
  const ones = new Float64Array(l1).fill(1);
  const plain = weightedCross(b, ones, { full: true });
  // H_rr = s1 W_r1 W_1r + W_rr S_r W_rr + s_R W_rr.
  const SrWrr = Float64Array.from(Wrr, (w, ij) => w * sr[Math.floor(ij / m)]);
  const Hrr = restProduct(b, sr);
  for (let i = 0; i < m * m; i++) Hrr[i] += s1 * plain.ww![i] + sR * Wrr[i];
  // H_1r = s1 (D_1 W_1r - U_1 B U_1'W_1r) + W_1r S_r W_rr + s_R W_1r, with
  // W_1r S_r W_rr = S (S_r W_rr) - U_1 (R S_r W_rr).
  const BUtW = multiply(B, plain.uw, { rows: p, inner: p, cols: m });
  const RSW = multiply(R, SrWrr, { rows: p, inner: m, cols: m });
  for (let i = 0; i < p * m; i++) BUtW[i] = s1 * BUtW[i] + RSW[i];
  const H1r = negated(multiply(U1, BUtW, { rows: l1, inner: p, cols: m }));
  for (let a = 0; a < l1; a++) {
    const row = a * m, c = s1 * d1[a] + sR;
    for (let j = 0; j < m; j++) H1r[row + j] += c * W1r[row + j];
    for (let e = sPtr[a]; e < sPtr[a + 1]; e++) {
      const v = sVal[e], from = sCol[e] * m;
      for (let j = 0; j < m; j++) H1r[row + j] += v * SrWrr[from + j];
    }
  }
  return { Hrr, H1r, utu: plain.uu, ...h11Traces(b, s1, { ...weights, plain }) };
}

/**
 * W_rr S_r W_rr = A S A - Q R - (Q R)' + R'(U_r'S_r U_r) R with A = A_rr
 * (products skip its zeros) and Q = A S_r U_r: O(nnz(A_rr) m + m^2 p), not m^3.
 */
function restProduct(b: Blocks, sr: Float64Array): Float64Array {
  const { m, p, R, Ur, Arr } = b;
  const SA = Float64Array.from(Arr, (v, ij) => v * sr[Math.floor(ij / m)]);
  const out = multiply(Arr, SA, { rows: m, inner: m, cols: m });
  const SU = Float64Array.from(Ur, (v, ic) => v * sr[Math.floor(ic / p)]);
  const Q = multiply(Arr, SU, { rows: m, inner: m, cols: p });
  const QR = multiply(Q, R, { rows: m, inner: p, cols: m });
  const E = multiply(multiply(transpose(Ur, m, p), SU, { rows: p, inner: m, cols: p }), R, {
    rows: p,
    inner: p,
    cols: m,
  });
  const RtE = multiply(transpose(R, p, m), E, { rows: m, inner: p, cols: m });
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) out[i * m + j] += RtE[i * m + j] - QR[i * m + j] - QR[j * m + i];
  }
  return out;
}

/** F'wF for F = [U_1, D_1 U_1, W_1r], r x r with r = 2p + m. */
function gramF(b: Blocks, w: Float64Array, full?: WeightedCross): Float64Array {
  const { m, p, d1 } = b, r = 2 * p + m;
  const c0 = full ?? weightedCross(b, w, { full: true });
  const c1 = weightedCross(b, w.map((v, a) => v * d1[a]), { full: false });
  const c2 = weightedCross(b, w.map((v, a) => v * d1[a] * d1[a]), { full: false });
  const out = new Float64Array(r * r);
  const put = (i: number, j: number, v: number) => out[i * r + j] = out[j * r + i] = v;
  for (let c = 0; c < p; c++) {
    for (let d = 0; d < p; d++) {
      put(c, d, c0.uu[c * p + d]);
      put(c, p + d, c1.uu[c * p + d]);
      put(p + c, p + d, c2.uu[c * p + d]);
    }
    for (let j = 0; j < m; j++) {
      put(c, 2 * p + j, c0.uw[c * m + j]);
      put(p + c, 2 * p + j, c1.uw[c * m + j]);
    }
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) out[(2 * p + i) * r + 2 * p + j] = c0.ww![i * m + j];
  }
  return out;
}

/**
 * ||H_11||^2, tr(H_11), tr(H_11 W_11) and tr(W_11^2), with H_11 = Lambda + F G F':
 * Lambda = s1 D_1^2 + s_R D_1, F = [U_1, D_1 U_1, W_1r],
 * G = [[s1 B U_1'U_1 B - s_R B, -s1 B, 0], [-s1 B, 0, 0], [0, 0, S_r]].
 */
function h11Traces(
  b: Blocks,
  s1: number,
  weights: { sr: Float64Array; sR: number; plain: WeightedCross },
) {
  const { l1, m, p, d1, B } = b, { sr, sR, plain } = weights, r = 2 * p + m;
  const lambda = Float64Array.from(d1, (d) => s1 * d * d + sR * d);
  const phi = gramF(b, new Float64Array(l1).fill(1), plain);
  const phiD = gramF(b, d1);
  const phiL = gramF(b, lambda);
  const sub = (X: Float64Array, i0: number, j0: number) =>
    Float64Array.from({ length: p * p }, (_, ij) => X[(i0 + Math.floor(ij / p)) * r + j0 + ij % p]);
  const utu = plain.uu;
  const pp = { rows: p, inner: p, cols: p };
  const butub = multiply(multiply(B, utu, pp), B, pp);
  const G = new Float64Array(r * r);
  for (let c = 0; c < p; c++) {
    for (let d = 0; d < p; d++) {
      G[c * r + d] = s1 * butub[c * p + d] - sR * B[c * p + d];
      G[c * r + p + d] = G[(p + c) * r + d] = -s1 * B[c * p + d];
    }
  }
  for (let j = 0; j < m; j++) G[(2 * p + j) * r + 2 * p + j] = sr[j];
  // F'U_1 B U_1'F, from the first p columns of F'F.
  const FtU = Float64Array.from({ length: r * p }, (_, ic) => phi[Math.floor(ic / p) * r + ic % p]);
  const FUBUF = multiply(multiply(FtU, B, { rows: r, inner: p, cols: p }), transpose(FtU, r, p), {
    rows: r,
    inner: p,
    cols: r,
  });
  const GPhi = multiply(G, phi, { rows: r, inner: r, cols: r });
  let lambda2 = 0, lambdaD = 0, d2 = 0;
  for (let a = 0; a < l1; a++) {
    lambda2 += lambda[a] * lambda[a];
    lambdaD += lambda[a] * d1[a];
    d2 += d1[a] * d1[a];
  }
  return {
    h11Squared: lambda2 + 2 * traceProduct(G, phiL, r) + traceProduct(GPhi, GPhi, r),
    traceH11: sum(lambda) + trace(GPhi, r),
    traceH11W11: lambdaD - traceProduct(B, sub(phiL, 0, 0), p) + traceProduct(G, phiD, r) -
      traceProduct(G, FUBUF, r),
    traceW11Squared: d2 - 2 * traceProduct(B, sub(phiD, 0, 0), p) + traceProduct(butub, utu, p),
  };
}

function multiply(
  A: Float64Array,
  B: Float64Array,
  shape: { rows: number; inner: number; cols: number },
): Float64Array {
  const { rows, inner, cols } = shape, out = scratchFloat64(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < inner; k++) {
      const a = A[i * inner + k];
      if (a === 0) continue;
      for (let j = 0; j < cols; j++) out[i * cols + j] += a * B[k * cols + j];
    }
  }
  return out;
}

function negated(A: Float64Array): Float64Array {
  for (let i = 0; i < A.length; i++) A[i] = -A[i];
  return A;
}

function transpose(A: Float64Array, rows: number, cols: number): Float64Array {
  const out = scratchFloat64(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = A[i * cols + j];
  return out;
}

/** tr(A B) for square n x n A and B. */
function traceProduct(A: Float64Array, B: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += A[i * n + j] * B[j * n + i];
  return s;
}

function trace(A: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += A[i * n + i];
  return s;
}

function sum(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
}
