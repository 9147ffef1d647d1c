/**
 * A right-skewed variate with mean 0 and variance 1.
 *
 * @module
 */

import type { RandomStream } from "./stream.ts";
import { chiSquare } from "./gamma.ts";

/**
 * A standardised chi-square variate (X - df) / sqrt(2 df) with X
 * chi-square(df) ({@linkcode chiSquare}): mean 0, variance 1, skewness
 * sqrt(8 / df), excess kurtosis 12 / df. Small df gives strong right skew;
 * large df approaches the normal.
 *
 * Cost: one gamma variate (Marsaglia & Tsang 2000).
 *
 * @param df Degrees of freedom, a finite number > 0.
 * @throws {RangeError} if `df` is not a finite number > 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { standardizedChiSquare } from "./standardized_chi_square.ts";
 * import { seedrandomStream } from "./seedrandom_stream.ts";
 * const x = standardizedChiSquare(seedrandomStream("s"), 4);
 * assert.ok(x >= -Math.sqrt(2)); // (0 - 4) / sqrt(8)
 * ```
 */
export function standardizedChiSquare(stream: RandomStream, df: number): number {
  if (!(df > 0) || !Number.isFinite(df)) {
    throw new RangeError(
      `degrees of freedom of the standardised chi-square must be a finite number > 0, got ${df}`,
    );
  }
  return (chiSquare(stream, df) - df) / Math.sqrt(2 * df);
}
