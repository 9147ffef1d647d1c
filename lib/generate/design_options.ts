/**
 * The options shared by the nested and crossed generators: effect sizes,
 * their distributions, the intercept and covariates.
 *
 * @module
 */

import type { DistributionSpec } from "../rng/distribution.ts";

/**
 * A numeric covariate column x drawn for every row, after the random parts
 * of y, from a unit-variance distribution, and added to y as `slope * x`.
 */
export interface CovariateSpec {
  /** The column name; must differ from `y`, `group1`, `group2` and other covariates. */
  readonly name: string;
  /** The fixed effect of the covariate on y, a finite number. */
  readonly slope: number;
  /**
   * The covariate's distribution (mean 0, variance 1).
   *
   * @default { kind: "normal" }
   */
  readonly dist?: DistributionSpec;
}

/** Options common to {@linkcode nested} and {@linkcode crossed}. */
export interface EffectOptions {
  /**
   * SD of the group1 random effects (notebook `group1_sd`).
   *
   * @default 2
   */
  group1Sd?: number;
  /**
   * SD of the group2 random effects (notebook `group2_sd`); in the nested
   * design, of the group1:group2 cell effects.
   *
   * @default 3
   */
  group2Sd?: number;
  /**
   * SD of the residual error (notebook `unexplained_sd`).
   *
   * @default 4
   */
  unexplainedSd?: number;
  /**
   * The fixed intercept added to every y.
   *
   * @default 0
   */
  intercept?: number;
  /**
   * Distribution of the group1 effects, scaled so `group1Sd` is their SD.
   *
   * @default { kind: "normal" }
   */
  group1Dist?: DistributionSpec;
  /**
   * Distribution of the group2 effects, scaled so `group2Sd` is their SD.
   *
   * @default { kind: "normal" }
   */
  group2Dist?: DistributionSpec;
  /**
   * Distribution of the errors, scaled so `unexplainedSd` is their SD.
   *
   * @default { kind: "normal" }
   */
  errorDist?: DistributionSpec;
  /**
   * Numeric covariates, in column order, each drawn after all random
   * effects and errors (so adding one leaves the other draws unchanged).
   *
   * @default []
   */
  covariates?: readonly CovariateSpec[];
}
