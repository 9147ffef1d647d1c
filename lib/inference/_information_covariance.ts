/**
 * The inverse information in the variances, by finite differences of the
 * blocked factor: what varianceCovariance returns for likelihood fits, and
 * what the Satterthwaite df use with boundary components held fixed.
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";
import { solveLinear } from "../linalg/solve.ts";
import { VarianceDeviance } from "./variance_deviance.ts";
import { finiteDifferenceHessian } from "./_hessian.ts";
import type { InformationKind } from "./information.ts";

/** Options of {@linkcode _informationCovariance}. */
export interface _InformationCovarianceOptions {
  readonly kind: InformationKind;
  /** REML (true) or ML information. */
  readonly reml: boolean;
  /**
   * Parameters held fixed at their value (sorted order, residual last):
   * their rows and columns of the result are 0 and the others invert the
   * information of the free parameters alone.
   */
  readonly fixed?: readonly boolean[];
}

/**
 * Inverse information at `s` (sorted terms, then the residual, all >= 0),
 * row-major in the same order; null when it is singular or not finite.
 */
export function _informationCovariance(
  cp: CrossProducts,
  s: Float64Array,
  options: _InformationCovarianceOptions,
): Float64Array | null {
  const { kind, reml } = options, d = s.length;
  const free = Array.from(s, (_, k) => k).filter((k) => !options.fixed?.[k]);
  const f = free.length;
  const deviance = new VarianceDeviance(cp, { reml });
  const parts = kind === "expected" ? "log-determinants" : "full";
  const x = new Float64Array(d);
  const at = (z: Float64Array) => {
    x.set(s);
    free.forEach((k, a) => x[k] = z[a]);
    return deviance.evaluate(x, parts);
  };
  const H = finiteDifferenceHessian(at, Float64Array.from(free, (k) => s[k]));
  const info = H.map((v) => (kind === "expected" ? -0.5 : 0.5) * v);
  const inverse = invertSymmetric(info, f);
  if (!inverse) return null;
  const out = new Float64Array(d * d);
  free.forEach((k, a) => free.forEach((l, b) => out[k * d + l] = inverse[a * f + b]));
  return out;
}

function invertSymmetric(a: Float64Array, d: number): Float64Array | null {
  if (!a.every(Number.isFinite)) return null;
  const inv = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const e = new Float64Array(d);
    e[j] = 1;
    const col = solveLinear(a, e, d);
    if (!col) return null;
    for (let i = 0; i < d; i++) inv[i * d + j] = col[i];
  }
  return inv;
}
