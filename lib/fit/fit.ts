/**
 * Fits a random-intercept linear mixed model by REML, ML or ANOVA: the
 * profiled criterion of lme4 minimized over theta, or the moment estimates.
 *
 * @module
 */

import type { ModelFrame } from "../model/frame.ts";
import { type CrossProducts, crossProducts } from "../model/cross_products.ts";
import { inverseFromCholesky } from "../linalg/cholesky.ts";
import { type BlockedFactor, blockedFactor } from "./blocked_factor.ts";
import { type MomentEstimates, momentEstimates } from "./moments.ts";
import { minimizeEven, type MinimizeResult } from "./optimize.ts";
import { isNestedChain } from "./_chain_factor.ts";
import { chainDevianceObjective } from "./_chain_derivatives.ts";
import { BoundedNewton } from "./_bounded_newton.ts";
import { parallelCriterion } from "./_parallel_criterion.ts";
import { scratchFloat64 } from "../_typed_arrays.ts";

/** Estimation methods. */
export type EstimationMethod = "reml" | "ml" | "anova";

/** Options of {@linkcode fitVarComp}. */
export interface FitOptions {
  /**
   * `reml` and `ml` minimize lme4's profiled criteria; `anova` returns the
   * raw moment estimates (which may be negative).
   * @default "reml"
   */
  method?: EstimationMethod;
  /** Cross-products of the frame when the caller already has them. */
  crossProducts?: CrossProducts;
}

/** A fixed-effect coefficient. */
export interface FixedEffect {
  /** Column name, e.g. `(Intercept)`. */
  readonly name: string;
  /** Estimate (GLS at the fitted variances). */
  readonly estimate: number;
  /** Standard error from sigma^2 (X'V^-1X)^-1 at the fitted variances. */
  readonly se: number;
}

/**
 * What produced a fit's variances: the REML or ML optimizer, one of vcsim's
 * moment estimators (lib/fit/moments.ts), or `given`: variances a caller
 * passed to {@linkcode fitAtVariances}.
 */
export type VarianceEstimator = "REML" | "ML" | MomentEstimates["estimator"] | "given";

/** The result of a fit. */
export interface VarCompFit {
  /** `REML`, `ML` or `ANOVA`. */
  readonly method: "REML" | "ML" | "ANOVA";
  /**
   * What produced `variances`. Method `ANOVA` covers two cases told apart
   * here: vcsim's moment estimator (`hierarchical` nested ANOVA or
   * `mivque0`), whose standard errors are its own sampling covariance, and
   * `given` estimates from elsewhere ({@linkcode fitAtVariances}), which
   * get the inverse REML information at the estimates since vcsim does not
   * know their estimator. `REML` and `ML` fits carry their method's name.
   */
  readonly estimator: VarianceEstimator;
  /** Observations used. */
  readonly nobs: number;
  /** Rows of the data left out for missing values. */
  readonly droppedRows: number;
  /** Optimizer converged (always true for ANOVA). */
  readonly converged: boolean;
  /** Some relative SD theta_k < 1e-4 (lme4's isSingular). */
  readonly singular: boolean;
  /** lme4's logLik (REML log-likelihood for REML); null for ANOVA. */
  readonly logLik: number | null;
  /** lme4's REMLcrit or deviance (-2 logLik); null for ANOVA. */
  readonly criterion: number | null;
  /** Variance of each term by name, then `Residual`. */
  readonly variances: Readonly<Record<string, number>>;
  /** Number of levels of each term by name. */
  readonly groups: Readonly<Record<string, number>>;
  /** Rows per level of each term: smallest, largest and mean. */
  readonly groupSizes: Readonly<Record<string, { min: number; max: number; mean: number }>>;
  /** Relative SDs sigma_k / sigma in the frame's term order (0 where an ANOVA estimate is negative). */
  readonly theta: readonly number[];
  /** Fixed effects in the frame's column order. */
  readonly fixed: readonly FixedEffect[];
  /** Covariance matrix of the fixed effects, row-major p x p. */
  readonly fixedCovariance: Float64Array;
  /** Criterion evaluations (0 for ANOVA). */
  readonly evaluations: number;
  /** Optimizer iterations (0 for ANOVA). */
  readonly iterations: number;
  /** Which factor layout was used: scalar for nested chains, dense Schur otherwise. */
  readonly layout: BlockedFactor["layout"];
  /** Notes on the fit: negative ANOVA estimates, boundary, non-convergence. */
  readonly messages: readonly string[];
}

