/**
 * The tidy result of a study report: one value, with its Monte Carlo SE, of
 * one performance measure for one condition x method x parameter (and
 * interval method, for interval measures). Measures follow Morris, White &
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
 * What the measures do with the estimates and intervals of non-converged
 * fits (fit status `nonconverged`, estimates kept): `use` them like any
 * other, or `exclude` them (attempted but not used, like failures). Either
 * way `nonconvergence_rate` counts them.
 */
export type NonconvergedRule = "use" | "exclude";

/** A measure's name. */
export type MeasureName =
  | typeof ESTIMATOR_MEASURES[number]
  | typeof INTERVAL_MEASURES[number];

/** One measure of one condition x method x parameter (x interval method). */
export interface MeasureRow {
  /** The condition key as stored, e.g. `n_group1=5;group1_sd=2`. */
  readonly condition: string;
  /** Estimation method: `REML`, `ML` or `ANOVA`. */
  readonly method: string;
  /** Variance name (`group1`, `Residual`) or fixed-effect name. */
  readonly parameter: string;
  /** Interval method for interval measures; null for estimator measures. */
  readonly interval: string | null;
  readonly measure: MeasureName;
  /** The value; null when undefined (e.g. no usable replicate, no true value). */
  readonly value: number | null;
  /** Its Monte Carlo standard error; null for counts and when undefined. */
  readonly mcse: number | null;
}
