/**
 * The numbers of an lme4-style summary of a fit, as lme4 and lmerTest
 * compute them: the likelihood summary, the random effects in lme4's order,
 * the fixed-effect t tests and the fixed effects' correlations.
 *
 * @module
 */

import type { VarCompFit } from "./fit.ts";
import { tCdf } from "../special/mod.ts";

/** lme4's likelihood summary: the REML criterion, or ML's information criteria. */
export type Lme4Criterion =
  | { readonly kind: "REML"; readonly REMLcrit: number }
  | {
    readonly kind: "ML";
    readonly AIC: number;
    readonly BIC: number;
    readonly logLik: number;
    readonly deviance: number;
    /** Observations minus estimated parameters (fixed effects, variances). */
    readonly dfResid: number;
  };

/** One fixed effect's row: lme4's columns and lmerTest's. */
export interface Lme4FixedRow {
  readonly name: string;
  readonly estimate: number;
  readonly se: number;
  /** Satterthwaite df; null when not given or not available. */
  readonly df: number | null;
  readonly t: number;
  /** Two-sided p-value of t on df; null without df. */
  readonly p: number | null;
}

/** What an lme4-style summary shows. */
export interface Lme4SummaryValues {
  /** Null for ANOVA fits, which have no likelihood. */
  readonly criterion: Lme4Criterion | null;
  /** Random terms by number of levels, most first (lme4's order), then `Residual`; sd null for a negative variance. */
  readonly random: readonly { group: string; variance: number; sd: number | null }[];
  /** Levels of each random term, in the same order. */
  readonly groups: readonly { group: string; levels: number }[];
  readonly fixed: readonly Lme4FixedRow[];
  /** Correlation matrix of the fixed effects, row-major p x p. */
  readonly correlation: Float64Array;
}

/**
 * The numbers of the lme4-style summary of `fit`. `fixedDf` (one per fixed
 * effect, e.g. `satterthwaiteFixedDf`) adds lmerTest's df and p-values.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fitVarComp } from "./fit.ts";
 * import { _lme4SummaryValues } from "./_summary_lme4_values.ts";
 * const fit = fitVarComp({
 *   response: "y",
 *   y: new Float64Array([1, 2, 5, 6, 2, 4]),
 *   X: new Float64Array(6).fill(1),
 *   fixedNames: ["(Intercept)"],
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2]), levels: ["a", "b", "c"] }],
 *   droppedRows: 0,
 * }, { method: "ml" });
 * const v = _lme4SummaryValues(fit, { fixedDf: [3] });
 * assert.equal(v.criterion?.kind, "ML");
 * if (v.criterion?.kind === "ML") {
 *   // AIC = deviance + 2 x (1 fixed effect + 2 variances)
 *   assert.ok(Math.abs(v.criterion.AIC - v.criterion.deviance - 6) < 1e-12);
 *   assert.equal(v.criterion.dfResid, 3);
 * }
 * assert.deepEqual(v.random.map((r) => r.group), ["g", "Residual"]);
 * ```
 */
export function _lme4SummaryValues(
  fit: VarCompFit,
  options: { readonly fixedDf?: readonly (number | null)[] } = {},
): Lme4SummaryValues {
  const terms = Object.keys(fit.groups).map((t, i) => ({ t, i }))
    .sort((a, b) => fit.groups[b.t] - fit.groups[a.t] || a.i - b.i)
    .map((x) => x.t);
  const random = [...terms, "Residual"].map((group) => {
    const variance = fit.variances[group];
    return { group, variance, sd: variance >= 0 ? Math.sqrt(variance) : null };
  });
  const p = fit.fixed.length, c = fit.fixedCovariance;
  const fixed = fit.fixed.map((f, j) => {
    const t = f.estimate / f.se;
    const df = options.fixedDf?.[j] ?? null;
    return { ...f, df, t, p: df === null ? null : 2 * tCdf(-Math.abs(t), df) };
  });
  const correlation = Float64Array.from(
    { length: p * p },
    (_, ij) => {
      const i = Math.floor(ij / p), j = ij % p;
      return c[ij] / Math.sqrt(c[i * p + i] * c[j * p + j]);
    },
  );
  return {
    criterion: criterionOf(fit),
    random,
    groups: terms.map((group) => ({ group, levels: fit.groups[group] })),
    fixed,
    correlation,
  };
}

/** lme4's REML criterion, or AIC, BIC, logLik, deviance and residual df of an ML fit. */
function criterionOf(fit: VarCompFit): Lme4Criterion | null {
  if (fit.criterion === null) return null;
  if (fit.method === "REML") return { kind: "REML", REMLcrit: fit.criterion };
  const npar = fit.fixed.length + Object.keys(fit.groups).length + 1;
  return {
    kind: "ML",
    AIC: fit.criterion + 2 * npar,
    BIC: fit.criterion + Math.log(fit.nobs) * npar,
    logLik: -fit.criterion / 2,
    deviance: fit.criterion,
    dfResid: fit.nobs - npar,
  };
}
