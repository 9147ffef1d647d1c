/**
 * Profile-likelihood limits by Newton's method with exact derivatives. The
 * objective (a deviance with its gradient and Hessian) is minimised over
 * every coordinate but a held one, on the box x >= lower, by an active-set
 * Newton iteration; the limit where the profile D_p(u) rises by the cutoff
 * is found by Halley's method on zeta(u) = sqrt(D_p(u) - D_min), which is
 * nearly linear on the log-SD scale, with the exact profile derivatives
 *   D_p' = f_h x_h'  (the envelope theorem), and
 *   D_p'' = (H_hh - H_hI H_II^-1 H_Ih) x_h'^2 + f_h x_h''
 * (I the free coordinates off their bounds). The first trial is the
 * quadratic (Wald-type) prediction from the Hessian at the optimum, the
 * free coordinates follow the conditional-mode line -H_II^-1 H_Ih, and the
 * root is bracketed so that every step stays on its side. A few
 * evaluations per limit.
 *
 * @module
 */

import { backSolveTransposedInPlace, forwardSolveInPlace } from "../linalg/cholesky.ts";
import { scratchCopy, scratchFloat64 } from "../_typed_arrays.ts";
import { type SecondOrder, secondOrder } from "../fit/_jets.ts";
import {
  BoundedNewton,
  type NewtonResult,
  ridgedCholesky,
  type SmoothObjective,
} from "../fit/_bounded_newton.ts";

export type { SmoothObjective } from "../fit/_bounded_newton.ts";

/** The search variable u of the held coordinate: x_h = from(u), with x_h' and x_h''. */
export interface ProfileScale {
  to(x: number): number;
  from(u: number): number;
  d1(u: number): number;
  d2(u: number): number;
}

/** u = log SD: x = e^(2u). */
export const LOG_SD: ProfileScale = {
  to: (x) => 0.5 * Math.log(x),
  from: (u) => Math.exp(2 * u),
  d1: (u) => 2 * Math.exp(2 * u),
  d2: (u) => 4 * Math.exp(2 * u),
};

/** u = SD: x = u^2. */
export const SD: ProfileScale = {
  to: (x) => Math.sqrt(Math.max(x, 0)),
  from: (u) => u * u,
  d1: (u) => 2 * u,
  d2: () => 2,
};

/**
 * u in units of `unit` about `center`: x = center + unit u.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { linearScale } from "./_newton_profile.ts";
 * const scale = linearScale(10, 2);
 * assert.deepEqual([scale.from(1.5), scale.to(13), scale.d1(0), scale.d2(0)], [13, 1.5, 2, 0]);
 * ```
 */
export function linearScale(center: number, unit: number): ProfileScale {
  return {
    to: (x) => (x - center) / unit,
    from: (u) => center + unit * u,
    d1: () => unit,
    d2: () => 0,
  };
}

/** Options of {@linkcode NewtonProfile.limit}. */
export interface LimitOptions {
  /** +1 for the upper limit, -1 for the lower. */
  readonly side: 1 | -1;
  /** Rise of the objective that defines the limit. */
  readonly cutoff: number;
  /** The search variable; without it the coordinate is a variance (see {@linkcode NewtonProfile.limit}). */
  readonly scale?: ProfileScale;
  /**
   * The limit on the other side, when known: with it the first trial is the
   * root of the quadratic through the signed root of the profile at the
   * estimate (slope from the Hessian) and at that limit, not of its tangent.
   */
  readonly other?: number;
  /**
   * The profile is symmetric about the estimate (a fixed effect whose GLS
   * estimate barely depends on the variances): with `other`, start at its
   * mirror image, the free coordinates where that search ended.
   */
  readonly mirror?: boolean;
}

// Inner minimisations stop when the predicted decrease 1/2 g'H^-1 g is below
// this; the last Newton step is then applied to f and f_h through the quadratic
// model, leaving errors of order 1e-12.
const INNER_TOLERANCE = 1e-8;
const MAX_OUTER = 40;
// The outer iteration ends with a Halley step this small in u (its error is of
// the order of its cube), or a Newton step this small (error of its square).
const HALLEY_TOLERANCE = 1e-4;
const NEWTON_TOLERANCE = 1e-7;
// A lower limit of a component below this fraction of its estimate: check 0 itself.
const ZERO_CHECK = 1e-4;
// Search a variance on the SD scale when its quadratic prediction on the log-SD scale
// is further than this from the estimate.
const LOG_SCALE_LIMIT = 3;
// The conditional-mode line moves a free variance by at most this factor.
const PREDICT_FACTOR = 4;
// Give up (limit at infinity) this far from the estimate in u.
const FAR = 60;

