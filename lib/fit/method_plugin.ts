/**
 * Estimation methods are plug-ins: an object with a `name` and a `fit`
 * function. vcsim's own REML, ML and ANOVA are entries of the same
 * registry (lib/fit/methods/) as a researcher's estimator is. A method that
 * runs another program lists it in `programs` (workers may run nothing
 * else) and may give a `check` the runner calls once before the run, as
 * the external methods of lib/external/ do.
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
  /** Whether the fit converged (else it is stored as `nonconverged`). @default true */
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
  /**
   * Programs `fit` runs (names as found on PATH, or paths, exactly as it
   * spawns them). Workers may only read files; the runner starts them with
   * `--allow-run=<every method's programs>` when some method lists any
   * (no `--allow-env` is needed: the program inherits the environment).
   * @default []
   */
  readonly programs?: readonly string[];
  /**
   * Called once by the runner, in its own process, after loading the study
   * and before any replicate runs (e.g. to see that another program is
   * installed). A rejection stops the run with its message, so a missing
   * dependency costs one line at the start, not a failed fit per replicate.
   */
  check?(): Promise<void>;
}

/**
 * True for vcsim's own fit records (which carry theta and the fixed-effect
 * covariance), false for a plain method result such as a user's estimator
 * or an external adapter returns.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fitVarComp } from "./fit.ts";
 * import { isVarCompFit } from "./method_plugin.ts";
 * const fit = fitVarComp({
 *   response: "y", y: new Float64Array([1, 2, 5, 6, 2, 4]), X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 * });
 * assert.ok(isVarCompFit(fit));
 * assert.ok(!isVarCompFit({ variances: fit.variances }));
 * ```
 */
export function isVarCompFit(result: MethodResult): result is VarCompFit {
  const r = result as Partial<VarCompFit>;
  return Array.isArray(r.theta) && r.fixedCovariance instanceof Float64Array &&
    (r.method === "REML" || r.method === "ML" || r.method === "ANOVA");
}