/** Options of {@linkcode profiledCriterion}. */
export interface CriterionOptions {
  /** Observations. */
  readonly n: number;
  /** Fixed-effects columns. */
  readonly p: number;
  /** REML criterion (true) or ML deviance (false). @default true */
  readonly reml?: boolean;
}

/**
 * lme4's profiled criterion at the factor's last update: REMLcrit, or the
 * ML deviance with `reml: false`, both -2 log-likelihood with the residual
 * variance and the fixed effects profiled out (ALGORITHMS.md section 2;
 * Bates et al. 2015, eqs. 34 and 41). O(1): the factor holds the parts.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { blockedFactor } from "./blocked_factor.ts";
 * import { fitVarComp, profiledCriterion } from "./fit.ts";
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 3, 5]), X: new Float64Array(4).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1]), levels: ["a", "b"] }],
 * };
 * const cp = crossProducts(frame);
 * const factor = blockedFactor(cp);
 * // At theta = 0 the model is lm(y ~ 1), RSS 8.75: R's -2 * logLik(lm(y ~ 1), REML = FALSE)
 * // is n (1 + log(2 pi RSS / n)), and with REML = TRUE (n - p) (1 + log(2 pi RSS / (n - p)))
 * // + log |X'X|.
 * assert.ok(factor.update(new Float64Array([0])));
 * const ml = profiledCriterion(factor, { n: 4, p: 1, reml: false });
 * assert.ok(Math.abs(ml - 4 * (1 + Math.log(2 * Math.PI * 8.75 / 4))) < 1e-12);
 * const reml = profiledCriterion(factor, { n: 4, p: 1 });
 * assert.ok(Math.abs(reml - (3 * (1 + Math.log(2 * Math.PI * 8.75 / 3)) + Math.log(4))) < 1e-12);
 * // At the REML estimates it is the fit's criterion.
 * const fit = fitVarComp(frame);
 * assert.ok(factor.update(Float64Array.from(fit.theta)));
 * assert.ok(Math.abs(profiledCriterion(factor, cp) - fit.criterion!) < 1e-12);
 * ```
 */
export function profiledCriterion(f: BlockedFactor, options: CriterionOptions): number {
  const { n, p } = options;
  const reml = options.reml ?? true;
  const dof = reml ? n - p : n;
  const base = f.logdetL2 + dof * (1 + Math.log((2 * Math.PI * f.r2) / dof));
  return reml ? base + f.logdetRX2 : base;
}

// Start the optimizer no closer to the boundary than this: at theta = 0 the
// gradient of the even criterion vanishes whatever the optimum.
const MIN_START = 0.05;
// MixedModels.jl's rule: small theta is set to 0 when that costs less than this.
const SNAP_BELOW = 1e-3;
const SNAP_TOLERANCE = 1e-5;
// lme4's isSingular tolerance.
const SINGULAR_BELOW = 1e-4;
// The exact Newton fit of a nested chain stops at a step this small relative to each variance.
const EXACT_STEP = 1e-10;

/**
 * Fits the model in `frame` by REML (default), ML or ANOVA.
 *
 * REML and ML minimize lme4's criterion by Newton steps from the moment
 * estimates: for nested chains in the variances s >= 0, with the exact
 * gradient and Hessian (lib/fit/_chain_derivatives.ts) and quadratic
 * convergence to a step below 1e-10 relative; for crossed terms over
 * theta >= 0 with central differences (optimize.ts). After convergence a
 * theta_k below 1e-3 is set to 0 when that raises the criterion by less
 * than 1e-5 (MixedModels.jl), and the fit is singular when some
 * theta_k < 1e-4 (lme4). With more than one thread set (`setCholeskyThreads`)
 * and a dense block of 500 positions or more, a helper thread evaluates half
 * of each Newton iteration's points of differences (`_parallel_criterion.ts`),
 * with the same results to the bit. ANOVA returns the raw moment estimates, negative
 * ones included, with fixed effects by GLS at the estimates truncated at 0.
 *
 * Cost: cross-products O(n p^2) once, then per evaluation O(classes of
 * identical levels) for nested chains (O(K) in a balanced design, O(q) at
 * worst), O(m^3) for crossed terms (m = levels of all but the largest term).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fitVarComp } from "./fit.ts";
 * const fit = fitVarComp({
 *   response: "y",
 *   y: new Float64Array([1, 2, 5, 6, 2, 4]),
 *   X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"],
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 *   droppedRows: 0,
 * });
 * // Balanced one-way with MSA = 49/6 > MSE = 1: REML equals ANOVA, (MSA - MSE) / 2.
 * assert.ok(Math.abs(fit.variances.g - (49 / 6 - 1) / 2) < 1e-7);
 * assert.ok(Math.abs(fit.variances.Residual - 1) < 1e-7);
 * ```
 */
