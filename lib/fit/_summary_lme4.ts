/**
 * The lme4-style summary of a fit, laid out like R's print of
 * `summary(lmer(...))` with lmerTest's Satterthwaite t tests: title,
 * formula, REML criterion (or AIC, BIC, log-likelihood, deviance), random
 * effects, group counts, fixed effects and their correlation.
 *
 * @module
 */

import type { VarCompFit } from "./fit.ts";
import type { SummaryOptions } from "./summary.ts";
import { _formatColumn, _formatPValues } from "./_summary_numbers.ts";
import { _layoutTable } from "./_summary_table.ts";
import { _intervalLines } from "./_summary_intervals.ts";
import { _lme4SummaryValues, type Lme4SummaryValues } from "./_summary_lme4_values.ts";

const DIGITS = 4;
const DF_DIGITS = 5;

/** Title, formula, data and the likelihood summary. */
function headLines(fit: VarCompFit, values: Lme4SummaryValues, options: SummaryOptions): string[] {
  const moments = fit.estimator === "hierarchical"
    ? "nested ANOVA"
    : fit.estimator === "mivque0"
    ? "MIVQUE0"
    : "given";
  const by = fit.method === "REML"
    ? "REML"
    : fit.method === "ML"
    ? "maximum likelihood"
    : `ANOVA (${moments} moment estimates)`;
  const tests = options.fixedDf ? ". t-tests use Satterthwaite's method" : "";
  const lines = [`Linear mixed model fit by ${by}${tests}`];
  if (options.formula !== undefined) lines.push(`Formula: ${options.formula}`);
  if (options.data !== undefined) lines.push(`   Data: ${options.data}`);
  lines.push("");
  const c = values.criterion;
  if (c === null) return lines;
  if (c.kind === "REML") {
    lines.push(`REML criterion at convergence: ${c.REMLcrit.toFixed(1)}`, "");
    return lines;
  }
  const table = [
    ["AIC", "BIC", "logLik", "deviance", "df.resid"],
    [...[c.AIC, c.BIC, c.logLik, c.deviance].map((x) => x.toFixed(1)), String(c.dfResid)],
  ];
  lines.push(..._layoutTable(table, { align: table[0].map(() => "right" as const) }), "");
  return lines;
}

/** The random-effects table and the line of group counts. */
function randomLines(fit: VarCompFit, values: Lme4SummaryValues): string[] {
  const v = _formatColumn(values.random.map((r) => r.variance), { digits: DIGITS });
  const sd = _formatColumn(values.random.map((r) => r.sd), { digits: DIGITS });
  const rows = values.random.map((r, k) => [
    r.group,
    r.group === "Residual" ? "" : "(Intercept)",
    v[k],
    sd[k],
  ]);
  const groups = values.groups.map((g) => `${g.group}, ${g.levels}`).join("; ");
  return [
    "Random effects:",
    ..._layoutTable([["Groups", "Name", "Variance", "Std.Dev."], ...rows], {
      align: ["left", "left", "right", "right"],
      indent: 1,
    }),
    `Number of obs: ${fit.nobs}, groups:  ${groups}`,
    "",
  ];
}

/** The fixed-effects table: lme4's columns, lmerTest's df and p-value when df are given. */
function fixedLines(values: Lme4SummaryValues, options: SummaryOptions): string[] {
  const rows = values.fixed, p = rows.length;
  // Estimate and Std. Error share their decimals, as in R's printCoefmat.
  const both = _formatColumn([...rows.map((f) => f.estimate), ...rows.map((f) => f.se)], {
    digits: DIGITS,
  });
  const header = ["", "Estimate", "Std. Error"];
  const columns = [both.slice(0, p), both.slice(p)];
  const withDf = options.fixedDf !== undefined;
  if (withDf) {
    header.push("df");
    columns.push(_formatColumn(rows.map((f) => f.df), { digits: DF_DIGITS }));
  }
  header.push("t value");
  // t rounded to 3 decimals, then 4 significant digits, as printCoefmat does.
  columns.push(_formatColumn(rows.map((f) => Math.round(f.t * 1000) / 1000), { digits: DIGITS }));
  if (withDf) {
    header.push("Pr(>|t|)");
    columns.push(_formatPValues(rows.map((f) => f.p), { digits: 3 }));
  }
  const body = rows.map((f, j) => [f.name, ...columns.map((c) => c[j])]);
  return [
    "Fixed effects:",
    ..._layoutTable([header, ...body], {
      align: ["left", ...header.slice(1).map(() => "right" as const)],
    }),
  ];
}

