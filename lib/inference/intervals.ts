/**
 * Confidence intervals for the variance components, the residual variance
 * and the fixed effects of a fit, by every method vcsim compares
 * (ALGORITHMS.md section 4).
 *
 * @module
 */

import type { ModelFrame } from "../model/frame.ts";
import { type CrossProducts, crossProducts } from "../model/cross_products.ts";
import { fitVarComp, type VarCompFit } from "../fit/fit.ts";
import type { RandomStream } from "../rng/stream.ts";
import type { IntervalStatus } from "../store/records.ts";
import { chiSquareQuantile, fQuantile, normalQuantile, tQuantile } from "../special/mod.ts";
import {
  type InformationKind,
  type VarianceCovariance,
  varianceCovariance,
} from "./information.ts";
import { profileFixedLimits, VarianceProfile } from "./profile.ts";
import { balancedAnova, type ComponentContrast } from "./balanced_anova.ts";
import { bootstrapIntervals } from "./bootstrap.ts";
import { satterthwaiteFixedDf } from "./satterthwaite_df.ts";

/** Every interval method, in the order they are reported. */
export const INTERVAL_METHODS = [
  "wald",
  "wald-log",
  "satterthwaite",
  "t",
  "profile",
  "profile-ml",
  "mls",
  "exact",
  "bootstrap",
] as const;

/**
 * An interval method. For variances: `wald` (variance scale, truncated at 0),
 * `wald-log`, `satterthwaite` (scaled chi-square), `profile` (profile of the
 * fitted criterion), `profile-ml` (ML profile, lme4's confint), `mls`
 * (modified large-sample, balanced designs), `exact` (chi-square, residual
 * variance of a balanced design), `bootstrap` (parametric percentile). For
 * fixed effects: `wald` (z), `t` (between-group df), `satterthwaite` (t with
 * Satterthwaite df), `profile-ml`, `bootstrap`.
 */
export type IntervalMethod = typeof INTERVAL_METHODS[number];

/** One interval; lower and upper are null unless status is `ok`. */
export interface ConfidenceInterval {
  /** Variance names (term names, `Residual`) on the variance scale, or fixed-effect names. */
  readonly parameter: string;
  readonly method: IntervalMethod;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly status: IntervalStatus;
  /** Degrees of freedom used, for t, Satterthwaite and chi-square intervals. */
  readonly df?: number;
  /** Why an interval is undefined or not applicable. */
  readonly note?: string;
}

/** Options of {@linkcode confidenceIntervals}. */
export interface IntervalOptions {
  /**
   * Methods to compute.
   * @default ["wald"]
   */
  methods?: readonly IntervalMethod[];
  /**
   * Confidence level.
   * @default 0.95
   */
  level?: number;
  /**
   * Information matrix behind standard errors, Wald and Satterthwaite intervals.
   * @default "expected"
   */
  information?: InformationKind;
  /** Stream for `bootstrap` (required with it) and number of refits (default 999). */
  bootstrap?: { stream: RandomStream; replicates?: number };
  /** Cross-products of the frame when the caller already has them. */
  crossProducts?: CrossProducts;
}

/** Standard errors and intervals of a fit. */
export interface Inference {
  /** Covariance and SEs of the variance estimates. */
  readonly variance: VarianceCovariance;
  /** Intervals by parameter (variances, then fixed effects) and method. */
  readonly intervals: readonly ConfidenceInterval[];
  /** Milliseconds per method. */
  readonly timingMs: Readonly<Record<string, number>>;
}

/** Parses a comma-separated list of interval methods, with a clear error for unknown names. */
export function parseIntervalMethods(list: string): IntervalMethod[] {
  const names = list.split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const name of names) {
    if (!(INTERVAL_METHODS as readonly string[]).includes(name)) {
      throw new TypeError(
        `unknown interval method "${name}": expected one of ${INTERVAL_METHODS.join(", ")}`,
      );
    }
  }
  return names as IntervalMethod[];
}

const ok = (
  parameter: string,
  method: IntervalMethod,
  lower: number,
  upper: number,
  df?: number,
): ConfidenceInterval => {
  if (!Number.isFinite(lower) || !Number.isFinite(upper)) {
    return {
      parameter,
      method,
      lower: null,
      upper: null,
      status: "failed",
      note: "non-finite limit",
    };
  }
  return df === undefined
    ? { parameter, method, lower, upper, status: "ok" }
    : { parameter, method, lower, upper, status: "ok", df };
};
const missing = (
  parameter: string,
  method: IntervalMethod,
  status: Exclude<IntervalStatus, "ok">,
  note: string,
): ConfidenceInterval => ({ parameter, method, lower: null, upper: null, status, note });