export function fitVarComp(frame: ModelFrame, options: FitOptions = {}): VarCompFit {
  const method = options.method ?? "reml";
  if (method !== "reml" && method !== "ml" && method !== "anova") {
    throw new TypeError(`unknown estimation method "${method}": expected reml, ml or anova`);
  }
  const cp = options.crossProducts ?? crossProducts(frame);
  const { n, p, order } = cp;
  const K = order.length;
  if (K === 0) throw new TypeError("the model has no random-intercept term");
  if (n <= p) {
    throw new RangeError(
      `${n} observations cannot estimate ${p} fixed effects and a residual variance`,
    );
  }
  const factor = blockedFactor(cp);
  const moments = momentEstimates(cp);
  const messages: string[] = [];
  let theta: Float64Array, evaluations = 0, iterations = 0, converged = true;
  let criterion: number | null = null;
  const reml = method === "reml";
  // Where the factor was last updated (successfully), so that the fit's end need not update it
  // again at the same point.
  const updatedAt = { theta: scratchFloat64(K), current: false };
  const objective = (th: Float64Array): number => {
    updatedAt.current = factor.update(th);
    updatedAt.theta.set(th);
    return updatedAt.current ? profiledCriterion(factor, { n, p, reml }) : Infinity;
  };

  if (method === "anova") {
    const s0 = moments.residual;
    theta = Float64Array.from(moments.variances, (s) => s0 > 0 && s > 0 ? Math.sqrt(s / s0) : 0);
    moments.variances.forEach((s, t) => {
      if (s < 0) {
        messages.push(
          `the ANOVA estimate of ${frame.terms[order[t]].name} is negative (${
            s.toPrecision(4)
          }); reported as is, and taken as 0 for the fixed effects`,
        );
      }
    });
  } else {
    const s0 = moments.residual;
    const start = scratchFloat64(K);
    moments.variances.forEach((s, t) => {
      start[t] = s0 > 0 && s > 0 ? Math.max(Math.sqrt(s / s0), MIN_START) : s0 > 0 ? MIN_START : 1;
    });
    const exact = isNestedChain(cp) && s0 > 0 ? exactNewton(cp, { start, s0, reml }) : null;
    const result = exact ?? minimizeInParallel(cp, { objective, start, reml });
    theta = result.x;
    criterion = exact ? objective(theta) : result.f;
    evaluations = result.evaluations + (exact ? 1 : 0);
    iterations = result.iterations;
    converged = result.converged && Number.isFinite(criterion);
    for (let t = 0; t < K; t++) {
      if (theta[t] > 0 && theta[t] < SNAP_BELOW) {
        const trial = Float64Array.from(theta);
        trial[t] = 0;
        const ft = objective(trial);
        evaluations++;
        if (ft <= criterion + SNAP_TOLERANCE) {
          theta = trial;
          criterion = Math.min(ft, criterion);
        }
      }
    }
    if (!converged) messages.push(`the optimizer did not converge in ${iterations} iterations`);
  }
  return finishFit(frame, {
    cp,
    factor,
    method,
    theta,
    criterion,
    evaluations,
    iterations,
    converged,
    messages,
    updatedAt: updatedAt.current ? updatedAt.theta : null,
    // ANOVA reports the raw moment estimates, negative ones included.
    moments: method === "anova" ? moments : null,
    estimator: method === "reml" ? "REML" : method === "ml" ? "ML" : moments.estimator,
  });
}

