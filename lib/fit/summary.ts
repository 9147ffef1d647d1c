/**
 * A statsmodels-style text summary of a fit, like the seed notebook's
 * MixedLM tables, with vcsim's additions: one row per variance component
 * with its standard error, the groups of every term, and any intervals.
 *
 * @module
 */

import type { VarCompFit } from "./fit.ts";
import { normalCdf, normalQuantile } from "../special/mod.ts";

/** What the summary shows besides the fit. */
export interface SummaryOptions {
  /** Standard errors of the variances, by name (term names and `Residual`). */
  varianceSe?: Readonly<Record<string, number | null>>;
  /** Which information the SEs come from, for the footnote. */
  information?: string;
  /** Intervals to list under the table. */
  intervals?: readonly {
    parameter: string;
    method: string;
    lower: number | null;
    upper: number | null;
    status: string;
    df?: number;
    note?: string;
  }[];
  /** Confidence level of the coefficient table's interval. @default 0.95 */
  level?: number;
  /** Name of the response. @default "y" */
  response?: string;
}

const WIDTH = 66;

function pair(k1: string, v1: string, k2 = "", v2 = ""): string {
  const left = (k1.padEnd(19) + v1).padEnd(33);
  return k2 === "" ? left.trimEnd() : left + k2.padEnd(20) + v2;
}

function groupSize(g: { min: number; max: number; mean: number }): string {
  return g.min === g.max ? String(g.min) : `${g.min}-${g.max} (mean ${g.mean.toFixed(1)})`;
}

function fmt(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "" : x.toFixed(digits);
}

/**
 * Formats `fit` as text. Coefficient p-values and intervals are Wald z, as
 * in statsmodels; the "Var" rows carry the variance and its standard error
 * (not statsmodels' scale-dependent quantity).
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
 * ```
 */
export function formatSummary(fit: VarCompFit, options: SummaryOptions = {}): string {
  const level = options.level ?? 0.95;
  const z = normalQuantile(1 - (1 - level) / 2);
  const terms = Object.keys(fit.groups);
  const q = ((1 - level) / 2).toFixed(3), q2 = (1 - (1 - level) / 2).toFixed(3);
  const nameWidth = Math.max(
    12,
    ...fit.fixed.map((f) => f.name.length + 1),
    ...terms.map((t) => t.length + 5),
  );
  const header = "".padEnd(nameWidth) + "Coef.".padStart(9) + "Std.Err.".padStart(10) +
    "z".padStart(8) + "P>|z|".padStart(8) + `[${q}`.padStart(9) + `${q2}]`.padStart(8);
  const width = Math.max(WIDTH, header.length);
  const title = "Linear Mixed Model (random intercepts) Results";
  const lines: string[] = [];
  lines.push(title.padStart(Math.floor((width + title.length) / 2)));
  lines.push("=".repeat(width));
  lines.push(pair("Model:", "vcsim LMM", "Dependent Variable:", options.response ?? "y"));
  lines.push(pair("No. Observations:", String(fit.nobs), "Method:", fit.method));
  lines.push(
    pair(
      "Scale:",
      fmt(fit.variances.Residual, 4),
      "Log-Likelihood:",
      fit.logLik === null ? "(none for ANOVA)" : fmt(fit.logLik, 4),
    ),
  );
  lines.push(
    pair(
      "Converged:",
      fit.converged ? "Yes" : "No",
      "Singular:",
      fit.singular ? "Yes" : "No",
    ),
  );
  if (fit.droppedRows > 0) {
    lines.push(pair("Rows dropped:", `${fit.droppedRows} (missing values)`));
  }
  lines.push(pair("No. Groups:", terms.map((t) => `${t} ${fit.groups[t]}`).join(", ")));
  lines.push(
    pair("Group size:", terms.map((t) => `${t} ${groupSize(fit.groupSizes[t])}`).join(", ")),
  );
  lines.push("-".repeat(width));
  lines.push(header);
  lines.push("-".repeat(width));
  for (const f of fit.fixed) {
    const zval = f.estimate / f.se;
    const pval = 2 * normalCdf(-Math.abs(zval));
    lines.push(
      f.name.padEnd(nameWidth) + fmt(f.estimate).padStart(9) + fmt(f.se).padStart(10) +
        fmt(zval).padStart(8) +
        fmt(pval).padStart(8) + fmt(f.estimate - z * f.se).padStart(9) +
        fmt(f.estimate + z * f.se).padStart(8),
    );
  }
  for (const t of [...terms, "Residual"]) {
    lines.push(
      `${t} Var`.padEnd(nameWidth) + fmt(fit.variances[t]).padStart(9) +
        fmt(options.varianceSe?.[t]).padStart(10),
    );
  }
  lines.push("=".repeat(width));
  if (options.varianceSe) {
    const own = fit.estimator === "hierarchical" || fit.estimator === "mivque0";
    lines.push(
      own
        ? "Var Std.Err.: the ANOVA estimator's sampling variance at the estimates."
        : `Var Std.Err.: from the ${options.information ?? "expected"} ${
          fit.method === "ML" ? "ML" : "REML"
        } information.`,
    );
  }
  if (fit.method === "ANOVA") {
    lines.push("ANOVA estimates are raw moment estimates and may be negative.");
  }
  if (options.intervals && options.intervals.length > 0) {
    lines.push("");
    lines.push(
      `${
        (level * 100).toFixed(level * 100 % 1 === 0 ? 0 : 1)
      }% confidence intervals (variances on the variance scale)`,
    );
    const pw = Math.max(10, ...options.intervals.map((i) => i.parameter.length + 1));
    for (const i of options.intervals) {
      const body = i.status === "ok"
        ? `${fmt(i.lower, 4).padStart(12)} ${fmt(i.upper, 4).padStart(12)}${
          i.df === undefined ? "" : `   df ${i.df.toFixed(1)}`
        }`
        : `  ${i.status}${i.note ? `: ${i.note}` : ""}`;
      lines.push(i.parameter.padEnd(pw) + i.method.padEnd(15) + body);
    }
  }
  for (const m of fit.messages) lines.push(`Note: ${m}`);
  return lines.join("\n");
}
