/**
 * Unit-variance distributions for random effects and errors, described by a
 * small spec so study conditions can name them.
 *
 * @module
 */

import type { RandomStream } from "./stream.ts";
import { standardizedT } from "./student_t.ts";
import { standardizedChiSquare } from "./standardized_chi_square.ts";

/**
 * A distribution with mean 0 and variance 1:
 *
 * - `{ kind: "normal" }`: the standard normal;
 * - `{ kind: "t", df }`: Student-t with df > 2, scaled to unit variance
 *   ({@linkcode standardizedT}): symmetric, heavy tails;
 * - `{ kind: "skewed", df }`: standardised chi-square with df > 0
 *   ({@linkcode standardizedChiSquare}): skewness sqrt(8 / df).
 *
 * Multiply a draw by an SD to get that SD.
 */
export type DistributionSpec =
  | { readonly kind: "normal" }
  | { readonly kind: "t"; readonly df: number }
  | { readonly kind: "skewed"; readonly df: number };

/** Options of {@linkcode checkDistribution}. */
export interface CheckDistributionOptions {
  /**
   * What the spec is for, used in error messages (e.g. `"errorDist"`).
   *
   * @default "distribution"
   */
  name?: string;
}

const KINDS = `"normal", "t" or "skewed"`;

/**
 * Validates a distribution spec and returns a normalised copy.
 *
 * Cost: O(1).
 *
 * @throws {TypeError} if `spec` is not an object or its `kind` is unknown.
 * @throws {RangeError} if `df` is not finite or not above its bound (2 for
 *   `t`, 0 for `skewed`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { checkDistribution } from "./distribution.ts";
 * assert.deepEqual(checkDistribution({ kind: "t", df: 5 }), { kind: "t", df: 5 });
 * assert.throws(() => checkDistribution({ kind: "t", df: 1 }), RangeError);
 * assert.throws(() => checkDistribution({ kind: "cauchy" }), TypeError);
 * ```
 */
export function checkDistribution(
  spec: unknown,
  options: CheckDistributionOptions = {},
): DistributionSpec {
  const name = options.name ?? "distribution";
  if (typeof spec !== "object" || spec === null) {
    throw new TypeError(
      `${name} must be an object such as { kind: "normal" }, got ${String(spec)}`,
    );
  }
  const { kind, df } = spec as { kind?: unknown; df?: unknown };
  switch (kind) {
    case "normal":
      return { kind: "normal" };
    case "t":
      if (typeof df !== "number" || !Number.isFinite(df) || !(df > 2)) {
        throw new RangeError(
          `${name}: the t distribution needs finite df > 2 (unit variance), got ${String(df)}`,
        );
      }
      return { kind: "t", df };
    case "skewed":
      if (typeof df !== "number" || !Number.isFinite(df) || !(df > 0)) {
        throw new RangeError(
          `${name}: the skewed (standardised chi-square) distribution needs finite df > 0, got ${
            String(df)
          }`,
        );
      }
      return { kind: "skewed", df };
    default:
      throw new TypeError(
        `${name}: unknown distribution kind ${
          JSON.stringify(kind) ?? String(kind)
        }; expected ${KINDS}`,
      );
  }
}

/**
 * One variate with mean 0 and variance 1 from the distribution `spec`.
 *
 * Cost: one normal; or one normal and one gamma variate.
 *
 * @throws {TypeError} if the kind is unknown; {RangeError} if df is out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { drawVariate } from "./distribution.ts";
 * import { seedrandomStream } from "./seedrandom_stream.ts";
 * const s = seedrandomStream("d");
 * assert.ok(Number.isFinite(drawVariate(s, { kind: "skewed", df: 4 })));
 * ```
 */
export function drawVariate(stream: RandomStream, spec: DistributionSpec): number {
  switch (spec.kind) {
    case "normal":
      return stream.normal();
    case "t":
      return standardizedT(stream, spec.df);
    case "skewed":
      return standardizedChiSquare(stream, spec.df);
    default:
      // Only untyped callers get here; checkDistribution throws the TypeError naming the kind.
      checkDistribution(spec);
      throw new TypeError(`unknown distribution spec ${JSON.stringify(spec)}`);
  }
}

