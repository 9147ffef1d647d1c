/**
 * Text summaries of a fit in two styles: statsmodels' MixedLM table (the
 * seed notebook's), with vcsim's additions (one row per variance component
 * with its standard error, the groups of every term, any intervals), and
 * lme4's print of `summary(lmer(...))` with lmerTest's Satterthwaite t tests.
 * Every number keeps at least four significant digits whatever the data's
 * scale, and columns are sized from their content.
 *
 * @module
 */

import type { VarCompFit } from "./fit.ts";
import { _statsmodelsSummary } from "./_summary_statsmodels.ts";
import { _lme4Summary } from "./_summary_lme4.ts";

/** Layouts of {@linkcode formatSummary}. */
export type SummaryStyle = "statsmodels" | "lme4";

/** One interval to list under the tables (as `confidenceIntervals` returns it). */
export interface SummaryInterval {
  /** Variance names (term names, `Residual`) on the variance scale, or fixed-effect names. */
  readonly parameter: string;
  /** The interval kind, e.g. `wald`. */
  readonly method: string;
  readonly lower: number | null;
  readonly upper: number | null;
  /** `ok`, or why there are no limits (`undefined`, `not-applicable`, `failed`). */
  readonly status: string;
  /** Degrees of freedom, where the kind uses them. */
  readonly df?: number;
  /** Why an interval is not `ok`. */
  readonly note?: string;
}

/** Where the variance standard errors come from (a `VarianceCovariance` fits). */
export interface VarianceSource {
  /** `information`: the inverse `kind` information of `likelihood`; `anova-estimator`: the ANOVA estimator's own sampling covariance. */
  readonly source: "information" | "anova-estimator";
  /** Which information matrix (when `source` is `information`). */
  readonly kind: "expected" | "observed";
  /** Its likelihood. */
  readonly likelihood: "REML" | "ML";
}

/** What the summary shows besides the fit. */
export interface SummaryOptions {
  /** statsmodels' MixedLM layout or lme4's (with lmerTest's t tests). @default "statsmodels" */
  style?: SummaryStyle;
  /** Standard errors of the variances, by name (term names and `Residual`). */
  varianceSe?: Readonly<Record<string, number | null>>;
  /** Where those standard errors (and the Satterthwaite df) come from, for the footnotes. */
  varianceSource?: VarianceSource;
  /** Intervals to list under the tables. */
  intervals?: readonly SummaryInterval[];
  /** Confidence level of the intervals and of the statsmodels coefficient table. @default 0.95 */
  level?: number;
  /** List variance limits as standard deviations (square roots; negative limits as 0). @default false */
  sdScale?: boolean;
  /** Satterthwaite df of each fixed effect (lme4 style: lmerTest's df and Pr(>|t|) columns). */
  fixedDf?: readonly (number | null)[];
  /** Name of the response. @default "y" */
  response?: string;
  /** The model formula (lme4 style's `Formula:` line). */
  formula?: string;
  /** Where the data came from (lme4 style's `Data:` line). */
  data?: string;
}

/**
 * Formats `fit` as text in `options.style`. statsmodels style: coefficient
 * p-values and intervals are Wald z, and the "Var" rows carry the variance
 * and its standard error (not statsmodels' scale-dependent quantity). lme4
 * style: REML criterion (or AIC, BIC, log-likelihood and deviance),
 * variances and SDs by group, fixed effects with t values, and
 * Satterthwaite df and p-values when `fixedDf` is given, then the
 * correlation of the fixed effects when there are several.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fitVarComp } from "./fit.ts";
 * import { formatSummary } from "./summary.ts";
 * const fit = fitVarComp({
 *   response: "y",
 *   y: new Float64Array([1, 2, 5, 6, 2, 4]),
 *   X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"],
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 *   droppedRows: 0,
 * });
 * const text = formatSummary(fit);
 * assert.match(text, /Method: +REML/);
 * assert.match(text, /g Var +3\.583/);
 * const lme4 = formatSummary(fit, { style: "lme4", formula: "y ~ 1 + (1|g)" });
 * assert.match(lme4, /^Linear mixed model fit by REML/);
 * assert.match(lme4, /g +\(Intercept\) +3\.583 +1\.893/);
 * ```
 */
export function formatSummary(fit: VarCompFit, options: SummaryOptions = {}): string {
  const style = options.style ?? "statsmodels";
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  if (style === "statsmodels") return _statsmodelsSummary(fit, { ...options, level });
  if (style === "lme4") return _lme4Summary(fit, { ...options, level });
  throw new TypeError(`unknown summary style "${style}": expected statsmodels or lme4`);
}
