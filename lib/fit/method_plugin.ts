/**
 * Estimation methods are plug-ins: an object with a `name` and a `fit`
 * function. vcsim's own REML, ML and ANOVA are entries of the same
 * registry (lib/fit/methods/) as a researcher's estimator is.
 *
 * @module
 */

import type { ModelFrame } from "../model/frame.ts";
import type { CrossProducts } from "../model/cross_products.ts";
import type { RandomStream } from "../rng/stream.ts";
import type { EstimationMethod, VarCompFit } from "./fit.ts";

/** What a method's `fit` is given besides the frame. */
export interface MethodContext {
  /** The frame's cross-products (X'X, X'y, y'y and their per-level parts). */
  readonly crossProducts: CrossProducts;
  /** The study's confidence level. */
  readonly level: number;
  /**
   * A random stream of this method alone, derived from (seed, condition,
   * replicate, method name): reproducible whatever the worker layout.
   */
  stream(): RandomStream;
  /** vcsim's own fitters on this replicate's frame. */
  fitBuiltIn(method: EstimationMethod): VarCompFit;
  /** The condition's key and the replicate index, for diagnostics (draw from `stream`). */
  readonly replicate: { readonly condition: string; readonly rep: number };
}

/** A fixed effect as a method reports it: the estimate, or the estimate and its SE. */
export type MethodFixed = number | { readonly estimate: number; readonly se?: number | null };

/** What a method's `fit` returns (a {@linkcode VarCompFit} is one too). */
export interface MethodResult {
  /** The variance of every random term by name and of `Residual`. */
  readonly variances: Readonly<Record<string, number>>;
  /** Standard errors of the variances by name. @default REML information at the estimates */
  readonly varianceSe?: Readonly<Record<string, number | null>>;
  /** Fixed effects by name. @default GLS at the estimated variances */
  readonly fixed?: Readonly<Record<string, MethodFixed>> | VarCompFit["fixed"];
  /** @default true */
  readonly converged?: boolean;
  /** Boundary fit. @default some variance is 0 or less */
  readonly singular?: boolean;
  /** Notes on the fit. */
  readonly messages?: readonly string[];
  /** Criterion evaluations. @default 0 */
  readonly evaluations?: number;
}

/** An estimation method. */
export interface MethodPlugin {
  /** Its name in the store and the reports, e.g. `REML` or `truncated-anova`. */
  readonly name: string;
  /** Fits one replicate's frame; may be async (e.g. a call to another program). */
  fit(frame: ModelFrame, context: MethodContext): MethodResult | Promise<MethodResult>;
}

/** True for vcsim's own fit records (which carry theta and the fixed-effect covariance). */
export function isVarCompFit(result: MethodResult): result is VarCompFit {
  const r = result as Partial<VarCompFit>;
  return Array.isArray(r.theta) && r.fixedCovariance instanceof Float64Array &&
    (r.method === "REML" || r.method === "ML" || r.method === "ANOVA");
}
