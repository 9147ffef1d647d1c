/**
 * Student's t distribution, for t and Satterthwaite intervals of fixed
 * effects and variance components.
 *
 * @module
 */

import { regularizedBeta } from "./incomplete_beta.ts";
import { invertTails } from "./_invert.ts";
import { normalCdf, normalQuantile } from "./normal.ts";

/**
 * P(T <= t) for T ~ t with `df` > 0 degrees of freedom (Infinity: normal),
 * via the regularised incomplete beta function; the lower tail is accurate
 * in relative terms.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { tCdf } from "./student_t.ts";
 * const close = (got: number, want: number) => Math.abs(got - want) <= 1e-13 * Math.abs(want);
 * assert.ok(close(tCdf(2.1, 7), 0.96306440189353870)); // R: pt(2.1, 7)
 * assert.ok(close(tCdf(-2.1, 7), 0.036935598106461298)); // R: pt(-2.1, 7)
 * assert.ok(close(tCdf(-40, 3), 1.7190340394579270e-5)); // R: pt(-40, 3)
 * assert.equal(tCdf(0, 4), 0.5);
 * ```
 */
export function tCdf(t: number, df: number): number {
  if (!(df > 0) || Number.isNaN(t)) return NaN;
  if (df === Infinity) return normalCdf(t);
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t < 0 ? tail : 1 - tail;
}

/**
 * The p-quantile of t with `df` degrees of freedom.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { tQuantile } from "./student_t.ts";
 * assert.ok(Math.abs(tQuantile(0.975, 4) - 2.7764451051977987) < 1e-12);
 * ```
 */
export function tQuantile(p: number, df: number): number {
  if (!(df > 0)) return NaN;
  if (df === Infinity) return normalQuantile(p);
  if (p === 0.5) return 0;
  // Symmetric: solve in the lower tail, where the relative precision is.
  const upper = p > 0.5;
  const q = upper ? 1 - p : p;
  const tail = (t: number) => 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  const x = invertTails(
    {
      lower: (t) => (t <= 0 ? tail(t) : 1 - tail(t)),
      upper: (t) => (t >= 0 ? tail(t) : 1 - tail(t)),
      min: -Infinity,
    },
    q,
    Math.min(normalQuantile(q), -1e-3),
  );
  return upper ? -x : x;
}
