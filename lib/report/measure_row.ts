/**
 * The tidy result of a study report: one value, with its Monte Carlo SE, of
 * one performance measure for one condition x method x parameter (and
 * interval method, for interval measures, or test, for test measures). Measures follow Morris, White &
 * Crowther (2019), Table 6 (ALGORITHMS.md section 5).
 *
 * @module
 */

/** Measures of an estimator (interval is null on these rows). */
export const ESTIMATOR_MEASURES = [
  "attempted",
  "used",
  "failure_rate",
  "nonconvergence_rate",
  "boundary_rate",
  "mean",
  "bias",
  "relative_bias",
  "empirical_se",
  "model_se",
  "relative_error_model_se",
  "mse",
  "rmse",
] as const;

/** Measures of an interval method (interval names the method). */
export const INTERVAL_MEASURES = [
  "coverage",
  "coverage_defined",
  "bias_eliminated_coverage",
  "mean_width",
  "miss_below",
  "miss_above",
  "undefined_rate",
  "defined",
] as const;

/**
 * Measures of a test that a variance component is 0 (test names it,
 * interval is null): `rejection`, the share of the ok tests that reject,
 * with MCSE sqrt(p(1 - p)/n); `tested`, their number n; `rejections`, how
 * many rejected; `not_ok_rate`, the share of attempted replicates without
 * an ok test (its status undefined, not-applicable or failed, or no test
 * because the replicate or fit failed or the fit was excluded).
 */
export const TEST_MEASURES = ["rejection", "tested", "rejections", "not_ok_rate"] as const;

/**
 * What a test's rejection rate estimates: its `size` when the parameter's
 * true value is 0 (the null hypothesis holds), its `power` otherwise.
 */
export type RejectionKind = "size" | "power";

/**
 * The {@linkcode RejectionKind} of a test of a parameter whose true value
 * is `truth`: `size` for 0, `power` for any other value, null when the
 * study gives no true value.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rejectionKind } from "./measure_row.ts";
 * assert.deepEqual([0, 0.25, null].map(rejectionKind), ["size", "power", null]);
 * ```
 */
export function rejectionKind(truth: number | null): RejectionKind | null {
  return truth === null ? null : truth === 0 ? "size" : "power";
}

/**
 * What the measures do with the estimates and intervals of non-converged
 * fits (fit status `nonconverged`, estimates kept): `use` them like any
 * other, or `exclude` them (attempted but not used, like failures). Either
 * way `nonconvergence_rate` counts them.
 */
export type NonconvergedRule = "use" | "exclude";

/** A measure's name. */
export type MeasureName =
  | typeof ESTIMATOR_MEASURES[number]
  | typeof INTERVAL_MEASURES[number]
  | typeof TEST_MEASURES[number];

/** One measure of one condition x method x parameter (x interval method). */
export interface MeasureRow {
  /** The condition key as stored, e.g. `n_group1=5;group1_sd=2`. */
  readonly condition: string;
  /** Estimation method: `REML`, `ML` or `ANOVA`. */
  readonly method: string;
  /** Variance name (`group1`, `Residual`) or fixed-effect name. */
  readonly parameter: string;
  /** Interval method for interval measures; null for estimator and test measures. */
  readonly interval: string | null;
  /** The test, on test measures ({@linkcode TEST_MEASURES}) only: absent on the others. */
  readonly test?: string;
  /** On test measures only: the parameter's true value; null when the study gives none. */
  readonly truth?: number | null;
  /** On test measures only: `size` when the true value is 0, else `power`; null without one. */
  readonly kind?: RejectionKind | null;
  readonly measure: MeasureName;
  /** The value; null when undefined (e.g. no usable replicate, no true value). */
  readonly value: number | null;
  /** Its Monte Carlo standard error; null for counts and when undefined. */
  readonly mcse: number | null;
}
