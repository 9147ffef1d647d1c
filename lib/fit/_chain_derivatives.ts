/**
 * Exact first and second derivatives of -2 log L (REML or ML) in the
 * variances s = (sigma_1^2, ..., sigma_K^2, sigma^2) for a nested chain of
 * random intercepts, by propagating second-order jets through the
 * hierarchical Sherman-Morrison recursion for V = sigma^2 I + sum_k
 * sigma_k^2 Z_k Z_k' (Searle, Casella & McCulloch 1992, ch. 6 and 8: in
 * nested designs V is block diagonal with blocks whose inverse and
 * determinant are sums over levels). For a level v of term t with children
 * c, whose subtrees have mu_c = 1'V_c^-1 1 and beta_c = 1'V_c^-1 [X y]:
 *   m_v = sum_c mu_c, b_v = sum_c beta_c, w_v = 1 / (1 + s_t m_v),
 *   mu_v = m_v w_v, beta_v = b_v w_v,
 *   log|V| = sum over cells of (n - 1) log s0 + log(s0 + s_1 n) + sum_v log(1 + s_t m_v),
 *   Q = [X y]'V^-1[X y] = within / s0 + sum over cells of S S' / (n (s0 + s_1 n))
 *       - sum_v s_t w_v b_v b_v'.
 * Then ML: -2 l = log|V| + r + n log 2 pi and REML: -2 l_R = log|V| +
 * log|Q_xx| + r + (n - p) log 2 pi, r = Q_yy - Q_yx Q_xx^-1 Q_xy
 * (Bates et al. 2015, eqs. 34 and 41, in the variances). Levels are
 * processed by class (lib/fit/_chain_structure.ts), so a balanced design
 * costs O(K) jets per evaluation whatever its size.
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";
import { type ChainStructure, chainStructure } from "./_chain_structure.ts";
import { JetSpace, type SecondOrder } from "./_jets.ts";
import type { SmoothObjective } from "./_bounded_newton.ts";
import { balancedChainObjective } from "./_balanced_chain.ts";
import { choleskyInPlace, inverseFromCholesky } from "../linalg/cholesky.ts";
import { RecentMemo } from "../_recent_memo.ts";

/** Which parts of -2 log L {@linkcode ChainDerivatives.deviance} returns. */
export type DerivativeParts = "full" | "log-determinants";

/** Jets of the ML fixed-effect profile: -2 log L with beta profiled out, beta_j-hat and Var(beta_j). */
export interface FixedParts {
  /** log|V| + r + n log 2 pi. */
  readonly deviance: Float64Array;
  /** The GLS estimate of beta_j. */
  readonly estimate: Float64Array;
  /** [(X'V^-1X)^-1]_jj. */
  readonly variance: Float64Array;
}

const shared = new RecentMemo<CrossProducts, ChainDerivatives>();

/**
 * The {@linkcode ChainDerivatives} of `cp`, one per cross-products object:
 * its users evaluate and read the results at once, so they can share it.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { VarianceDeviance } from "../inference/variance_deviance.ts";
 * import { secondOrder } from "./_jets.ts";
 * import { chainDerivatives } from "./_chain_derivatives.ts";
 * const cp = crossProducts({
 *   response: "y", y: new Float64Array([1, 2, 5, 6, 2, 4]), X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 * });
 * const s = new Float64Array([3, 1]), out = secondOrder(2), d = chainDerivatives(cp);
 * assert.ok(d.evaluate(s) && d.deviance(out, { reml: true }));
 * // The value is the REML criterion; the derivative matches a central difference.
 * const dev = new VarianceDeviance(cp);
 * assert.ok(Math.abs(out.f - dev.evaluate(s)) < 1e-12);
 * const h = 1e-5, up = dev.evaluate(new Float64Array([3 + h, 1]));
 * const down = dev.evaluate(new Float64Array([3 - h, 1]));
 * assert.ok(Math.abs(out.g[0] - (up - down) / (2 * h)) < 1e-8);
 * assert.equal(chainDerivatives(cp), d);
 * ```
 */