/**
 * A function drawing unit-variance variates from `spec` on `stream`,
 * validated once; the same draws as repeated {@linkcode drawVariate} calls.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { distributionSampler } from "./distribution.ts";
 * import { seedrandomStream } from "./seedrandom_stream.ts";
 * const draw = distributionSampler(seedrandomStream("d"), { kind: "t", df: 6 });
 * assert.ok(Number.isFinite(draw()));
 * ```
 */
export function distributionSampler(
  stream: RandomStream,
  spec: DistributionSpec,
): () => number {
  const s = checkDistribution(spec);
  switch (s.kind) {
    case "normal":
      return () => stream.normal();
    case "t": {
      const df = s.df;
      return () => standardizedT(stream, df);
    }
    case "skewed": {
      const df = s.df;
      return () => standardizedChiSquare(stream, df);
    }
  }
}

/**
 * Parses the text form `normal`, `t:DF` or `skewed:DF` (as on the command
 * line) into a validated spec.
 *
 * @throws {TypeError} if the text has an unknown kind or no number where one
 *   is expected; {RangeError} if df is out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseDistribution } from "./distribution.ts";
 * assert.deepEqual(parseDistribution("t:5"), { kind: "t", df: 5 });
 * assert.deepEqual(parseDistribution("normal"), { kind: "normal" });
 * ```
 */
export function parseDistribution(
  text: string,
  options: CheckDistributionOptions = {},
): DistributionSpec {
  const name = options.name ?? "distribution";
  const m = /^\s*([A-Za-z]+)\s*(?::\s*(\S+)\s*)?$/.exec(text);
  if (m === null) {
    throw new TypeError(
      `${name}: cannot read "${text}"; expected normal, t:DF or skewed:DF`,
    );
  }
  const kind = m[1].toLowerCase();
  if (kind === "normal") {
    if (m[2] !== undefined) {
      throw new TypeError(`${name}: "${text}" has a df but the normal takes none`);
    }
    return { kind: "normal" };
  }
  if (kind !== "t" && kind !== "skewed") {
    throw new TypeError(`${name}: unknown distribution kind "${m[1]}"; expected ${KINDS}`);
  }
  const df = m[2] === undefined ? Number.NaN : Number(m[2]);
  if (Number.isNaN(df)) {
    throw new TypeError(`${name}: "${text}" needs a number of degrees of freedom, as ${kind}:5`);
  }
  return checkDistribution({ kind, df }, { name });
}

/**
 * The text form of a spec (`normal`, `t:5`, `skewed:4`), the inverse of
 * {@linkcode parseDistribution}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { formatDistribution } from "./distribution.ts";
 * assert.equal(formatDistribution({ kind: "skewed", df: 4 }), "skewed:4");
 * ```
 */
export function formatDistribution(spec: DistributionSpec): string {
  return spec.kind === "normal" ? "normal" : `${spec.kind}:${spec.df}`;
}

/**
 * Theoretical skewness and excess kurtosis of a spec (variance is 1):
 * normal 0 and 0; t(df) 0 and 6 / (df - 4) (Infinity for df <= 4);
 * standardised chi-square(df) sqrt(8 / df) and 12 / df.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { distributionMoments } from "./distribution.ts";
 * assert.deepEqual(distributionMoments({ kind: "skewed", df: 8 }), { skewness: 1, excessKurtosis: 1.5 });
 * ```
 */
export function distributionMoments(
  spec: DistributionSpec,
): { skewness: number; excessKurtosis: number } {
  const s = checkDistribution(spec);
  switch (s.kind) {
    case "normal":
      return { skewness: 0, excessKurtosis: 0 };
    case "t":
      return { skewness: 0, excessKurtosis: s.df > 4 ? 6 / (s.df - 4) : Infinity };
    case "skewed":
      return { skewness: Math.sqrt(8 / s.df), excessKurtosis: 12 / s.df };
  }
}