/**
 * {@linkcode minimizeEven} of `objective`, with each iteration's points of
 * differences shared with a helper thread when that pays
 * (`_parallel_criterion.ts`): the same result to the bit either way.
 */
function minimizeInParallel(
  cp: CrossProducts,
  { objective, start, reml }: {
    objective: (theta: Float64Array) => number;
    start: Float64Array;
    reml: boolean;
  },
): MinimizeResult {
  const parallel = parallelCriterion(cp, { reml });
  try {
    return minimizeEven(objective, start, {
      evaluateAll: parallel ? (points) => parallel.evaluateAll(points, objective) : undefined,
    });
  } finally {
    parallel?.close();
  }
}

/** Relative SDs sqrt(x_k / x_K) of variances x (the residual's last), a scratch array. */
function thetaOf(x: Float64Array, K: number): Float64Array {
  const theta = scratchFloat64(K);
  for (let k = 0; k < K; k++) theta[k] = Math.sqrt(x[k] / x[K]);
  return theta;
}

/**
 * REML or ML for a nested chain by Newton's method in the variances with
 * exact derivatives (lib/fit/_chain_derivatives.ts), from theta = `start`
 * and residual variance `s0`, bounded at s_k >= 0 (lib/fit/_bounded_newton.ts):
 * quadratic convergence, stopped when no step exceeds 1e-10 relative. Null
 * (the caller falls back to the difference Newton minimiser) when it fails.
 */
function exactNewton(
  cp: CrossProducts,
  at: { start: Float64Array; s0: number; reml: boolean },
): MinimizeResult | null {
  const { start, s0, reml } = at, K = start.length;
  const objective = chainDevianceObjective(cp, { reml });
  const lower = scratchFloat64(K + 1), strict = Array.from({ length: K + 1 }, (_, k) => k === K);
  const newton = new BoundedNewton(objective, { lower, strict });
  const x = scratchFloat64(K + 1);
  for (let k = 0; k <= K; k++) x[k] = k < K ? start[k] * start[k] * s0 : s0;
  const result = newton.minimize(x, { step: EXACT_STEP, finish: true, maxIterations: 100 });
  if (!result?.converged) return null;
  return {
    x: thetaOf(x, K),
    f: newton.current.f,
    evaluations: newton.evaluations,
    iterations: result.iterations,
    converged: true,
  };
}

/**
 * The fit record of variances estimated elsewhere (a user's estimator):
 * GLS fixed effects and their covariance at `variances` (negative ones
 * taken as 0 for the weights, reported as given), everything else as for
 * an ANOVA fit, so the interval methods treat the estimates as they treat
 * ANOVA's, except for the standard errors: the record's `estimator` is
 * `given`, so they come from the REML information at the estimates, not
 * from the ANOVA estimator's sampling covariance. `variances` must name
 * every random term and `Residual`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fitAtVariances, fitVarComp } from "./fit.ts";
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 5, 6, 2, 4]), X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 * };
 * const anova = fitVarComp(frame, { method: "anova" });
 * const same = fitAtVariances(frame, { variances: anova.variances });
 * assert.deepEqual(same.fixed, anova.fixed);
 * assert.deepEqual([same.estimator, anova.estimator], ["given", "hierarchical"]);
 * ```
 */
export function fitAtVariances(
  frame: ModelFrame,
  options: { variances: Readonly<Record<string, number>>; crossProducts?: CrossProducts },
): VarCompFit {
  const cp = options.crossProducts ?? crossProducts(frame);
  const { variances } = options;
  const names = [...frame.terms.map((t) => t.name), "Residual"];
  for (const name of names) {
    if (typeof variances[name] !== "number" || !Number.isFinite(variances[name])) {
      throw new TypeError(
        `variance of ${name} must be a finite number, got ${String(variances[name])}`,
      );
    }
  }
  const s0 = variances.Residual;
  if (!(s0 > 0)) throw new RangeError(`the residual variance must be positive, got ${s0}`);
  const termVariances = cp.order.map((i) => variances[frame.terms[i].name]);
  const theta = Float64Array.from(termVariances, (s) => s > 0 ? Math.sqrt(s / s0) : 0);
  return finishFit(frame, {
    cp,
    factor: blockedFactor(cp),
    method: "anova",
    theta,
    criterion: null,
    evaluations: 0,
    iterations: 0,
    converged: true,
    messages: [],
    moments: { variances: termVariances, residual: s0 },
    estimator: "given",
  });
}