export function chainDerivatives(cp: CrossProducts): ChainDerivatives {
  let d = shared.get(cp);
  if (!d) {
    d = new ChainDerivatives(cp);
    shared.set(cp, d);
  }
  return d;
}

/**
 * -2 log L (REML or ML) of a nested chain in the variances (sorted terms,
 * residual last), with its exact gradient and Hessian: what the exact fit
 * and the exact profiles minimise. A balanced chain with an intercept-only
 * fixed part gets the closed form of lib/fit/_balanced_chain.ts (the same
 * function, to rounding, at a fraction of the cost); any other chain the
 * jets of {@linkcode ChainDerivatives}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { secondOrder } from "./_jets.ts";
 * import { chainDerivatives, chainDevianceObjective } from "./_chain_derivatives.ts";
 * // Groups of 2, 3 and 1 rows: not balanced, so the jets.
 * const cp = crossProducts({
 *   response: "y", y: new Float64Array([1, 2, 5, 6, 2, 4]), X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 1, 2]), levels: ["a", "b", "c"] }],
 * });
 * const objective = chainDevianceObjective(cp, { reml: false });
 * const out = secondOrder(objective.size), alone = secondOrder(2), s = new Float64Array([3, 1]);
 * assert.ok(objective.evaluate(s, out));
 * chainDerivatives(cp).evaluate(s);
 * chainDerivatives(cp).deviance(alone, { reml: false });
 * assert.deepEqual(out, alone);
 * ```
 */
export function chainDevianceObjective(
  cp: CrossProducts,
  options: { reml: boolean },
): SmoothObjective {
  const balanced = balancedChainObjective(cp, options);
  if (balanced) return balanced;
  const derivatives = chainDerivatives(cp), reml = options.reml;
  return {
    size: cp.order.length + 1,
    evaluate: (x: Float64Array, out: SecondOrder) =>
      derivatives.evaluate(x) && derivatives.deviance(out, { reml }),
  };
}

/** Exact derivatives of -2 log L in the variances for a nested chain; see the module doc. */
export class ChainDerivatives {
  /** The jets' variable space: K + 1 variances. */
  readonly space: JetSpace;
  readonly #cp: CrossProducts;
  readonly #st: ChainStructure;
  readonly #logdet: Float64Array;
  /** [X y]'V^-1[X y], lower triangle: entry (i, j) at jet i * P + j. */
  readonly #Q: Float64Array;
  /** Per term: mu and omega (beta per unit of T) of each compact class; m and b of explicit nodes. */
  readonly #mu: Float64Array[];
  readonly #omega: Float64Array[];
  readonly #m: Float64Array[];
  readonly #b: Float64Array[];
  readonly #tmp: Float64Array;
  /** LDL' of Q: d_i at jet i * P + i, a_ij = l_ij d_j below the diagonal, 1/d_i in #inv. */
  readonly #ldl: Float64Array;
  readonly #inv: Float64Array;
  #fixedWork: FixedWork | null = null;

  constructor(cp: CrossProducts) {
    this.#cp = cp;
    this.#st = chainStructure(cp);
    const K = cp.nlevels.length, P = cp.p + 1, sp = new JetSpace(K + 1);
    this.space = sp;
    this.#logdet = sp.alloc();
    this.#Q = sp.alloc(P * P);
    const st = this.#st;
    this.#mu = [sp.alloc(st.cells.count.length), ...st.levels.map((l) => sp.alloc(l.size.length))];
    this.#omega = this.#mu.map((a) => new Float64Array(a.length));
    this.#m = [sp.alloc(0), ...st.levels.map((l) => sp.alloc(l.explicitCount))];
    this.#b = [sp.alloc(0), ...st.levels.map((l) => sp.alloc(l.explicitCount * P))];
    this.#tmp = sp.alloc(6 + P);
    this.#ldl = sp.alloc(P * P);
    this.#inv = sp.alloc(P);
  }