/** A conditional minimum: the free set, its factor, and the last (untaken) Newton step. */
type Inner = Pick<NewtonResult, "free" | "chol" | "step" | "decrease">;

/**
 * Profile limits of a smooth objective around its minimum `xHat`, each
 * coordinate bounded below by `lower` (a strict bound where `strict`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { NewtonProfile } from "./_newton_profile.ts";
 * // -2 log L of a normal variance s from n = 10 values with sum of squares 10: n log s + 10 / s,
 * // minimum at s = 1, plus an unrelated (x - 1)^2 that the profile minimises away.
 * const n = 10;
 * const profile = new NewtonProfile({
 *   size: 2,
 *   evaluate(p, out) {
 *     const [s, x] = p;
 *     out.f = n * Math.log(s) + 10 / s + (x - 1) ** 2;
 *     out.g.set([n / s - 10 / (s * s), 2 * (x - 1)]);
 *     out.H.set([-n / (s * s) + 20 / s ** 3, 0, 0, 2]);
 *     return true;
 *   },
 * }, new Float64Array([1, 1]), { lower: new Float64Array([0, -Infinity]), strict: [true, false] });
 * const cutoff = 3.841458820694124; // R: qchisq(0.95, 1)
 * for (const side of [1, -1] as const) {
 *   const s = profile.limit(0, { side, cutoff });
 *   assert.ok(Math.abs(n * Math.log(s) + 10 / s - n - cutoff) < 1e-9);
 *   assert.ok(side > 0 ? s > 1 : s < 1);
 * }
 * ```
 */
export class NewtonProfile {
  readonly #newton: BoundedNewton;
  readonly #xHat: Float64Array;
  readonly #hat: SecondOrder;
  /** The objective at its minimum. */
  readonly fMin: number;
  /** Where the last successful search ended. */
  #last: { held: number; x: Float64Array } | null = null;

  constructor(
    objective: SmoothObjective,
    xHat: Float64Array,
    bounds: { lower: Float64Array; strict: readonly boolean[] },
  ) {
    this.#newton = new BoundedNewton(objective, bounds);
    this.#xHat = scratchCopy(xHat);
    this.#hat = secondOrder(xHat.length);
    if (!this.#newton.evaluate(this.#xHat, this.#hat)) {
      throw new RangeError("the objective is undefined at the estimates");
    }
    this.fMin = this.#hat.f;
  }

  /** Objective evaluations so far. */
  get evaluations(): number {
    return this.#newton.evaluations;
  }

  /**
   * The limit of coordinate `held` on `options.side`: where the profile of
   * the objective rises by `options.cutoff` above its minimum. Without
   * `options.scale` the coordinate is a variance, searched on the log-SD
   * scale, or on the SD scale from a zero or near-zero estimate (whose
   * quadratic prediction on the log scale is more than a factor e^3 away); a
   * variance whose profile stays below the cutoff down to 0 has lower limit
   * 0 (lme4). A profile that never reaches the cutoff gives +-Infinity.
   * NaN when the iteration fails (the caller falls back to another method).
   */
  limit(held: number, options: LimitOptions): number {
    const { side, cutoff } = options, z = Math.sqrt(cutoff), xHat = this.#xHat;
    const inner = this.#innerAt(this.#hat, held);
    const variance = options.scale === undefined,
      canBeZero = variance && !this.#newton.strict[held];
    let scale = options.scale ?? LOG_SD, first = this.#firstStep(held, { scale, inner, z });
    if (variance && (!(xHat[held] > 0) || !(first <= LOG_SCALE_LIMIT))) {
      scale = SD;
      first = this.#firstStep(held, { scale, inner, z });
    }
    if (side < 0 && canBeZero && !(xHat[held] > 0)) return 0;
    if (!(first > 0)) return NaN;
    const uHat = scale.to(xHat[held]), x = scratchCopy(xHat);
    let far = side * Infinity;
    if (side < 0 && scale === SD) {
      // The SD scale ends at 0: the limit is 0 when the profile there is below the cutoff.
      if (canBeZero) {
        const f0 = this.#conditionalAt(scratchCopy(xHat), held, { inner, value: 0 });
        if (Number.isNaN(f0)) return NaN;
        if (f0 - this.fMin <= cutoff) return 0;
      }
      far = 0;
    }
    const { other, mirror } = options, previous = this.#last;
    const mirrored = mirror && other !== undefined && previous?.held === held &&
      Number.isFinite(other);
    let u = mirrored
      ? 2 * uHat - scale.to(other)
      : uHat + side * hintedStep({ first, z, side, other, scale, uHat });
    if ((u - far) * side >= 0) u = 0.5 * (uHat + far);
    if (mirrored) x.set(previous.x);
    else this.#predict(x, held, { inner, at: this.#hat, move: scale.from(u) - xHat[held] });
    const search = { scale, side, z, u, near: uHat, far, x, first };
    const found = this.#search(held, search);
    if (typeof found === "number") return found;
    // Heading for 0 on the log scale: 0 when the profile at 0 is below the cutoff, else
    // between 0 and the last point below it, on the SD scale.
    const f0 = this.#conditionalAt(scratchCopy(found.x), held, { inner: null, value: 0 });
    if (Number.isNaN(f0)) return NaN;
    if (f0 - this.fMin <= cutoff) return 0;
    const near = Math.sqrt(scale.from(found.near));
    const last = { ...search, scale: SD, u: 0.5 * near, near, far: 0, x: found.x, first: near };
    return this.#search(held, last) as number;
  }

