/**
 * Newton's method with exact derivatives on a box x >= lower (an active-set
 * iteration: a coordinate at its bound with the gradient pushing outwards
 * stays there, the others take the Newton step, projected onto the bounds,
 * with backtracking). Used by the REML/ML fits of nested chains and, with
 * one coordinate held, by their profile intervals.
 *
 * @module
 */

import {
  backSolveTransposedInPlace,
  choleskyInPlace,
  forwardSolveInPlace,
} from "../linalg/cholesky.ts";
import { type SecondOrder, secondOrder } from "./_jets.ts";
import { scratchFloat64 } from "../_typed_arrays.ts";

/** A smooth objective with exact first and second derivatives. */
export interface SmoothObjective {
  /** Number of coordinates. */
  readonly size: number;
  /** Writes f, g and H at x; false where f is undefined. */
  evaluate(x: Float64Array, out: SecondOrder): boolean;
}

/**
 * Where {@linkcode BoundedNewton.minimize} stopped. Its arrays are the
 * minimiser's buffers, valid until its next call.
 */
export interface NewtonResult {
  /** Free coordinates off their bounds. */
  readonly free: number[];
  /** Cholesky factor of H over `free` (ridged if it was not positive definite). */
  readonly chol: Float64Array;
  /** The next Newton step over `free` (not taken) and its predicted decrease of f. */
  readonly step: Float64Array;
  readonly decrease: number;
  /** Newton iterations (evaluations after the first). */
  readonly iterations: number;
  /** False when the iteration limit was reached first. */
  readonly converged: boolean;
}

/** Options of {@linkcode BoundedNewton.minimize}. */
export interface BoundedNewtonOptions {
  /** A coordinate kept at its value, or -1. @default -1 */
  readonly held?: number;
  /** Stop when the predicted decrease 1/2 g'H^-1 g is at most this. @default 0 */
  readonly decrease?: number;
  /**
   * Stop when no coordinate's step exceeds this times max(|x_k|, 1e-3 max_j |x_j|);
   * the step is then taken (without evaluating) when `finish` is set.
   * @default 0
   */
  readonly step?: number;
  /** Take the last (small) step. @default false */
  readonly finish?: boolean;
  /** @default 50 */
  readonly maxIterations?: number;
}

// A full Newton step is taken without a line search once the predicted decrease is below
// CLOSE; it may then raise f by its rounding, ROUNDING (1 + |f|), which no comparison sees.
const CLOSE = 1e-4;
const ROUNDING = 1e-13;

/**
 * Bounded Newton minimisation of one objective, counting its evaluations.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { BoundedNewton } from "./_bounded_newton.ts";
 * // f = (x - 2)^2 + (y + 1)^2 + x y on x, y >= 0: the minimum is at (2, 0), y on its bound.
 * const newton = new BoundedNewton({
 *   size: 2,
 *   evaluate(p, out) {
 *     const [x, y] = p;
 *     out.f = (x - 2) ** 2 + (y + 1) ** 2 + x * y;
 *     out.g.set([2 * (x - 2) + y, 2 * (y + 1) + x]);
 *     out.H.set([2, 1, 1, 2]);
 *     return true;
 *   },
 * }, { lower: new Float64Array(2), strict: [false, false] });
 * const x = new Float64Array([1, 1]);
 * const result = newton.minimize(x, { step: 1e-12, finish: true })!;
 * assert.ok(result.converged);
 * assert.deepEqual([...x], [2, 0]);
 * assert.deepEqual(result.free, [0]);
 * ```
 */
export class BoundedNewton {
  /** Objective evaluations so far. */
  evaluations = 0;
  /** f, g and H at the point {@linkcode BoundedNewton.minimize} last returned. */
  current: SecondOrder;
  #spare: SecondOrder;
  readonly #trial: Float64Array;
  readonly #free: number[] = [];
  readonly #chol: Float64Array;
  readonly #step: Float64Array;
  readonly #objective: SmoothObjective;
  readonly lower: Float64Array;
  readonly strict: readonly boolean[];

  /** Bounds: x_k >= lower_k, strictly where `strict` (f is then undefined at the bound). */
  constructor(
    objective: SmoothObjective,
    bounds: { lower: Float64Array; strict: readonly boolean[] },
  ) {
    this.#objective = objective;
    this.lower = bounds.lower;
    this.strict = bounds.strict;
    const n = objective.size;
    this.current = secondOrder(n);
    this.#spare = secondOrder(n);
    this.#trial = scratchFloat64(n);
    this.#chol = scratchFloat64(n * n);
    this.#step = scratchFloat64(n);
  }

