/**
 * The confidence-interval table under a fit summary, in either style, with
 * variance limits on the variance or the standard-deviation scale.
 *
 * @module
 */

import type { SummaryInterval, SummaryStyle } from "./summary.ts";
import { _formatColumn, _formatGroups, _tailLabels } from "./_summary_numbers.ts";
import { _layoutTable } from "./_summary_table.ts";

/** Options of {@linkcode _intervalLines}. */
export interface IntervalLinesOptions {
  /** Confidence level of the intervals. */
  readonly level: number;
  /** `statsmodels` headers `[0.025  0.975]`, `lme4` (R's `confint`) headers `2.5 %  97.5 %`. */
  readonly style: SummaryStyle;
  /** Names of the variance parameters (term names and `Residual`); the others are fixed effects. */
  readonly variances: readonly string[];
  /** Variance limits as standard deviations: square roots, negative limits as 0. */
  readonly sdScale?: boolean;
}

// Interval limits keep five significant digits, one more than the estimates.
const DIGITS = 5;
const DF_DIGITS = 5;

/**
 * The lines of the interval table: a title naming the level and scale, a
 * header with the exact tail probabilities, then one row per interval
 * (variances labelled `Var` or `SD`), its df where it has one, or its
 * status and note.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { _intervalLines } from "./_summary_intervals.ts";
 * const lines = _intervalLines(
 *   [{ parameter: "g", method: "wald", lower: 4, upper: 16, status: "ok" }],
 *   { level: 0.999, style: "statsmodels", variances: ["g", "Residual"], sdScale: true },
 * );
 * assert.deepEqual(lines, [
 *   "99.9% confidence intervals (standard deviations: square roots of the variance limits)",
 *   "      method  [0.0005  0.9995]",
 *   "g SD  wald          2        4",
 * ]);
 * ```
 */
export function _intervalLines(
  intervals: readonly SummaryInterval[],
  options: IntervalLinesOptions,
): string[] {
  const tails = _tailLabels(options.level);
  const isVariance = new Set(options.variances);
  const sd = options.sdScale === true;
  const scale = (i: SummaryInterval, x: number | null) =>
    x === null || !isVariance.has(i.parameter) || !sd ? x : Math.sqrt(Math.max(0, x));
  const ok = intervals.map((i) => i.status === "ok");
  // The limits of one parameter, lower and upper, by every method, share their decimals.
  const n = intervals.length;
  const limits = _formatGroups(
    [
      ...intervals.map((i, r) => ok[r] ? scale(i, i.lower) : null),
      ...intervals.map((i, r) => ok[r] ? scale(i, i.upper) : null),
    ],
    [...intervals, ...intervals].map((i) => i.parameter),
    { digits: DIGITS },
  );
  const lower = limits.slice(0, n), upper = limits.slice(n);
  const df = _formatColumn(intervals.map((i, r) => ok[r] ? i.df : null), { digits: DF_DIGITS });
  const hasDf = df.some((d) => d !== "");
  const header = options.style === "lme4"
    ? ["", "method", `${tails.lowerPercent} %`, `${tails.upperPercent} %`]
    : ["", "method", `[${tails.lower}`, `${tails.upper}]`];
  const rows = intervals.map((i, r) => {
    const label = isVariance.has(i.parameter) ? `${i.parameter} ${sd ? "SD" : "Var"}` : i.parameter;
    if (!ok[r]) return [label, i.method, `${i.status}${i.note ? `: ${i.note}` : ""}`];
    return hasDf
      ? [label, i.method, lower[r], upper[r], df[r]]
      : [label, i.method, lower[r], upper[r]];
  });
  const title = `${tails.levelPercent}% confidence intervals (${
    sd
      ? "standard deviations: square roots of the variance limits"
      : "variances on the variance scale"
  })`;
  return [
    title,
    ..._layoutTable([hasDf ? [...header, "df"] : header, ...rows], {
      align: hasDf
        ? ["left", "left", "right", "right", "right"]
        : ["left", "left", "right", "right"],
    }),
  ];
}