/**
 * Standard errors and confidence intervals of `fit` by the requested
 * methods. Undefined intervals (e.g. log-scale at a zero estimate) and
 * methods that do not apply (e.g. MLS in an unbalanced design) come back
 * with that status and a note, never as NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fitVarComp } from "../fit/fit.ts";
 * import { confidenceIntervals } from "./intervals.ts";
 * const frame = {
 *   response: "y",
 *   y: new Float64Array([1, 2, 5, 6, 2, 4, 3, 3]),
 *   X: new Float64Array(8).fill(1),
 *   fixedNames: ["(Intercept)"],
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1, 2, 2, 3, 3]), levels: ["a", "b", "c", "d"] }],
 *   droppedRows: 0,
 * };
 * const inf = confidenceIntervals(frame, fitVarComp(frame), { methods: ["wald", "mls"] });
 * const mls = inf.intervals.find((i) => i.parameter === "g" && i.method === "mls")!;
 * assert.equal(mls.status, "ok");
 * assert.ok(mls.lower! >= 0 && mls.lower! < mls.upper!);
 * ```
 */
export function confidenceIntervals(
  frame: ModelFrame,
  fit: VarCompFit,
  options: IntervalOptions = {},
): Inference {
  const methods = options.methods ?? ["wald"];
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  for (const m of methods) parseIntervalMethods(m);
  const cp = options.crossProducts ?? crossProducts(frame);
  const alpha = 1 - level;
  const z = normalQuantile(1 - alpha / 2);
  const timingMs: Record<string, number> = {};
  let clock = performance.now();
  const variance = varianceCovariance(frame, fit, { kind: options.information, crossProducts: cp });
  timingMs.information = performance.now() - clock;
  const K = frame.terms.length;
  const varNames = variance.parameters;
  const intervals: ConfidenceInterval[] = [];
  const est = (a: number) => variance.estimates[a];
  const sortedIndex = (a: number) => a < K ? cp.order.indexOf(a) : cp.order.length;
  const betweenDf = Math.min(...frame.terms.map((t) => t.levels.length)) - 1;
  let balanced: ReturnType<typeof balancedAnova> | undefined;

  for (const method of methods) {
    clock = performance.now();
    switch (method) {
      case "wald":
        varNames.forEach((name, a) => {
          const se = variance.se[a];
          intervals.push(
            se === null
              ? missing(name, method, "undefined", "the information matrix is singular")
              : ok(name, method, Math.max(0, est(a) - z * se), est(a) + z * se),
          );
        });
        fit.fixed.forEach((f) =>
          intervals.push(ok(f.name, method, f.estimate - z * f.se, f.estimate + z * f.se))
        );
        break;
      case "wald-log":
        varNames.forEach((name, a) => {
          const se = variance.se[a], s = est(a);
          if (!(s > 0)) {
            intervals.push(missing(name, method, "undefined", "the estimate is 0"));
          } else if (se === null) {
            intervals.push(
              missing(name, method, "undefined", "the information matrix is singular"),
            );
          } else {
            intervals.push(ok(name, method, s * Math.exp(-z * se / s), s * Math.exp(z * se / s)));
          }
        });
        break;
      case "satterthwaite": {
        varNames.forEach((name, a) => {
          const se = variance.se[a], s = est(a);
          if (!(s > 0)) {
            intervals.push(missing(name, method, "undefined", "the estimate is 0"));
            return;
          }
          if (se === null) {
            intervals.push(
              missing(name, method, "undefined", "the information matrix is singular"),
            );
            return;
          }
          const nu = (2 * s * s) / (se * se);
          intervals.push(
            ok(
              name,
              method,
              (nu * s) / chiSquareQuantile(1 - alpha / 2, nu),
              (nu * s) / chiSquareQuantile(alpha / 2, nu),
              nu,
            ),
          );
        });
        const dfs = satterthwaiteFixedDf(cp, variance);
        fit.fixed.forEach((f, j) => {
          const df = dfs[j];
          if (df === null) {
            intervals.push(missing(f.name, method, "undefined", "Satterthwaite df not available"));
          } else {
            const t = tQuantile(1 - alpha / 2, df);
            intervals.push(ok(f.name, method, f.estimate - t * f.se, f.estimate + t * f.se, df));
          }
        });
        break;
      }
      case "t":
        varNames.forEach((name) =>
          intervals.push(
            missing(name, method, "not-applicable", "t intervals are for fixed effects"),
          )
        );
        fit.fixed.forEach((f) => {
          if (betweenDf < 1) {
            intervals.push(
              missing(f.name, method, "undefined", "a grouping factor has one level"),
            );
            return;
          }
          const t = tQuantile(1 - alpha / 2, betweenDf);
          intervals.push(
            ok(f.name, method, f.estimate - t * f.se, f.estimate + t * f.se, betweenDf),
          );
        });
        break;
      case "profile":
      case "profile-ml": {
        const ml = method === "profile-ml" || fit.method === "ML";
        if (!ml && fit.method !== "REML") {
          varNames.forEach((name) =>
            intervals.push(
              missing(
                name,
                method,
                "not-applicable",
                "an ANOVA fit has no likelihood to profile; use profile-ml",
              ),
            )
          );
        } else {
          const base = ml && fit.method !== "ML"
            ? fitVarComp(frame, { method: "ml", crossProducts: cp })
            : fit;
          const s = new Float64Array(K + 1);
          cp.order.forEach((i, t) => s[t] = base.variances[frame.terms[i].name]);
          s[K] = base.variances.Residual;
          const cutoff = chiSquareQuantile(level, 1);
          let profile: VarianceProfile | null = null;
          varNames.forEach((name, a) => {
            try {
              profile ??= new VarianceProfile(cp, !ml, s);
              const lim = profile.limits(sortedIndex(a), cutoff);
              intervals.push(ok(name, method, lim.lower, lim.upper));
            } catch (e) {
              intervals.push(missing(name, method, "failed", (e as Error).message));
            }
          });
          fit.fixed.forEach((f, j) => {
            if (!ml) {
              intervals.push(
                missing(
                  f.name,
                  method,
                  "not-applicable",
                  "fixed effects are profiled by ML: use profile-ml",
                ),
              );
              return;
            }
            try {
              const lim = profileFixedLimits(frame, cp, base, j, cutoff);
              intervals.push(ok(f.name, method, lim.lower, lim.upper));
            } catch (e) {
              intervals.push(missing(f.name, method, "failed", (e as Error).message));
            }
          });
        }
        break;
      }
      case "mls":
      case "exact": {
        balanced ??= balancedAnova(cp);
        const why =
          "needs a balanced nested or two-way crossed design with an intercept-only fixed part";
        varNames.forEach((name, a) => {
          if (!balanced) {
            intervals.push(missing(name, method, "not-applicable", `${method} ${why}`));
            return;
          }
          if (a === K) {
            const r = balanced.residual;
            {
              intervals.push(
                ok(
                  name,
                  method,
                  r.ss / chiSquareQuantile(1 - alpha / 2, r.df),
                  r.ss / chiSquareQuantile(alpha / 2, r.df),
                  r.df,
                ),
              );
              return;
            }
          }
          if (method === "exact") {
            intervals.push(
              missing(
                name,
                method,
                "not-applicable",
                "the exact interval is for the residual variance",
              ),
            );
            return;
          }
          const contrast = balanced.components.find((c) => c.term === sortedIndex(a))!;
          const lim = mlsLimits(contrast, alpha);
          intervals.push(ok(name, method, lim.lower, lim.upper));
        });
        break;
      }
      case "bootstrap": {
        if (!options.bootstrap) {
          throw new TypeError("bootstrap intervals need options.bootstrap.stream");
        }
        const r = bootstrapIntervals(frame, fit, options.bootstrap.stream, {
          replicates: options.bootstrap.replicates,
          level,
          crossProducts: cp,
        });
        for (const name of [...varNames, ...fit.fixed.map((f) => f.name)]) {
          const lim = r.limits[name];
          intervals.push(
            lim
              ? ok(name, method, lim.lower, lim.upper)
              : missing(name, method, "failed", "every bootstrap refit failed"),
          );
        }
        break;
      }
    }
    timingMs[method] = performance.now() - clock;
  }
  return { variance, intervals, timingMs };
}

