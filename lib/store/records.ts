/**
 * What a study stores for every replicate: the rows the runner produces and
 * the store persists. Plain data, so it crosses worker boundaries as is.
 *
 * @module
 */

/** Outcome of an interval computation. */
export type IntervalStatus = "ok" | "undefined" | "not-applicable" | "failed";

/** One confidence interval of one parameter. */
export interface IntervalRecord {
  /** Interval method, e.g. `wald`, `profile`. */
  readonly interval: string;
  /** Lower limit; null unless status is `ok`. */
  readonly lower: number | null;
  /** Upper limit; null unless status is `ok`. */
  readonly upper: number | null;
  readonly status: IntervalStatus;
}

/** Outcome of a hypothesis test. */
export type TestStatus = "ok" | "undefined" | "not-applicable" | "failed";

/** One test that a variance component is 0, for one parameter of one fit. */
export interface TestRecord {
  /** Test name, e.g. `lrt`, `rlrt-exact`, `f`. */
  readonly test: string;
  /** The test statistic; null unless status is `ok`. */
  readonly statistic: number | null;
  /** The p-value, in [0, 1]; null unless status is `ok`. */
  readonly pValue: number | null;
  /** Whether the test rejects at the study's `alpha` (p-value <= alpha); null unless `ok`. */
  readonly reject: boolean | null;
  readonly status: TestStatus;
}

/** One estimated parameter of one fit. */
export interface ParameterRecord {
  /** Variance names as the fit reports them (`group1`, `Residual`) or fixed-effect names. */
  readonly parameter: string;
  /** The data-generating value; null when the study defines none. */
  readonly truth: number | null;
  /** The estimate; null when the fit failed. */
  readonly estimate: number | null;
  /** Model-based standard error; null when not available. */
  readonly se: number | null;
  readonly intervals: readonly IntervalRecord[];
  /**
   * Tests that this variance component is 0, one per test of the study;
   * absent when the study has no tests (and for fixed effects and the
   * residual, which are not tested).
   */
  readonly tests?: readonly TestRecord[];
}

/** One estimation method applied to one replicate's dataset. */
export interface FitRecord {
  /** `REML`, `ML` or `ANOVA`. */
  readonly method: string;
  /** `ok`, `nonconverged` (estimates kept) or `error` (no estimates). */
  readonly status: "ok" | "nonconverged" | "error";
  readonly converged: boolean;
  /** Boundary fit (lme4 isSingular) or, for ANOVA, a negative estimate. */
  readonly singular: boolean;
  readonly evaluations: number;
  /** Milliseconds for the fit and its intervals. */
  readonly fitMs: number;
  /** Error or warning text; null when none. */
  readonly message: string | null;
  readonly parameters: readonly ParameterRecord[];
}

/** Everything about one replicate of one condition. */
export interface ReplicateRecord {
  /** The condition's key, e.g. `n_group1=5;group1_sd=2`. */
  readonly condition: string;
  /** Replicate index, from 0. */
  readonly rep: number;
  /** `ok`, or `error` when the replicate failed before any fit (e.g. data generation). */
  readonly status: "ok" | "error";
  readonly message: string | null;
  /** Milliseconds generating the data, and for the whole replicate. */
  readonly generateMs: number;
  readonly totalMs: number;
  readonly fits: readonly FitRecord[];
}
