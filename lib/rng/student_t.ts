/**
 * Student-t variates, raw and scaled to unit variance.
 *
 * @module
 */

import type { RandomStream } from "./stream.ts";
import { chiSquare } from "./gamma.ts";

/**
 * A Student-t variate with `df` degrees of freedom: Z / sqrt(X / df) with Z
 * standard normal and X chi-square(df) ({@linkcode chiSquare}, Marsaglia &
 * Tsang 2000 gamma). Draws Z first, then X.
 *
 * Cost: one normal plus one gamma variate.
 *
 * @param df Degrees of freedom, a finite number > 0.
 * @throws {RangeError} if `df` is not a finite number > 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { studentT } from "./student_t.ts";
 * import { seedrandomStream } from "./seedrandom_stream.ts";
 * assert.ok(Number.isFinite(studentT(seedrandomStream("t"), 3)));
 * ```
 */
export function studentT(stream: RandomStream, df: number): number {
  if (!(df > 0) || !Number.isFinite(df)) {
    throw new RangeError(`degrees of freedom of Student-t must be a finite number > 0, got ${df}`);
  }
  const z = stream.normal();
  return z / Math.sqrt(chiSquare(stream, df) / df);
}

/**
 * A Student-t variate scaled to mean 0 and variance 1:
 * T * sqrt((df - 2) / df), since Var(T) = df / (df - 2). Excess kurtosis is
 * 6 / (df - 4) for df > 4 (infinite for 2 < df <= 4).
 *
 * Cost: as {@linkcode studentT}.
 *
 * @param df Degrees of freedom, a finite number > 2 (the variance must exist).
 * @throws {RangeError} if `df` is not a finite number > 2.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { standardizedT } from "./student_t.ts";
 * import { seedrandomStream } from "./seedrandom_stream.ts";
 * assert.ok(Number.isFinite(standardizedT(seedrandomStream("t"), 5)));
 * assert.throws(() => standardizedT(seedrandomStream("t"), 2), RangeError);
 * ```
 */
export function standardizedT(stream: RandomStream, df: number): number {
  if (!(df > 2) || !Number.isFinite(df)) {
    throw new RangeError(
      `unit-variance Student-t needs finite degrees of freedom > 2, got ${df}`,
    );
  }
  return studentT(stream, df) * Math.sqrt((df - 2) / df);
}