  /** The free set and its factor at a point where f, g and H are `at`. */
  #innerAt(at: SecondOrder, held: number): Inner {
    const free = this.#newton.freeSet(this.#xHat, held, at.g);
    const chol = ridgedCholesky(at.H, free, { n: this.#xHat.length });
    return { free, chol, step: scratchFloat64(free.length), decrease: 0 };
  }

  /** The quadratic prediction of the limit's distance from the estimate in u (NaN if none). */
  #firstStep(held: number, at: { scale: ProfileScale; inner: Inner; z: number }): number {
    const { scale, inner, z } = at, hat = this.#hat, uHat = scale.to(this.#xHat[held]);
    const j1 = scale.d1(uHat);
    const curvature = j1 * j1 * schur(hat, held, inner) + hat.g[held] * scale.d2(uHat);
    return curvature > 0 ? z / Math.sqrt(curvature / 2) : NaN;
  }

  /** The profile at x_h = `value`, from x (moved there along the conditional-mode line). */
  #conditionalAt(
    x: Float64Array,
    held: number,
    to: { inner: Inner | null; value: number },
  ): number {
    if (to.inner) {
      this.#predict(x, held, { inner: to.inner, at: this.#hat, move: to.value - x[held] });
    }
    x[held] = to.value;
    const inner = this.#conditional(x, held);
    return inner ? this.#newton.current.f - inner.decrease : NaN;
  }

  /**
   * Halley iteration on zeta(u) = z from `at.u`, each point minimised over
   * the free coordinates, the root bracketed by `near` (zeta < z) and `far`.
   * Returns the limit, or where it gave up heading for 0 on the log-SD scale.
   */
  #search(
    held: number,
    at: {
      scale: ProfileScale;
      side: 1 | -1;
      z: number;
      u: number;
      near: number;
      far: number;
      x: Float64Array;
      /** The first step's length: the least expansion while the far end is open. */
      first: number;
    },
  ): number | { near: number; x: Float64Array } {
    const { scale, side, z, x } = at, uHat = scale.to(this.#xHat[held]);
    const towardZero = side < 0 && scale === LOG_SD && this.#newton.lower[held] === 0 &&
      !this.#newton.strict[held];
    let { u, near, far } = at;
    for (let iter = 0; iter < MAX_OUTER; iter++) {
      x[held] = scale.from(u);
      const inner = this.#conditional(x, held);
      if (!inner) return NaN;
      // f and f_h at the minimum, through the last (untaken) Newton step.
      const cur = this.#newton.current, n = x.length;
      let gh = cur.g[held];
      inner.free.forEach((k, i) => gh += cur.H[held * n + k] * inner.step[i]);
      const zeta = Math.sqrt(Math.max(cur.f - inner.decrease - this.fMin, 0)), F = zeta - z;
      if (F < 0) near = u;
      else far = u;
      const { step, halley } = halleyStep({ F, zeta, gh, S: schur(cur, held, inner), u, scale });
      const tolerance = halley ? HALLEY_TOLERANCE : NEWTON_TOLERANCE;
      if (Math.abs(step) <= tolerance * Math.max(1, Math.abs(u))) {
        this.#last = { held, x: scratchCopy(x) };
        return scale.from(u + step);
      }
      let next = u + step;
      const inside = (next - near) * side > 0 && (!Number.isFinite(far) || (far - next) * side > 0);
      if (!inside) {
        next = Number.isFinite(far)
          ? 0.5 * (near + far)
          : near + side * Math.max(2 * Math.abs(near - uHat), at.first);
      }
      if (!Number.isFinite(far)) {
        if (towardZero && scale.from(next) < ZERO_CHECK * this.#xHat[held]) return { near, x };
        if (Math.abs(next - uHat) > FAR) return side * Infinity;
      }
      this.#predict(x, held, { inner, at: cur, move: scale.from(next) - x[held] });
      u = next;
    }
    return NaN;
  }

  /** Moves the free coordinates along the conditional-mode line for a change `move` of x_h. */
  #predict(
    x: Float64Array,
    held: number,
    by: { inner: Inner; at: SecondOrder; move: number },
  ): void {
    const { inner, at, move } = by, n = x.length, m = inner.free.length;
    const slope = scratch(n), { lower, strict } = this.#newton;
    for (let i = 0; i < m; i++) slope[i] = -at.H[inner.free[i] * n + held];
    forwardSolveInPlace(inner.chol, m, slope);
    backSolveTransposedInPlace(inner.chol, m, slope);
    for (let i = 0; i < m; i++) {
      const k = inner.free[i], bound = lower[k];
      let v = x[k] + slope[i] * move;
      // A variance is moved by at most a factor PREDICT_FACTOR: the line is a local guess.
      if (bound === 0) v = Math.min(v, PREDICT_FACTOR * x[k]);
      x[k] = v > bound ? v : strict[k] ? x[k] / PREDICT_FACTOR : bound;
    }
  }

  /** The minimum over every coordinate but `held`, from x (overwritten); null if it fails. */
  #conditional(x: Float64Array, held: number): Inner | null {
    const result = this.#newton.minimize(x, { held, decrease: INNER_TOLERANCE });
    return result?.converged ? result : null;
  }
}

