/**
 * Parametric bootstrap percentile intervals: simulate responses from the
 * fitted model, refit each by the same method, and take the empirical
 * alpha/2 and 1 - alpha/2 quantiles of the refitted estimates
 * (ALGORITHMS.md section 4; Davison & Hinkley 1997, section 5.2).
 *
 * @module
 */

import type { ModelFrame } from "../model/frame.ts";
import { type CrossProducts, crossProducts, withResponse } from "../model/cross_products.ts";
import { fitVarComp, type VarCompFit } from "../fit/fit.ts";
import type { RandomStream } from "../rng/stream.ts";
import { _responseSimulator } from "./_simulate_response.ts";

/** Options of {@linkcode bootstrapIntervals}. */
export interface BootstrapOptions {
  /** The stream the simulated responses are drawn from. */
  stream: RandomStream;
  /**
   * Number of bootstrap refits B.
   * @default 999
   */
  replicates?: number;
  /**
   * Confidence level.
   * @default 0.95
   */
  level?: number;
  /** Cross-products of the frame when the caller already has them. */
  crossProducts?: CrossProducts;
}

/** Percentile limits of every parameter, and how many refits were usable. */
export interface BootstrapResult {
  /** Limits by parameter name: term names, `Residual`, fixed-effect names. */
  readonly limits: Readonly<Record<string, { lower: number; upper: number }>>;
  /** Refits that returned estimates. */
  readonly used: number;
  /** Refits that threw (excluded). */
  readonly failed: number;
}

/**
 * Type-7 quantile (R's default; Hyndman & Fan 1996) of values sorted
 * ascending, for q in [0, 1]: linear interpolation between order
 * statistics at (n - 1) q. O(1).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sortedQuantile } from "./bootstrap.ts";
 * const sorted = new Float64Array([1, 2, 4, 8, 16]);
 * // R: quantile(c(1, 2, 4, 8, 16), c(0, 0.3, 0.5, 0.9, 1)) is 1, 2.4, 4, 12.8, 16
 * const q = [0, 0.3, 0.5, 0.9, 1].map((p) => sortedQuantile(sorted, p));
 * assert.deepEqual(q, [1, 2.4, 4, 12.8, 16]);
 * ```
 */
export function sortedQuantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q, lo = Math.floor(h);
  return lo + 1 < sorted.length
    ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo])
    : sorted[lo];
}

/**
 * Parametric bootstrap of `fit`: y* = X beta + sum_k sigma_k b_k + sigma e
 * with standard normal b_k and e drawn from `options.stream` in that order, B
 * times. Negative ANOVA estimates simulate as 0. Reproducible: the same
 * stream state gives the same intervals.
 *
 * Cost: B refits (only the response's cross-products are recomputed).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fitVarComp } from "../fit/fit.ts";
 * import { bootstrapIntervals } from "./bootstrap.ts";
 * let state = 1;
 * const uniform = () => ((state = (state * 48271) % 2147483647) / 2147483647);
 * const stream = {
 *   uniform,
 *   uint32: () => Math.floor(uniform() * 2 ** 32),
 *   normal: () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()),
 * };
 * const frame = {
 *   response: "y",
 *   y: new Float64Array([1, 2, 5, 6, 2, 4, 3, 3]),
 *   X: new Float64Array(8).fill(1),
 *   fixedNames: ["(Intercept)"],
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2, 3, 3]), levels: ["a", "b", "c", "d"] }],
 *   droppedRows: 0,
 * };
 * const r = bootstrapIntervals(frame, fitVarComp(frame), { stream, replicates: 99 });
 * assert.equal(r.used + r.failed, 99);
 * assert.ok(r.limits.Residual.lower < r.limits.Residual.upper);
 * ```
 */
export function bootstrapIntervals(
  frame: ModelFrame,
  fit: VarCompFit,
  options: BootstrapOptions,
): BootstrapResult {
  const { stream } = options;
  const B = options.replicates ?? 999;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(B) || B < 1) {
    throw new RangeError(`bootstrap replicates must be a positive integer, got ${B}`);
  }
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  const cp = options.crossProducts ?? crossProducts(frame);
  const method = fit.method === "REML" ? "reml" : fit.method === "ML" ? "ml" : "anova";
  const simulate = _responseSimulator(frame, fit);
  const names = [...frame.terms.map((t) => t.name), "Residual", ...frame.fixedNames];
  const draws = names.map(() => new Float64Array(B));
  let used = 0, failed = 0;
  for (let rep = 0; rep < B; rep++) {
    const y = simulate(stream);
    try {
      const star = { ...frame, y };
      const refit = fitVarComp(star, { method, crossProducts: withResponse(cp, { frame, y }) });
      names.forEach((name, j) => {
        draws[j][used] = j <= frame.terms.length
          ? refit.variances[name]
          : refit.fixed[j - frame.terms.length - 1].estimate;
      });
      used++;
    } catch {
      failed++;
    }
  }
  const alpha = 1 - level;
  const limits: Record<string, { lower: number; upper: number }> = {};
  if (used > 0) {
    names.forEach((name, j) => {
      const sorted = draws[j].slice(0, used).sort();
      limits[name] = {
        lower: sortedQuantile(sorted, alpha / 2),
        upper: sortedQuantile(sorted, 1 - alpha / 2),
      };
    });
  }
  return { limits, used, failed };
}
