/**
 * Non-finite numbers are failed fits, not errors: a fit whose estimate or
 * SE is NaN or infinite is stored as failed with a message naming it, an
 * interval with a non-finite limit as a failed interval, so one bad
 * replicate never stops a run.
 *
 * @module
 */

import type { FitRecord, IntervalRecord, ParameterRecord } from "../store/records.ts";

const finiteOrNull = (v: unknown): boolean =>
  v === null || (typeof v === "number" && Number.isFinite(v));

/** `value` when it is a finite number, else 0 (timings must not fail a fit). */
export function finiteTime(value: number): number {
  return Number.isFinite(value) && value >= 0 ? value : 0;
}

function finiteInterval(i: IntervalRecord): IntervalRecord {
  if (finiteOrNull(i.lower) && finiteOrNull(i.upper)) return i;
  return { interval: i.interval, lower: null, upper: null, status: "failed" };
}

/** The first non-finite estimate, SE or truth of `parameters`, described; null if none. */
function firstNonFinite(parameters: readonly ParameterRecord[]): string | null {
  for (const p of parameters) {
    for (const field of ["estimate", "se", "truth"] as const) {
      if (!finiteOrNull(p[field])) return `${field} of ${p.parameter} is ${String(p[field])}`;
    }
  }
  return null;
}

/**
 * `fit` with every number finite: a non-finite estimate, SE or truth makes
 * the fit `error` (no estimates, a message saying which); a non-finite
 * interval limit makes that interval `failed`.
 */
export function finiteFit(fit: FitRecord): FitRecord {
  const bad = firstNonFinite(fit.parameters);
  const evaluations = Number.isFinite(fit.evaluations) ? fit.evaluations : 0;
  const fitMs = finiteTime(fit.fitMs);
  if (bad !== null) {
    return {
      method: fit.method,
      status: "error",
      converged: false,
      singular: false,
      evaluations,
      fitMs,
      message: `non-finite result: ${bad}`,
      parameters: [],
    };
  }
  const parameters = fit.parameters.map((p) =>
    p.intervals.every((i) => finiteOrNull(i.lower) && finiteOrNull(i.upper))
      ? p
      : { ...p, intervals: p.intervals.map(finiteInterval) }
  );
  return { ...fit, evaluations, fitMs, parameters };
}