/** Where a fit's optimisation (or moment step) ended; see {@linkcode finishFit}. */
interface FitEnd {
  readonly cp: CrossProducts;
  readonly factor: BlockedFactor;
  readonly method: EstimationMethod;
  readonly theta: Float64Array;
  criterion: number | null;
  readonly evaluations: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly messages: string[];
  /** Where `factor` was last updated, if it was; the end updates it only at another theta. */
  readonly updatedAt?: Float64Array | null;
  /** The moment estimates an ANOVA fit reports; null for REML and ML. */
  readonly moments: { variances: Float64Array | readonly number[]; residual: number } | null;
  /** What produced the variances (VarCompFit.estimator). */
  readonly estimator: VarianceEstimator;
}

/** The fit record at `end.theta`: variances, GLS fixed effects and their covariance. */
function finishFit(frame: ModelFrame, end: FitEnd): VarCompFit {
  const { cp, factor, method, theta, evaluations, iterations, converged, messages } = end;
  const { n, p, order } = cp;
  const K = order.length;
  const reml = method === "reml";
  let criterion = end.criterion;
  const at = end.updatedAt;
  const current = at?.length === theta.length && at.every((t, k) => Object.is(t, theta[k]));
  if (!current && !factor.update(theta)) {
    throw new RangeError(
      "the model cannot be factored at the estimates: the response is fitted exactly or X is rank deficient",
    );
  }
  if (criterion !== null) criterion = profiledCriterion(factor, { n, p, reml });
  const sigma2 = end.moments ? end.moments.residual : factor.r2 / (reml ? n - p : n);

  const P = p + 1, C = factor.trailing;
  const lxx = scratchFloat64(p * p);
  for (let c = 0; c < p; c++) for (let d = 0; d <= c; d++) lxx[c * p + d] = C[c * P + d];
  const beta = scratchFloat64(p);
  for (let c = 0; c < p; c++) beta[c] = C[(P - 1) * P + c];
  for (let c = p - 1; c >= 0; c--) {
    let s = beta[c];
    for (let d = c + 1; d < p; d++) s -= lxx[d * p + c] * beta[d];
    beta[c] = s / lxx[c * p + c];
  }
  const cov = inverseFromCholesky(lxx, p);
  for (let i = 0; i < cov.length; i++) cov[i] *= sigma2;

  const variances: Record<string, number> = {};
  const groups: Record<string, number> = {};
  const groupSizes: Record<string, { min: number; max: number; mean: number }> = {};
  const thetaByTerm = new Array<number>(K);
  frame.terms.forEach((term, i) => {
    const t = order.indexOf(i);
    thetaByTerm[i] = theta[t];
    variances[term.name] = end.moments ? end.moments.variances[t] : theta[t] * theta[t] * sigma2;
    groups[term.name] = term.levels.length;
    const counts = cp.counts[t];
    let min = Infinity, max = 0;
    for (let a = 0; a < counts.length; a++) {
      const c = counts[a];
      if (c < min) min = c;
      if (c > max) max = c;
    }
    groupSizes[term.name] = { min, max, mean: n / counts.length };
  });
  variances.Residual = sigma2;
  const singular = thetaByTerm.some((th) => th < SINGULAR_BELOW);
  if (singular && method !== "anova") {
    messages.push("boundary (singular) fit: a variance component is estimated as (nearly) 0");
  }
  return {
    method: method === "reml" ? "REML" : method === "ml" ? "ML" : "ANOVA",
    estimator: end.estimator,
    nobs: n,
    droppedRows: frame.droppedRows,
    converged,
    singular,
    logLik: criterion === null ? null : -criterion / 2,
    criterion,
    variances,
    groups,
    groupSizes,
    theta: thetaByTerm,
    fixed: frame.fixedNames.map((name, c) => ({
      name,
      estimate: beta[c],
      se: Math.sqrt(cov[c * p + c]),
    })),
    fixedCovariance: cov,
    evaluations,
    iterations,
    layout: factor.layout,
    messages,
  };
}