/** R's `abbreviate(name, 6)`: drop lower-case vowels, then lower-case letters, from the end. */
function abbreviate(name: string, length = 6): string {
  let chars = [...name];
  for (const drop of [/[aeiou]/, /[a-z]/]) {
    for (let i = chars.length - 1; i > 0 && chars.length > length; i--) {
      if (drop.test(chars[i])) chars.splice(i, 1);
    }
  }
  if (chars.length > length) chars = chars.slice(0, length);
  return chars.join("");
}

/** The lower triangle of the fixed effects' correlation matrix (p > 1). */
function correlationLines(values: Lme4SummaryValues): string[] {
  const p = values.fixed.length, c = values.correlation;
  if (p < 2) return [];
  const names = values.fixed.map((f) => f.name);
  const short = names.map((name) => abbreviate(name));
  const heads = new Set(short).size === p ? short : names;
  const rows = names.slice(1).map((name, r) => {
    const i = r + 1;
    return [name, ...names.slice(0, p - 1).map((_, j) => j < i ? c[i * p + j].toFixed(3) : "")];
  });
  return [
    "",
    "Correlation of Fixed Effects:",
    ..._layoutTable([["", ...heads.slice(0, p - 1)], ...rows], {
      align: ["left", ...heads.slice(1).map(() => "right" as const)],
    }),
  ];
}

/** Where the df come from, and the ANOVA caveat. */
function footnotes(fit: VarCompFit, options: SummaryOptions): string[] {
  const lines: string[] = [];
  const source = options.varianceSource;
  if (options.fixedDf && source) {
    lines.push(
      source.source === "anova-estimator"
        ? "Satterthwaite df: from the ANOVA estimator's sampling covariance of the variances."
        : `Satterthwaite df: from the ${source.kind} ${source.likelihood} information${
          source.kind === "expected" ? " (lmerTest uses the observed information)" : ""
        }.`,
    );
  }
  if (fit.method === "ANOVA") {
    lines.push("ANOVA estimates are raw moment estimates and may be negative.");
  }
  return lines;
}

/**
 * The lme4-style summary of `fit` (see `formatSummary`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fitVarComp } from "./fit.ts";
 * import { _lme4Summary } from "./_summary_lme4.ts";
 * const fit = fitVarComp({
 *   response: "y",
 *   y: new Float64Array([1, 2, 5, 6, 2, 4]),
 *   X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"],
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 *   droppedRows: 0,
 * }, { method: "ml" });
 * const text = _lme4Summary(fit, { level: 0.95, fixedDf: [2] });
 * assert.match(text, /^Linear mixed model fit by maximum likelihood\. t-tests use Satterthwaite/);
 * assert.match(text, /Number of obs: 6, groups:  g, 3/);
 * assert.match(text, /\(Intercept\) +3\.3333 +0\.9526 +2 +3\.499 +0\.0729/);
 * ```
 */
export function _lme4Summary(fit: VarCompFit, options: SummaryOptions): string {
  const values = _lme4SummaryValues(fit, { fixedDf: options.fixedDf });
  const lines = [
    ...headLines(fit, values, options),
    ...randomLines(fit, values),
    ...fixedLines(values, options),
    ...correlationLines(values),
  ];
  const notes = footnotes(fit, options);
  if (notes.length > 0) lines.push("", ...notes);
  if (options.intervals && options.intervals.length > 0) {
    lines.push("");
    lines.push(
      ..._intervalLines(options.intervals, {
        level: options.level ?? 0.95,
        style: "lme4",
        variances: [...Object.keys(fit.groups), "Residual"],
        sdScale: options.sdScale,
      }),
    );
  }
  if (fit.messages.length > 0) lines.push("", ...fit.messages.map((m) => `Note: ${m}`));
  return lines.join("\n");
}
