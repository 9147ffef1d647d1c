/**
 * Minimises a smooth function over all coordinates but one, held at a given
 * value, many times along a path: the inner step of a likelihood profile.
 * The Hessian at the joint optimum, computed once, serves every point: it
 * predicts where the other coordinates move (the conditional-mode line) and
 * preconditions a chord-Newton iteration that needs only gradients. Near the
 * optimum, where profile intervals live, one or two iterations reach the
 * minimum to 1e-9 in the objective; a point where the chord steps stall
 * falls back to the full finite-difference Newton minimiser.
 *
 * @module
 */

import {
  backSolveTransposedInPlace,
  choleskyInPlace,
  forwardSolveInPlace,
} from "../linalg/cholesky.ts";
import { differenceSteps, largestMagnitude } from "./_difference_steps.ts";
import { minimizeEven } from "../fit/optimize.ts";
import { scratchCopy, scratchFloat64 } from "../_typed_arrays.ts";

// Stop when the predicted decrease 1/2 g'H^-1 g is below this (objective units).
const DECREASE_TOLERANCE = 1e-9;
const MAX_CHORD_STEPS = 12;
// A full step predicted (and seen) to gain less than this ends the iteration.
const FINAL_STEP_DECREASE = 1e-5;

/** The conditional minimum at one value of the held coordinate. */
export interface ConditionalMinimum {
  /** Minimum of the objective. */
  readonly f: number;
  /** All coordinates at the minimum, the held one included. */
  readonly x: Float64Array;
}

/**
 * Conditional minimiser of `f` (even in each coordinate, as deviances in
 * square-root-variance coordinates are) around its joint minimum `xHat`.
 */
export class ConditionalMinimizer {
  readonly #f: (x: Float64Array) => number;
  readonly #held: number;
  readonly #free: number[];
  /** Cholesky factor of the free-free Hessian block (ridged if needed). */
  readonly #chol: Float64Array;
  /** d x_free / d x_held along the conditional-mode line: -H_ff^-1 H_fh. */
  readonly #slope: Float64Array;
  readonly #xHat: Float64Array;
  #last: Float64Array;
  /** Objective evaluations so far. */
  evaluations = 0;

