/**
 * A Newton minimizer for the profiled criterion, which is smooth and even in
 * each coordinate (flipping the sign of theta_k is a similarity transform of
 * the factor). Minimizing over all of R^K and taking |x| therefore solves
 * the problem bounded at theta >= 0 (MixedModels.jl v5 does the same).
 *
 * Derivatives come from central differences: K <= a handful, evaluations
 * are cheap, and Newton's quadratic convergence near the optimum needs a few
 * iterations from the moment-estimator start.
 *
 * @module
 */

import {
  backSolveTransposedInPlace,
  choleskyInPlace,
  forwardSolveInPlace,
} from "../linalg/cholesky.ts";
import { scratchFloat64 } from "../_typed_arrays.ts";

// A Newton step this small that cannot lower f is rounding noise in the
// differences, not a failure to converge.
const NOISE_STEP = 1e-5;
// Newton's convergence is quadratic: a full step s is followed by one of about
// C s^2, which is within xtol when s <= sqrt(xtol / C); C <= 100 is assumed.
const CURVATURE_RATIO = 100;

/** Options of {@linkcode minimizeEven}. */
export interface MinimizeOptions {
  /**
   * Stop when the Newton step changes no coordinate by more than
   * xtol * max(|x_k|, 1), or after a full, unshifted Newton step of at most
   * sqrt(xtol / 100) in that measure (quadratic convergence puts the next
   * one within xtol, so it is not computed).
   * @default 1e-8
   */
  xtol?: number;
  /**
   * Largest number of Newton iterations.
   * @default 100
   */
  maxIterations?: number;
  /**
   * The objective at each of `points`, in order: the values `objective`
   * gives there, computed as the caller likes (in parallel, say). Used for
   * each iteration's 2K + K(K-1)/2 points of differences; the points are
   * buffers filled again for the next iteration, not to be kept.
   * @default the objective at one point after another
   */
  evaluateAll?: (points: readonly Float64Array[]) => number[];
}

/** Outcome of {@linkcode minimizeEven}. */
export interface MinimizeResult {
  /** The minimizer, every coordinate >= 0. */
  x: Float64Array;
  /** The objective at x. */
  f: number;
  /** Objective evaluations used. */
  evaluations: number;
  /** Newton iterations taken. */
  iterations: number;
  /** True when the step-size criterion was met. */
  converged: boolean;
}

/**
 * Minimizes an objective that is even in each coordinate, starting at `x0`
 * (coordinates should be away from 0: at 0 the gradient vanishes by symmetry).
 * Returns x >= 0. A non-finite objective value is treated as +Infinity.
 *
 * Cost: per iteration 1 + 2K + K(K-1)/2 evaluations plus line-search trials.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { minimizeEven } from "./optimize.ts";
 * const r = minimizeEven((x) => (x[0] * x[0] - 4) ** 2 + x[1] * x[1], new Float64Array([1, 1]));
 * assert.ok(r.converged);
 * // Central differences limit the location of a minimum to about 1e-7.
 * assert.ok(Math.abs(r.x[0] - 2) < 1e-6 && r.x[1] < 1e-8);
 * ```
 */