  /** Evaluates into `out`; false unless f, g and H are all finite. */
  evaluate(x: Float64Array, out: SecondOrder): boolean {
    this.evaluations++;
    if (!this.#objective.evaluate(x, out) || !Number.isFinite(out.f)) return false;
    for (const v of out.g) if (!Number.isFinite(v)) return false;
    for (const v of out.H) if (!Number.isFinite(v)) return false;
    return true;
  }

  /** Free coordinates: all but `held` and those at a bound that f pushes against. */
  freeSet(x: Float64Array, held: number, g: Float64Array, free: number[] = []): number[] {
    free.length = 0;
    for (let k = 0; k < x.length; k++) {
      if (k !== held && !(x[k] <= this.lower[k] && g[k] >= 0)) free.push(k);
    }
    return free;
  }

  /** x + t step on `free`, projected onto the bounds (half-way to a strict one). */
  project(
    x: Float64Array,
    at: { free: readonly number[]; step: Float64Array; t: number; out: Float64Array },
  ): void {
    const { free, step, t, out } = at;
    out.set(x);
    for (let i = 0; i < free.length; i++) {
      const k = free[i], v = x[k] + t * step[i], bound = this.lower[k];
      out[k] = v > bound ? v : this.strict[k] ? 0.5 * (x[k] + bound) : bound;
    }
  }

  /**
   * Minimises over every coordinate but `options.held`, from x (overwritten
   * with the minimum; {@linkcode BoundedNewton.current} then holds f, g and
   * H there). Null when f is undefined at x or no step lowers it.
   */
  minimize(x: Float64Array, options: BoundedNewtonOptions = {}): NewtonResult | null {
    const held = options.held ?? -1, maxIterations = options.maxIterations ?? 50;
    if (!this.evaluate(x, this.current)) return null;
    const n = x.length, trial = this.#trial;
    for (let iter = 0;; iter++) {
      const cur = this.current, free = this.freeSet(x, held, cur.g, this.#free);
      const chol = ridgedCholesky(cur.H, free, { n, work: this.#chol });
      const step = newtonStep(chol, free, { g: cur.g, step: this.#step });
      let decrease = 0;
      for (let i = 0; i < free.length; i++) decrease -= 0.5 * cur.g[free[i]] * step[i];
      decrease = Math.max(decrease, 0);
      const done = decrease <= (options.decrease ?? 0) ||
        smallStep(x, free, step, options.step ?? 0);
      if (done || iter >= maxIterations) {
        if (done && options.finish) {
          this.project(x, { free, step, t: 1, out: trial });
          x.set(trial);
        }
        return { free, chol, step, decrease, iterations: iter, converged: done };
      }
      const slack = decrease < CLOSE ? ROUNDING * (1 + Math.abs(cur.f)) : 0;
      let accepted = false;
      for (let t = 1, half = 0; half < 30 && !accepted; half++, t /= 2) {
        this.project(x, { free, step, t, out: trial });
        accepted = this.evaluate(trial, this.#spare) && this.#spare.f < cur.f + slack;
      }
      if (!accepted) return null;
      [this.current, this.#spare] = [this.#spare, cur];
      x.set(trial);
    }
  }
}

/** -H^-1 g over `free`, from the factor of H, into `at.step`. */
function newtonStep(
  chol: Float64Array,
  free: readonly number[],
  at: { g: Float64Array; step: Float64Array },
): Float64Array {
  const { g, step } = at;
  for (let i = 0; i < free.length; i++) step[i] = -g[free[i]];
  forwardSolveInPlace(chol, free.length, step);
  backSolveTransposedInPlace(chol, free.length, step);
  return step;
}

/** True when every step is at most `tolerance` relative to its coordinate (floored). */
function smallStep(
  x: Float64Array,
  free: readonly number[],
  step: Float64Array,
  tolerance: number,
): boolean {
  if (!(tolerance > 0)) return false;
  let scale = 0;
  for (const v of x) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < free.length; i++) {
    const k = free[i];
    if (Math.abs(step[i]) > tolerance * Math.max(Math.abs(x[k]), 1e-3 * scale)) return false;
  }
  return true;
}

/**
 * Cholesky factor of H (n x n) over `free` (+ mu diag(H), the smallest ridge
 * that makes it positive definite), m x m in `at.work` (a new array without it).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ridgedCholesky } from "./_bounded_newton.ts";
 * const H = new Float64Array([4, 0, 2, 0, 1, 0, 2, 0, 5]);
 * // Rows and columns 0 and 2: [[4, 2], [2, 5]] = L L' with L = [[2, 0], [1, 2]]
 * // (the lower triangle is the factor).
 * const L = ridgedCholesky(H, [0, 2], { n: 3 });
 * assert.deepEqual([L[0], L[2], L[3]], [2, 1, 2]);
 * ```
 */
export function ridgedCholesky(
  H: Float64Array,
  free: readonly number[],
  at: { n: number; work?: Float64Array },
): Float64Array {
  const m = free.length, n = at.n, work = at.work ?? scratchFloat64(m * m);
  for (let mu = 0, tries = 0; tries < 40; tries++) {
    for (let i = 0; i < m; i++) {
      const row = free[i] * n;
      for (let j = 0; j < m; j++) work[i * m + j] = H[row + free[j]];
      work[i * m + i] += mu * Math.max(Math.abs(H[row + free[i]]), 1e-300);
    }
    if (choleskyInPlace(work, m) < 0) return work;
    mu = mu === 0 ? 1e-8 : mu * 10;
  }
  work.fill(0);
  for (let i = 0; i < m; i++) {
    work[i * m + i] = Math.sqrt(Math.max(Math.abs(H[free[i] * (n + 1)]), 1));
  }
  return work;
}
