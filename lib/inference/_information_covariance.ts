/**
 * The inverse information in the variances: what varianceCovariance returns
 * for likelihood fits, and what the Satterthwaite df use with boundary
 * components held fixed. Exact for nested chains (the Hessian of -2 log L
 * from lib/fit/_chain_derivatives.ts); for crossed terms the expected
 * information from the mixed-model matrix's inverse (_schur_information.ts)
 * where that applies, else finite differences of the blocked factor.
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";
import { _solveLinearScratch } from "../linalg/solve.ts";
import { type DevianceParts, VarianceDeviance } from "./variance_deviance.ts";
import { isNestedChain } from "../fit/_chain_factor.ts";
import { chainDerivatives } from "../fit/_chain_derivatives.ts";
import { balancedChainObjective } from "../fit/_balanced_chain.ts";
import { secondOrder } from "../fit/_jets.ts";
import { finiteDifferenceHessian } from "./_hessian.ts";
import { _schurExpectedInformation } from "./_schur_information.ts";
import type { InformationKind } from "./information.ts";
import { scratchFloat64 } from "../_typed_arrays.ts";

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
  const parts = kind === "expected" ? "log-determinants" : "full";
  const info = isNestedChain(cp)
    ? halfHessian(exactHessian(cp, s, { reml, parts, free }), kind)
    : crossedInformation(cp, s, { reml, kind, free });
  if (!info) return null;
  const inverse = invertSymmetric(info, f);
  if (!inverse) return null;
  const out = new Float64Array(d * d);
  free.forEach((k, a) => free.forEach((l, b) => out[k * d + l] = inverse[a * f + b]));
  return out;
}

/** Minus (expected) or plus (observed) half the Hessian of -2 log L: the information. */
function halfHessian(H: Float64Array | null, kind: InformationKind): Float64Array | null {
  return H && H.map((v) => (kind === "expected" ? -0.5 : 0.5) * v);
}

/**
 * The information of a crossed design in the free variances: the expected one
 * exactly from the mixed-model matrix's inverse where that applies
 * (_schur_information.ts), else by differences of the blocked factor.
 */
function crossedInformation(
  cp: CrossProducts,
  s: Float64Array,
  options: { reml: boolean; kind: InformationKind; free: readonly number[] },
): Float64Array | null {
  const { reml, kind, free } = options, d = s.length, f = free.length;
  const exact = kind === "expected" ? _schurExpectedInformation(cp, s, { reml }) : null;
  if (exact) {
    return Float64Array.from(
      { length: f * f },
      (_, ab) => exact[free[Math.floor(ab / f)] * d + free[ab % f]],
    );
  }
  const parts = kind === "expected" ? "log-determinants" : "full";
  return halfHessian(differenceHessian(cp, s, { reml, parts, free }), kind);
}

interface HessianOptions {
  readonly reml: boolean;
  readonly parts: DevianceParts;
  /** The parameters to differentiate in, in order. */
  readonly free: readonly number[];
}

/**
 * The Hessian of -2 log L (or its log-determinants) in the free variances,
 * exactly (nested chains; balanced ones in closed form).
 */
function exactHessian(cp: CrossProducts, s: Float64Array, options: HessianOptions) {
  const { reml, parts, free } = options, d = s.length, f = free.length;
  const out = secondOrder(d), balanced = balancedChainObjective(cp, { reml, parts });
  if (balanced) {
    if (!balanced.evaluate(s, out)) return null;
  } else {
    const derivatives = chainDerivatives(cp);
    if (!derivatives.evaluate(s) || !derivatives.deviance(out, { reml, parts })) return null;
  }
  const H = scratchFloat64(f * f);
  for (let ab = 0; ab < f * f; ab++) H[ab] = out.H[free[Math.floor(ab / f)] * d + free[ab % f]];
  return H;
}

/** The same Hessian by Richardson-extrapolated differences of the blocked factor (crossed terms). */
function differenceHessian(cp: CrossProducts, s: Float64Array, options: HessianOptions) {
  const { reml, parts, free } = options;
  const deviance = new VarianceDeviance(cp, { reml });
  const x = new Float64Array(s.length);
  const at = (z: Float64Array) => {
    x.set(s);
    free.forEach((k, a) => x[k] = z[a]);
    return deviance.evaluate(x, parts);
  };
  return finiteDifferenceHessian(at, Float64Array.from(free, (k) => s[k]));
}

function invertSymmetric(a: Float64Array, d: number): Float64Array | null {
  if (!a.every(Number.isFinite)) return null;
  const inv = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const e = scratchFloat64(d);
    e[j] = 1;
    const col = _solveLinearScratch(a, e, d);
    if (!col) return null;
    for (let i = 0; i < d; i++) inv[i * d + j] = col[i];
  }
  return inv;
}
