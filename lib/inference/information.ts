/**
 * Standard errors of the variance components: the inverse of the expected
 * or observed information in the (sigma_1^2, ..., sigma_K^2, sigma^2)
 * parametrisation (ALGORITHMS.md section 4), from the blocked factor; for
 * vcsim's ANOVA estimates, that estimator's own sampling covariance
 * (anova_covariance.ts).
 *
 * @module
 */

import type { ModelFrame } from "../model/frame.ts";
import { type CrossProducts, crossProducts } from "../model/cross_products.ts";
import type { VarCompFit } from "../fit/fit.ts";
import { anovaCovariance } from "./anova_covariance.ts";
import { _informationCovariance } from "./_information_covariance.ts";
import { scratchFloat64 } from "../_typed_arrays.ts";

/** Which information matrix to invert. */
export type InformationKind = "expected" | "observed";

/** Options of {@linkcode varianceCovariance}. */
export interface InformationOptions {
  /**
   * `expected`: I_kl = tr(P V_k P V_l) / 2 (REML) or tr(V^-1 V_k V^-1 V_l) / 2 (ML);
   * `observed`: minus the Hessian of the log-likelihood.
   * @default "expected"
   */
  kind?: InformationKind;
  /** Cross-products of the frame when the caller already has them. */
  crossProducts?: CrossProducts;
}

/** Covariance of the variance-component estimates. */
export interface VarianceCovariance {
  /** Term names in frame order, then `Residual`. */
  readonly parameters: readonly string[];
  /** The estimates, same order. */
  readonly estimates: Float64Array;
  /** Inverse information, row-major; null when the information is singular. */
  readonly covariance: Float64Array | null;
  /** Standard errors; null entries where the covariance is not available. */
  readonly se: readonly (number | null)[];
  /** Which information was inverted. */
  readonly kind: InformationKind;
  /** The likelihood it comes from: REML for REML and ANOVA fits, ML for ML fits. */
  readonly likelihood: "REML" | "ML";
  /**
   * What the covariance is. `information`: the inverse `kind` information
   * of `likelihood`. `anova-estimator`: the sampling covariance of vcsim's
   * ANOVA estimator ({@linkcode anovaCovariance}), for fits whose
   * `estimator` is `hierarchical` or `mivque0`; `kind` and `likelihood` are
   * then what the information would have used, and play no part.
   */
  readonly source: "information" | "anova-estimator";
}

/**
 * Covariance of the variance estimates of `fit`. For REML and ML fits and
 * for given variances (`fitAtVariances`, estimator `given`), the
 * inverse information: the Hessian of -2 log L (or of its log-determinant
 * terms, for the expected information) in the variances, exact for nested
 * chains (lib/fit/_chain_derivatives.ts: tr(P V_k P V_l) as sums over
 * levels); for crossed terms the expected information exactly from one
 * inverse of the mixed-model matrix's dense Schur block
 * (_schur_information.ts), the observed one (and the expected one where a
 * relative SD is below 1e-3) by finite differences of the blocked factor;
 * no n x n matrix is formed. Given variances get the REML information
 * at the estimates (truncated at 0).
 * For vcsim's own ANOVA fits (estimator `hierarchical` or `mivque0`), the
 * ANOVA estimator's sampling covariance at its estimates
 * ({@linkcode anovaCovariance}), whatever `kind`: in unbalanced designs the
 * inverse REML information is the variance of the efficient estimator, not
 * of this one. In balanced designs the two agree.
 *
 * Cost: one derivative evaluation for nested chains; for crossed terms
 * one inverse of order m + p (m the levels outside the largest term) plus
 * products over the largest term's levels, or about 4 (K+1)^2 factor
 * updates by differences (whichever counts fewer operations); see
 * {@linkcode anovaCovariance} for the ANOVA estimator's.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fitVarComp } from "../fit/fit.ts";
 * import { varianceCovariance } from "./information.ts";
 * const frame = {
 *   response: "y",
 *   y: new Float64Array([1, 2, 5, 6, 2, 4]),
 *   X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"],
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 *   droppedRows: 0,
 * };
 * const vc = varianceCovariance(frame, fitVarComp(frame));
 * // Balanced one-way: Var = 2 MSA^2 / (n^2 (a-1)) + 2 MSE^2 / (n^2 a (n-1)).
 * const msa = 49 / 6, mse = 1;
 * const exact = Math.sqrt((2 * msa ** 2) / (4 * 2) + (2 * mse ** 2) / (4 * 3));
 * assert.ok(Math.abs(vc.se[0]! - exact) < 1e-6 * exact);
 * // The ANOVA fit's SE is the estimator's own variance: here the same formula.
 * const anova = varianceCovariance(frame, fitVarComp(frame, { method: "anova" }));
 * assert.equal(anova.source, "anova-estimator");
 * assert.ok(Math.abs(anova.se[0]! - exact) < 1e-12 * exact);
 * ```
 */
export function varianceCovariance(
  frame: ModelFrame,
  fit: VarCompFit,
  options: InformationOptions = {},
): VarianceCovariance {
  const kind = options.kind ?? "expected";
  if (kind !== "expected" && kind !== "observed") {
    throw new TypeError(`unknown information "${kind}": expected "expected" or "observed"`);
  }
  const cp = options.crossProducts ?? crossProducts(frame);
  const reml = fit.method !== "ML";
  const K = cp.order.length, d = K + 1;
  const raw = scratchFloat64(d);
  cp.order.forEach((i, t) => raw[t] = fit.variances[frame.terms[i].name]);
  raw[K] = fit.variances.Residual;
  const estimator = fit.method === "ANOVA" ? fit.estimator : null;
  const moments = estimator === "hierarchical" || estimator === "mivque0";
  const sortedCov = moments
    ? anovaCovariance(cp, raw, { estimator })
    : _informationCovariance(cp, raw.map((v) => Math.max(v, 0)), { kind, reml });
  // Back to frame order: position of frame term i among the sorted terms.
  const pos = [...frame.terms.map((_, i) => cp.order.indexOf(i)), K];
  const covariance = sortedCov && Float64Array.from(
    { length: d * d },
    (_, ij) => sortedCov[pos[Math.floor(ij / d)] * d + pos[ij % d]],
  );
  const se = pos.map((_, a) => {
    const v = covariance?.[a * d + a];
    return v !== undefined && v > 0 && Number.isFinite(v) ? Math.sqrt(v) : null;
  });
  return {
    parameters: [...frame.terms.map((t) => t.name), "Residual"],
    estimates: Float64Array.from(pos, (p) => raw[p]),
    covariance,
    se,
    kind,
    likelihood: reml ? "REML" : "ML",
    source: moments ? "anova-estimator" : "information",
  };
}