export function minimizeEven(
  objective: (x: Float64Array) => number,
  x0: Float64Array,
  options: MinimizeOptions = {},
): MinimizeResult {
  const xtol = options.xtol ?? 1e-8;
  const lastStep = Math.sqrt(xtol / CURVATURE_RATIO);
  const maxIterations = options.maxIterations ?? 100;
  const K = x0.length;
  let evaluations = 0;
  const f = (x: Float64Array): number => {
    evaluations++;
    const v = objective(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const x = Float64Array.from(x0, Math.abs);
  let fx = f(x);
  const g = scratchFloat64(K), H = scratchFloat64(K * K), h = scratchFloat64(K);
  const fPlus = scratchFloat64(K), step = scratchFloat64(K), trial = scratchFloat64(K);
  // The points of differences: filled one at a time into `trial` (free until the line search)
  // and evaluated at once, or, for options.evaluateAll, into buffers made on first use.
  const count = 2 * K + (K * (K - 1)) / 2, values = new Array<number>(count).fill(0);
  let buffers: Float64Array[] | undefined;
  const evaluate = (fill: (point: Float64Array, i: number) => void): number[] => {
    const all = options.evaluateAll;
    if (!all) {
      for (let i = 0; i < count; i++) {
        fill(trial, i);
        values[i] = f(trial);
      }
      return values;
    }
    buffers ??= Array.from({ length: count }, () => new Float64Array(K));
    buffers.forEach(fill);
    const given = all(buffers);
    evaluations += count;
    for (let i = 0; i < count; i++) values[i] = Number.isFinite(given[i]) ? given[i] : Infinity;
    return values;
  };
  let converged = false, iterations = 0;
  while (iterations < maxIterations && !converged) {
    iterations++;
    differences(x, { fx, h, g, H, fPlus }, evaluate);
    const shift = newtonStep(H, g, K, step);
    if (shift === null) break;
    let fullStep = 0, slope = 0;
    for (let k = 0; k < K; k++) {
      fullStep = Math.max(fullStep, Math.abs(step[k]) / Math.max(x[k], 1));
      slope += g[k] * step[k];
    }
    if (fullStep <= xtol || !(slope < 0)) {
      // The step is within the differences' noise (or they no longer agree on a
      // descent direction): x is the minimum to the precision available.
      converged = fullStep <= NOISE_STEP;
      break;
    }
    // Backtracking line search on the Newton direction.
    let t = 1, accepted = false, fTrial = fx;
    while (t * fullStep > xtol * 1e-3) {
      for (let k = 0; k < K; k++) trial[k] = Math.abs(x[k] + t * step[k]);
      fTrial = f(trial);
      if (fTrial < fx && fTrial <= fx + 1e-4 * t * slope) {
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) {
      converged = fullStep <= NOISE_STEP;
      break;
    }
    x.set(trial);
    fx = fTrial;
    // A full, unshifted Newton step this small leaves a next step within xtol: that one
    // (2K + K(K-1)/2 evaluations of differences) is not taken.
    converged = t * fullStep <= xtol || (t === 1 && shift === 0 && fullStep <= lastStep);
  }
  return { x, f: fx, evaluations, iterations, converged };
}

/**
 * Central differences at x (where the objective is `at.fx`), with steps
 * h_k = 2e-4 max(x_k, 0.1): the gradient, the Hessian and f(x + h_k e_k),
 * from the objective at x +- h_k e_k and x + h_k e_k + h_j e_j (j < k).
 */
function differences(
  x: Float64Array,
  at: { fx: number; h: Float64Array; g: Float64Array; H: Float64Array; fPlus: Float64Array },
  evaluate: (fill: (point: Float64Array, i: number) => void) => number[],
): void {
  const { fx, h, g, H, fPlus } = at, K = x.length;
  for (let k = 0; k < K; k++) h[k] = 2e-4 * Math.max(x[k], 0.1);
  // Point i: x + h_k e_k and x - h_k e_k for i = 2k and 2k + 1, then x + h_k e_k + h_j e_j for
  // (k, j) = (1, 0), (2, 0), (2, 1), (3, 0), ...
  const values = evaluate((point, i) => {
    point.set(x);
    if (i < 2 * K) {
      const k = i >> 1;
      point[k] = x[k] + (i & 1 ? -h[k] : h[k]);
      return;
    }
    let j = i - 2 * K, k = 1;
    for (; j >= k; k++) j -= k;
    point[k] = x[k] + h[k];
    point[j] = x[j] + h[j];
  });
  for (let k = 0; k < K; k++) {
    fPlus[k] = values[2 * k];
    const fMinus = values[2 * k + 1];
    g[k] = (fPlus[k] - fMinus) / (2 * h[k]);
    H[k * K + k] = (fPlus[k] - 2 * fx + fMinus) / (h[k] * h[k]);
  }
  let next = 2 * K;
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < k; j++) {
      H[k * K + j] = H[j * K + k] = (values[next++] - fPlus[k] - fPlus[j] + fx) / (h[k] * h[j]);
    }
  }
}

/**
 * Solves (H + mu I) s = -g with the smallest mu >= 0 (of 0, 1e-8 scale, then
 * tenfold) that makes H + mu I positive definite; returns mu, or null when
 * there is none or s is not finite.
 */
function newtonStep(
  H: Float64Array,
  g: Float64Array,
  K: number,
  step: Float64Array,
): number | null {
  let scale = 0;
  for (let k = 0; k < K; k++) scale = Math.max(scale, Math.abs(H[k * K + k]));
  if (!Number.isFinite(scale)) return null;
  const work = scratchFloat64(K * K);
  for (let mu = 0, tries = 0; tries < 60; tries++) {
    work.set(H);
    for (let k = 0; k < K; k++) work[k * K + k] += mu;
    if (choleskyInPlace(work, K) < 0) {
      for (let k = 0; k < K; k++) step[k] = -g[k];
      forwardSolveInPlace(work, K, step);
      backSolveTransposedInPlace(work, K, step);
      return step.every(Number.isFinite) ? mu : null;
    }
    mu = mu === 0 ? Math.max(scale, 1) * 1e-8 : mu * 10;
  }
  return null;
}