  /** `hessian`: of f at xHat, d x d row-major (see {@linkcode evenHessian}). */
  constructor(
    f: (x: Float64Array) => number,
    xHat: Float64Array,
    held: number,
    hessian: Float64Array,
  ) {
    this.#f = (x) => {
      this.evaluations++;
      const v = f(x);
      return Number.isFinite(v) ? v : Infinity;
    };
    this.#held = held;
    this.#free = [...xHat.keys()].filter((j) => j !== held);
    this.#xHat = scratchCopy(xHat);
    this.#last = this.#xHat;
    const d = xHat.length, m = d - 1;
    const H = hessian;
    const Hff = scratchFloat64(m * m);
    const Hfh = scratchFloat64(m);
    this.#free.forEach((a, i) => {
      Hfh[i] = H[a * d + held];
      this.#free.forEach((b, j) => Hff[i * m + j] = H[a * d + b]);
    });
    this.#chol = ridgedCholesky(Hff, m);
    this.#slope = Hfh;
    for (let i = 0; i < m; i++) Hfh[i] = -Hfh[i];
    this.#solve(this.#slope);
  }

  /** Starts the next search from the joint optimum again (e.g. for the other side). */
  restart(): void {
    this.#last = this.#xHat;
  }

  /** The minimum over the free coordinates with the held one at `value`. */
  minimize(value: number): ConditionalMinimum {
    const free = this.#free, m = free.length;
    // Start on the conditional-mode line from the last point found.
    const x = scratchCopy(this.#last);
    const move = value - x[this.#held];
    x[this.#held] = value;
    for (let i = 0; i < m; i++) x[free[i]] += this.#slope[i] * move;
    let fx = this.#f(x);
    const g = scratchFloat64(m), step = scratchFloat64(m), trial = scratchFloat64(x.length);
    let converged = false;
    for (let iter = 0; iter < MAX_CHORD_STEPS && Number.isFinite(fx); iter++) {
      this.#gradient(x, fx, g);
      step.set(g);
      this.#solve(step);
      let decrease = 0;
      for (let i = 0; i < m; i++) decrease += 0.5 * g[i] * step[i];
      if (!(decrease > DECREASE_TOLERANCE)) {
        converged = true;
        break;
      }
      let t = 1, accepted = false;
      for (let half = 0; half < 8; half++, t /= 2) {
        trial.set(x);
        for (let i = 0; i < m; i++) trial[free[i]] = Math.abs(x[free[i]] - t * step[i]);
        const ft = this.#f(trial);
        if (ft < fx) {
          // A full step whose small predicted decrease came true leaves an error far
          // below the tolerance: no gradient is needed to confirm it.
          converged = t === 1 && decrease < FINAL_STEP_DECREASE &&
            Math.abs(fx - ft - decrease) < 0.5 * decrease;
          x.set(trial);
          fx = ft;
          accepted = true;
          break;
        }
      }
      if (!accepted || converged) break;
    }
    // At a free coordinate of 0 the gradient of an even function vanishes whether or
    // not 0 is the minimum (moving the held value can pull a component off its
    // bound): probe a small positive value, and minimise from there when it is lower.
    const probe = 1e-2 * largestMagnitude(x);
    for (const a of free) {
      if (!converged || Math.abs(x[a]) > probe) continue;
      trial.set(x);
      trial[a] = probe;
      const ft = this.#f(trial);
      if (ft < fx) {
        x.set(trial);
        fx = ft;
        converged = false;
      }
    }
    if (!converged) {
      // Far from the optimum or off a boundary: the full Newton minimiser.
      const r = minimizeEven((y) => {
        trial[this.#held] = value;
        for (let i = 0; i < m; i++) trial[free[i]] = y[i];
        return this.#f(trial);
      }, Float64Array.from(free, (a) => Math.max(Math.abs(x[a]), 1e-3 * largestMagnitude(x))));
      if (r.f <= fx) {
        fx = r.f;
        for (let i = 0; i < m; i++) x[free[i]] = r.x[i];
      }
    }
    this.#last = x;
    return { f: fx, x };
  }

  /**
   * Forward-difference gradient over the free coordinates: its O(h) error
   * moves a Newton step by about h, which changes f by O(h^2), negligible.
   */
  #gradient(x: Float64Array, fx: number, g: Float64Array): void {
    const y = scratchCopy(x), steps = differenceSteps(x, 1e-6, 1e-2);
    this.#free.forEach((a, i) => {
      const h = steps[a];
      y[a] = x[a] + h;
      g[i] = (this.#f(y) - fx) / h;
      y[a] = x[a];
    });
  }

  /** Overwrites b with H_ff^-1 b. */
  #solve(b: Float64Array): void {
    const m = this.#free.length;
    forwardSolveInPlace(this.#chol, m, b);
    backSolveTransposedInPlace(this.#chol, m, b);
  }
}

/** Cholesky factor of A + mu I with the smallest mu (from 0 up) that is positive definite. */
function ridgedCholesky(A: Float64Array, m: number): Float64Array {
  let diag = 0;
  for (let i = 0; i < m; i++) diag = Math.max(diag, Math.abs(A[i * m + i]));
  const work = scratchFloat64(m * m);
  for (let mu = 0, tries = 0; tries < 40; tries++) {
    work.set(A);
    for (let i = 0; i < m; i++) work[i * m + i] += mu;
    if (choleskyInPlace(work, m) < 0) return work;
    mu = mu === 0 ? Math.max(diag, 1e-8) * 1e-6 : mu * 10;
  }
  // Nothing usable: the identity (gradient steps, then the fallback minimiser).
  work.fill(0);
  for (let i = 0; i < m; i++) work[i * m + i] = 1;
  return work;
}

/**
 * Hessian of f at x by central second differences and forward mixed
 * differences (1 + 2d + d(d-1)/2 evaluations): accurate enough to
 * precondition, which is all {@linkcode ConditionalMinimizer} asks of it.
 */
export function evenHessian(f: (x: Float64Array) => number, x: Float64Array): Float64Array {
  const d = x.length, h = differenceSteps(x, 1e-3, 1e-2);
  const y = Float64Array.from(x), f0 = f(x), up = new Float64Array(d);
  const H = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    y[k] = x[k] + h[k];
    up[k] = f(y);
    y[k] = x[k] - h[k];
    const down = f(y);
    y[k] = x[k];
    H[k * d + k] = (up[k] - 2 * f0 + down) / (h[k] * h[k]);
  }
  for (let k = 0; k < d; k++) {
    for (let j = 0; j < k; j++) {
      y[k] = x[k] + h[k];
      y[j] = x[j] + h[j];
      const both = f(y);
      y[k] = x[k];
      y[j] = x[j];
      H[k * d + j] = H[j * d + k] = (both - up[k] - up[j] + f0) / (h[k] * h[j]);
    }
  }
  return H;
}