/**
 * Halley's step for zeta(u) - z from the profile's value and exact
 * derivatives, or Newton's where Halley's correction is large (NaN if
 * zeta is flat).
 */
function halleyStep(
  at: { F: number; zeta: number; gh: number; S: number; u: number; scale: ProfileScale },
): { step: number; halley: boolean } {
  const { F, zeta, gh, S, u, scale } = at;
  const j1 = scale.d1(u), d1 = gh * j1, d2 = j1 * j1 * S + gh * scale.d2(u);
  if (!(zeta > 0) || d1 === 0) return { step: NaN, halley: false };
  const F1 = d1 / (2 * zeta), F2 = (d2 - 2 * F1 * F1) / (2 * zeta);
  const newton = -F / F1, h = 1 - (F * F2) / (2 * F1 * F1);
  const halley = h > 0.5 && h < 2;
  return { step: halley ? newton / h : newton, halley };
}

/**
 * The first trial's distance from the estimate: z / a for the tangent
 * r = a (u - uHat) of the signed root r of the profile (a = z / first), or,
 * knowing the other limit u_o (where r = -side z), the root of
 * r = a D + b D^2 through it.
 */
function hintedStep(
  at: { first: number; z: number; side: 1 | -1; other?: number; scale: ProfileScale; uHat: number },
): number {
  const { first, z, side, other, scale, uHat } = at;
  const Do = other === undefined ? NaN : scale.to(other) - uHat;
  if (!(Number.isFinite(Do) && Do * side < 0)) return first;
  const a = z / first, b = (-side * z - a * Do) / (Do * Do), disc = a * a + 4 * b * side * z;
  if (b === 0 || !(disc >= 0)) return first;
  // The root of b D^2 + a D - side z on this side, nearest the estimate.
  const roots = [(-a + Math.sqrt(disc)) / (2 * b), (-a - Math.sqrt(disc)) / (2 * b)];
  const mine = roots.filter((r) => r * side > 0).map(Math.abs);
  return mine.length > 0 ? Math.min(...mine) : first;
}

/** H_hh - H_hI H_II^-1 H_Ih: the profile's curvature in x_h. */
function schur(at: SecondOrder, held: number, inner: Inner): number {
  const n = at.g.length, m = inner.free.length, w = scratch(n);
  for (let i = 0; i < m; i++) w[i] = at.H[inner.free[i] * n + held];
  forwardSolveInPlace(inner.chol, m, w);
  let s = at.H[held * n + held];
  for (let i = 0; i < m; i++) s -= w[i] * w[i];
  return s;
}

let scratchBuffer = new Float64Array(8);
/** A shared work array of at least n numbers (its contents are the caller's until it returns). */
function scratch(n: number): Float64Array {
  if (scratchBuffer.length < n) scratchBuffer = new Float64Array(2 * n);
  return scratchBuffer;
}
