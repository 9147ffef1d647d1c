/**
 * The statsmodels-style summary of a fit (MixedLM's `summary()` layout):
 * a two-column header, the coefficient table with one "Var" row per
 * variance component, footnotes and any intervals.
 *
 * @module
 */

import type { VarCompFit } from "./fit.ts";
import type { SummaryOptions } from "./summary.ts";
import { normalCdf, normalQuantile } from "../special/mod.ts";
import { _formatColumn, _formatGroups, _tailLabels } from "./_summary_numbers.ts";
import { _layoutTable } from "./_summary_table.ts";
import { _intervalLines } from "./_summary_intervals.ts";

const MIN_WIDTH = 66;
const DIGITS = 4;

/** One value at six significant digits. */
const value6 = (x: number | null) => _formatColumn([x], { digits: 6 })[0];

/** The header block: key-value pairs, two to a line where both are short. */
function headerLines(fit: VarCompFit, options: SummaryOptions): string[] {
  const terms = Object.keys(fit.groups);
  const perTerm = (f: (t: string) => string) => terms.map((t) => `${t} ${f(t)}`).join(", ");
  const pairs: string[][] = [
    ["Model:", "vcsim LMM", "Dependent Variable:", options.response ?? "y"],
    ["No. Observations:", String(fit.nobs), "Method:", fit.method],
    [
      "Scale:",
      value6(fit.variances.Residual),
      "Log-Likelihood:",
      fit.logLik === null ? "(none for ANOVA)" : fit.logLik.toFixed(4),
    ],
    ["Converged:", fit.converged ? "Yes" : "No", "Singular:", fit.singular ? "Yes" : "No"],
  ];
  if (fit.droppedRows > 0) pairs.push(["Rows dropped:", `${fit.droppedRows} (missing values)`]);
  pairs.push(["No. Groups:", perTerm((t) => String(fit.groups[t]))]);
  pairs.push(["Min. group size:", perTerm((t) => String(fit.groupSizes[t].min))]);
  pairs.push(["Max. group size:", perTerm((t) => String(fit.groupSizes[t].max))]);
  pairs.push(["Mean group size:", perTerm((t) => fit.groupSizes[t].mean.toFixed(1))]);
  return _layoutTable(pairs, { align: ["left", "left", "left", "left"] });
}

/** The coefficient table: fixed effects with Wald z tests and intervals, then the variances. */
function coefficientLines(fit: VarCompFit, options: SummaryOptions): string[] {
  const level = options.level ?? 0.95;
  const z = normalQuantile(1 - (1 - level) / 2);
  const tails = _tailLabels(level);
  const components = [...Object.keys(fit.groups), "Residual"];
  const p = fit.fixed.length, k = components.length, rows = p + k;
  // Columns Coef., Std.Err. and the limits, top to bottom, in one list: the
  // fixed effects' numbers (data scale) share their decimals, as do the
  // variances' (its square).
  const cells: (number | null | undefined)[] = [
    ...fit.fixed.map((f) => f.estimate),
    ...components.map((t) => fit.variances[t]),
    ...fit.fixed.map((f) => f.se),
    ...components.map((t) => options.varianceSe?.[t]),
    ...fit.fixed.map((f) => f.estimate - z * f.se),
    ...components.map(() => null),
    ...fit.fixed.map((f) => f.estimate + z * f.se),
    ...components.map(() => null),
  ];
  const kinds = cells.map((_, i) => i % rows < p ? "fixed" : "variance");
  const text = _formatGroups(cells, kinds, { digits: DIGITS });
  const column = (c: number) => text.slice(c * rows, (c + 1) * rows);
  const zval = fit.fixed.map((f) => f.estimate / f.se);
  const fixedOnly = (
    v: number[],
  ) => [...v.map((x) => Number.isFinite(x) ? x.toFixed(3) : ""), ...components.map(() => "")];
  const columns = [
    column(0),
    column(1),
    fixedOnly(zval),
    fixedOnly(zval.map((v) => 2 * normalCdf(-Math.abs(v)))),
    column(2),
    column(3),
  ];
  const labels = [...fit.fixed.map((f) => f.name), ...components.map((t) => `${t} Var`)];
  const body = labels.map((label, r) => [label, ...columns.map((c) => c[r])]);
  const header = ["", "Coef.", "Std.Err.", "z", "P>|z|", `[${tails.lower}`, `${tails.upper}]`];
  return _layoutTable([header, ...body], {
    align: ["left", ...header.slice(1).map(() => "right" as const)],
  });
}

/** Footnotes on the variance standard errors and ANOVA estimates. */
function footnotes(fit: VarCompFit, options: SummaryOptions): string[] {
  const lines: string[] = [];
  if (options.varianceSe) {
    const source = options.varianceSource;
    const own = source
      ? source.source === "anova-estimator"
      : fit.estimator === "hierarchical" || fit.estimator === "mivque0";
    const likelihood = source?.likelihood ?? (fit.method === "ML" ? "ML" : "REML");
    lines.push(
      own
        ? "Var Std.Err.: the ANOVA estimator's sampling variance at the estimates."
        : `Var Std.Err.: from the ${source?.kind ?? "expected"} ${likelihood} information.`,
    );
  }
  if (fit.method === "ANOVA") {
    lines.push("ANOVA estimates are raw moment estimates and may be negative.");
  }
  return lines;
}

/**
 * The statsmodels-style summary of `fit` (see `formatSummary`): the rules
 * are as wide as the widest table line, at least 66 characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fitVarComp } from "./fit.ts";
 * import { _statsmodelsSummary } from "./_summary_statsmodels.ts";
 * const fit = fitVarComp({
 *   response: "y",
 *   y: new Float64Array([1001, 1002, 1005, 1006, 1002, 1004]),
 *   X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"],
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 *   droppedRows: 0,
 * });
 * const text = _statsmodelsSummary(fit, { level: 0.999 });
 * assert.match(text, /\(Intercept\) +1003\.333 +1\.167 +860\.000 +0\.000 +999\.494 +1007\.172/);
 * assert.match(text, /\[0\.0005 +0\.9995\]/);
 * ```
 */
export function _statsmodelsSummary(fit: VarCompFit, options: SummaryOptions): string {
  const header = headerLines(fit, options);
  const table = coefficientLines(fit, options);
  const width = Math.max(MIN_WIDTH, ...header.map((l) => l.length), ...table.map((l) => l.length));
  const title = "Linear Mixed Model (random intercepts) Results";
  const lines = [
    title.padStart(Math.floor((width + title.length) / 2)),
    "=".repeat(width),
    ...header,
    "-".repeat(width),
    table[0],
    "-".repeat(width),
    ...table.slice(1),
    "=".repeat(width),
    ...footnotes(fit, options),
  ];
  if (options.intervals && options.intervals.length > 0) {
    lines.push("");
    lines.push(
      ..._intervalLines(options.intervals, {
        level: options.level ?? 0.95,
        style: "statsmodels",
        variances: [...Object.keys(fit.groups), "Residual"],
        sdScale: options.sdScale,
      }),
    );
  }
  for (const m of fit.messages) lines.push(`Note: ${m}`);
  return lines.join("\n");
}