  /**
   * Propagates the jets at `s` (sorted-term variances, residual last).
   * Returns false when s is outside s_k >= 0, s0 > 0.
   */
  evaluate(s: Float64Array): boolean {
    const K = this.#st.K;
    if (!(s[K] > 0 && Number.isFinite(s[K]))) return false;
    for (let k = 0; k < K; k++) if (!(s[k] >= 0 && Number.isFinite(s[k]))) return false;
    this.#logdet.fill(0);
    this.#Q.fill(0);
    for (let t = 1; t < K; t++) {
      this.#m[t].fill(0);
      this.#b[t].fill(0);
    }
    this.#cells(s);
    for (let t = 1; t < K; t++) {
      this.#compact(t, s);
      this.#explicit(t, s);
    }
    return true;
  }

  /** The finest term: per count class, the cell's jets and its terms of log|V| and Q. */
  #cells(s: Float64Array): void {
    const sp = this.space, J = sp.size, K = this.#st.K, P = this.#st.P;
    const { count, size, gram } = this.#st.cells;
    const mu = this.#mu[0], om = this.#omega[0], ld = this.#logdet, Q = this.#Q;
    const s0 = s[K], s1 = s[0], i00 = sp.hessianIndex(0, 0), iK0 = sp.hessianIndex(K, 0);
    const iKK = sp.hessianIndex(K, K);
    for (let k = 0; k < count.length; k++) {
      const n = count[k], phi = 1 / (s0 + s1 * n), phi2 = phi * phi, phi3 = phi2 * phi, o = k * J;
      // omega = 1 / (s0 + s_1 n), a function of variables 0 and K only.
      om.fill(0, o, o + J);
      om[o] = phi;
      om[o + 1] = -n * phi2;
      om[o + 1 + K] = -phi2;
      om[o + i00] = 2 * n * n * phi3;
      om[o + iK0] = 2 * n * phi3;
      om[o + iKK] = 2 * phi3;
      for (let i = 0; i < J; i++) mu[o + i] = n * om[o + i];
      const z = size[k];
      ld[0] -= z * Math.log(phi);
      ld[1] += z * n * phi;
      ld[1 + K] += z * phi;
      ld[i00] -= z * n * n * phi2;
      ld[iK0] -= z * n * phi2;
      ld[iKK] -= z * phi2;
      if (n > 0) {
        for (let i = 0; i < P; i++) {
          for (let j = 0; j <= i; j++) {
            sp.addScaled(Q, (i * P + j) * J, om, o, gram[k * P * P + i * P + j] / n);
          }
        }
      }
    }
    const { n } = this.#cp, extra = n - this.#cp.nlevels[0];
    ld[0] += extra * Math.log(s0);
    ld[1 + K] += extra / s0;
    ld[iKK] -= extra / (s0 * s0);
    const w = this.#st.within;
    for (let i = 0; i < P; i++) {
      for (let j = 0; j <= i; j++) {
        const o = (i * P + j) * J, v = w[i * P + j];
        Q[o] += v / s0;
        Q[o + 1 + K] -= v / (s0 * s0);
        Q[o + iKK] += (2 * v) / (s0 * s0 * s0);
      }
    }
  }

  /**
   * Term t's compact classes: each node has N children of one class c, so
   * m = N mu_c and b = T omega_c with T = [X y]'z_node; the class adds
   * size log(1 + s_t m) to log|V| and -gram s_t omega_c^2 / (1 + s_t m) to Q.
   */
  #compact(t: number, s: Float64Array): void {
    const sp = this.space, J = sp.size, P = this.#st.P, L = this.#st.levels[t - 1];
    const top = t === this.#st.K - 1, tmp = this.#tmp;
    const muIn = 0, den = J, w = 2 * J, r = 3 * J, om2 = 4 * J;
    const cMu = this.#mu[t - 1], cOm = this.#omega[t - 1], mu = this.#mu[t], om = this.#omega[t];
    for (let k = 0; k < L.size.length; k++) {
      const c = L.childClass[k] * J;
      tmp.fill(0, muIn, muIn + J);
      sp.addScaled(tmp, muIn, cMu, c, L.children[k]);
      sp.variableTimes(tmp, den, tmp, muIn, { t, xt: s[t], c: 1 });
      sp.log(tmp, w, tmp, den);
      sp.addScaled(this.#logdet, 0, tmp, w, L.size[k]);
      sp.reciprocal(tmp, w, tmp, den);
      if (!top) {
        sp.product(mu, k * J, tmp, muIn, tmp, w);
        sp.product(om, k * J, cOm, c, tmp, w);
      }
      sp.product(tmp, om2, cOm, c, cOm, c);
      sp.product(tmp, den, tmp, om2, tmp, w);
      sp.variableTimes(tmp, r, tmp, den, { t, xt: s[t], c: 0 });
      for (let i = 0; i < P; i++) {
        for (let j = 0; j <= i; j++) {
          sp.addScaled(this.#Q, (i * P + j) * J, tmp, r, -L.gram[k * P * P + i * P + j]);
        }
      }
    }
  }

  /** Term t's explicit nodes: their own m and b, from linked compact children and explicit ones. */
  #explicit(t: number, s: Float64Array): void {
    const sp = this.space, J = sp.size, P = this.#st.P, L = this.#st.levels[t - 1];
    const m = this.#m[t], b = this.#b[t], tmp = this.#tmp;
    const cMu = this.#mu[t - 1], cOm = this.#omega[t - 1];
    for (let e = 0; e < L.linkSlot.length; e++) {
      const slot = L.linkSlot[e], c = L.linkClass[e] * J;
      sp.addScaled(m, slot * J, cMu, c, L.linkChildren[e]);
      for (let i = 0; i < P; i++) {
        sp.addScaled(b, (slot * P + i) * J, cOm, c, L.linkSums[e * P + i]);
      }
    }
    const den = 0, w = J, r = 2 * J, rb = 3 * J, up = t + 1 < this.#st.K;
    for (let slot = 0; slot < L.explicitCount; slot++) {
      sp.variableTimes(tmp, den, m, slot * J, { t, xt: s[t], c: 1 });
      sp.log(tmp, w, tmp, den);
      sp.addScaled(this.#logdet, 0, tmp, w, 1);
      sp.reciprocal(tmp, w, tmp, den);
      sp.variableTimes(tmp, r, tmp, w, { t, xt: s[t], c: 0 });
      for (let i = 0; i < P; i++) {
        const bi = (slot * P + i) * J;
        sp.product(tmp, rb + i * J, tmp, r, b, bi);
        for (let j = 0; j <= i; j++) {
          sp.addProduct(this.#Q, (i * P + j) * J, tmp, rb + i * J, b, (slot * P + j) * J, -1);
        }
      }
      const ps = up ? L.parentSlot[slot] : -1;
      if (ps < 0) continue;
      sp.addProduct(this.#m[t + 1], ps * J, m, slot * J, tmp, w);
      for (let i = 0; i < P; i++) {
        sp.addProduct(this.#b[t + 1], (ps * P + i) * J, b, (slot * P + i) * J, tmp, w);
      }
    }
  }

  /**
   * LDL' of Q in jets: d_i = Q_ii - sum_k a_ik^2 / d_k and
   * a_ij = Q_ij - sum_{k<j} a_ik a_jk / d_k, so log|Q_xx| = sum_{i<p} log d_i
   * and r = d_p. Returns false when a pivot is not positive.
   */
  #factorQ(): boolean {
    const sp = this.space, J = sp.size, P = this.#st.P, A = this.#ldl, inv = this.#inv;
    const tmp = this.#tmp, q = 5 * J;
    A.set(this.#Q);
    for (let i = 0; i < P; i++) {
      for (let j = 0; j <= i; j++) {
        const o = (i * P + j) * J;
        for (let k = 0; k < j; k++) {
          sp.product(tmp, q, A, (i * P + k) * J, inv, k * J);
          sp.addProduct(A, o, tmp, q, A, (j * P + k) * J, -1);
        }
      }
      if (!(A[(i * P + i) * J] > 0)) return false;
      sp.reciprocal(inv, i * J, A, (i * P + i) * J);
    }
    return true;
  }

  /**
   * -2 log L at the last evaluation (REML or ML), or with `log-determinants`
   * only log|V| (+ log|X'V^-1X| for REML), whose Hessian is minus twice the
   * expected information. Writes f, g and H; false when X'V^-1X is singular.
   */
  deviance(out: SecondOrder, options: { reml: boolean; parts?: DerivativeParts }): boolean {
    if (!this.#factorQ()) return false;
    const sp = this.space, J = sp.size, P = this.#st.P, A = this.#ldl, tmp = this.#tmp;
    const { n, p } = this.#cp, full = (options.parts ?? "full") === "full";
    const acc = 0, lg = J;
    tmp.set(this.#logdet.subarray(0, J), acc);
    if (options.reml) {
      for (let i = 0; i < p; i++) {
        sp.log(tmp, lg, A, (i * P + i) * J);
        sp.addScaled(tmp, acc, tmp, lg, 1);
      }
    }
    if (full) {
      sp.addScaled(tmp, acc, A, (p * P + p) * J, 1);
      tmp[acc] += (options.reml ? n - p : n) * Math.log(2 * Math.PI);
    }
    out.f = tmp[acc];
    sp.unpack(tmp, acc, out.g, out.H);
    return true;
  }

  /**
   * Var(beta-hat) = (X'V^-1X)^-1 at the last evaluation (p x p, row-major)
   * and the gradient of its diagonal in s (p x (K+1)): d[(X'V^-1X)^-1]_jj / ds_k =
   * -[A (dQ_xx/ds_k) A]_jj with A = (X'V^-1X)^-1. Null when X'V^-1X is singular.
   */
  fixedCovariance(): { covariance: Float64Array; gradient: Float64Array } | null {
    const { p } = this.#cp, P = p + 1, d = this.space.d, J = this.space.size, Q = this.#Q;
    const at = (i: number, j: number) => (i >= j ? i * P + j : j * P + i) * J;
    const qxx = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) qxx[i * p + j] = Q[at(i, j)];
    if (choleskyInPlace(qxx, p) >= 0) return null;
    const A = inverseFromCholesky(qxx, p), gradient = new Float64Array(p * d);
    for (let k = 0; k < d; k++) {
      for (let j = 0; j < p; j++) {
        let v = 0;
        for (let a = 0; a < p; a++) {
          for (let b = 0; b < p; b++) v += A[j * p + a] * Q[at(a, b) + 1 + k] * A[b * p + j];
        }
        gradient[j * d + k] = -v;
      }
    }
    return { covariance: A, gradient };
  }

  /**
   * The ML deviance with beta_j held at b and the other coefficients
   * profiled out, in (s, b): log|V| + r + (b - beta_j-hat)^2 / [(X'V^-1X)^-1]_jj
   * + n log 2 pi, with its gradient and Hessian in the K + 2 variables
   * (`out` sized for them). False when X'V^-1X is singular.
   */
  fixedProfile(out: SecondOrder, at: { column: number; b: number }): boolean {
    if (!this.#factorQ()) return false;
    const sp = this.space, J = sp.size, P = this.#st.P, p = P - 1, A = this.#ldl, inv = this.#inv;
    const w = this.#fixedWork ??= fixedWork(sp, P);
    const { l, beta, z, tmp, variance, deviance } = w;
    // Unit lower triangle l_ik = a_ik / d_k, then beta-hat = L_xx^-T l_y and
    // v_j = sum_i z_i^2 / d_i with z = L_xx^-1 e_j.
    for (let i = 0; i < P; i++) {
      for (let k = 0; k < i; k++) sp.product(l, (i * P + k) * J, A, (i * P + k) * J, inv, k * J);
    }
    for (let i = p - 1; i >= 0; i--) {
      beta.set(l.subarray((p * P + i) * J, (p * P + i + 1) * J), i * J);
      for (let k = i + 1; k < p; k++) {
        sp.addProduct(beta, i * J, l, (k * P + i) * J, beta, k * J, -1);
      }
    }
    const j = at.column;
    z.fill(0);
    sp.constant(z, j * J, 1);
    for (let i = j + 1; i < p; i++) {
      for (let k = j; k < i; k++) sp.addProduct(z, i * J, l, (i * P + k) * J, z, k * J, -1);
    }
    variance.fill(0);
    for (let i = j; i < p; i++) {
      sp.product(tmp, 0, z, i * J, z, i * J);
      sp.addProduct(variance, 0, tmp, 0, inv, i * J);
    }
    deviance.set(this.#logdet.subarray(0, J));
    sp.addScaled(deviance, 0, A, (p * P + p) * J, 1);
    deviance[0] += this.#cp.n * Math.log(2 * Math.PI);
    const estimate = beta.subarray(j * J, (j + 1) * J);
    return heldCoefficient(w, { deviance, estimate, variance }, { out, b: at.b });
  }
}

/** Buffers of {@linkcode ChainDerivatives.fixedProfile}, made on first use. */
interface FixedWork {
  readonly l: Float64Array;
  readonly beta: Float64Array;
  readonly z: Float64Array;
  readonly tmp: Float64Array;
  readonly variance: Float64Array;
  readonly deviance: Float64Array;
  /** Jets in the K + 2 variables (s, b) and five of them. */
  readonly big: JetSpace;
  readonly w: Float64Array;
  readonly small: JetSpace;
}

function fixedWork(sp: JetSpace, P: number): FixedWork {
  const big = new JetSpace(sp.d + 1);
  return {
    l: sp.alloc(P * P),
    beta: sp.alloc(P - 1),
    z: sp.alloc(P - 1),
    tmp: sp.alloc(1),
    variance: sp.alloc(),
    deviance: sp.alloc(),
    big,
    w: big.alloc(5),
    small: sp,
  };
}

/** D + (b - estimate)^2 / variance in the K + 2 variables (s, b), from jets in s. */
function heldCoefficient(
  work: FixedWork,
  parts: FixedParts,
  at: { out: SecondOrder; b: number },
): boolean {
  const { big, w, small } = work, d = small.d, J = big.size;
  const embed = (src: Float64Array, io: number) => {
    w.fill(0, io, io + J);
    w[io] = src[0];
    for (let i = 0; i < d; i++) w[io + 1 + i] = src[1 + i];
    // The Hessian of d variables is the leading part of that of d + 1.
    for (let k = 1 + d; k < small.size; k++) w[io + 1 + k] = src[k];
  };
  embed(parts.deviance, 0);
  embed(parts.estimate, J);
  embed(parts.variance, 2 * J);
  if (!(w[2 * J] > 0)) return false;
  // delta = b - estimate, with d delta / d b = 1.
  for (let k = 0; k < J; k++) w[J + k] = -w[J + k];
  w[J] += at.b;
  w[J + 1 + d] = 1;
  big.reciprocal(w, 2 * J, w, 2 * J);
  big.product(w, 3 * J, w, J, w, J);
  big.addProduct(w, 0, w, 3 * J, w, 2 * J);
  at.out.f = w[0];
  big.unpack(w, 0, at.out.g, at.out.H);
  return true;
}