/**
 * Modified large-sample interval for (S1 - S2)/c (Ting, Burdick, Graybill,
 * Jeyaratnam & Lu 1990; Burdick & Graybill 1992, section 3.2; ALGORITHMS.md
 * section 4).
 */
export function mlsLimits(
  contrast: ComponentContrast,
  alpha: number,
): { lower: number; upper: number } {
  const { s1, s2, c } = contrast;
  const n1 = s1.df, n2 = s2.df, S1 = s1.ms, S2 = s2.ms;
  const G1 = 1 - 1 / fQuantile(1 - alpha / 2, n1, Infinity);
  const G2 = 1 - 1 / fQuantile(1 - alpha / 2, n2, Infinity);
  const H1 = 1 / fQuantile(alpha / 2, n1, Infinity) - 1;
  const H2 = 1 / fQuantile(alpha / 2, n2, Infinity) - 1;
  const FU = fQuantile(1 - alpha / 2, n1, n2), FL = fQuantile(alpha / 2, n1, n2);
  const G12 = ((FU - 1) ** 2 - G1 * G1 * FU * FU - H2 * H2) / FU;
  const H12 = ((1 - FL) ** 2 - H1 * H1 * FL * FL - G2 * G2) / FL;
  const VL = G1 * G1 * S1 * S1 + H2 * H2 * S2 * S2 + G12 * S1 * S2;
  const VU = H1 * H1 * S1 * S1 + G2 * G2 * S2 * S2 + H12 * S1 * S2;
  return {
    lower: Math.max(0, (S1 - S2 - Math.sqrt(Math.max(VL, 0))) / c),
    upper: Math.max(0, (S1 - S2 + Math.sqrt(Math.max(VU, 0))) / c),
  };
}
