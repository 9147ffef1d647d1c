/**
 * Number formatting shared by the report's text outputs (terminal table,
 * Markdown): values rounded to the precision their Monte Carlo SE supports;
 * and the reports' note on non-converged fits.
 *
 * @module
 */

import type { NonconvergedRule } from "./measure_row.ts";

/** A number in at most ~9 characters, 4 significant digits; `-` for null. */
export function short(x: number | null): string {
  if (x === null) return "-";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

/**
 * `value (mcse)` with the MCSE to 2 significant digits and the value to the
 * same decimal place, e.g. `-0.0123 (0.0046)`; `value` alone when the MCSE
 * is null; `-` when the value is null. Falls back to {@linkcode short} for
 * magnitudes fixed notation cannot show compactly.
 */
export function withMcse(value: number | null, mcse: number | null): string {
  if (value === null) return "-";
  if (mcse === null || !Number.isFinite(mcse)) return short(value);
  if (mcse === 0) return `${short(value)} (0)`;
  const decimals = 1 - Math.floor(Math.log10(mcse));
  if (decimals < 0 || decimals > 6 || Math.abs(value) >= 1e5) {
    return `${short(value)} (${short(mcse)})`;
  }
  return `${value.toFixed(decimals)} (${mcse.toFixed(decimals)})`;
}

/** A proportion as a percentage with its MCSE to one decimal, e.g. `94.2 (0.7)`. */
export function percent(value: number | null, mcse: number | null): string {
  if (value === null) return "-";
  const p = (100 * value).toFixed(1);
  return mcse === null ? p : `${p} (${(100 * mcse).toFixed(1)})`;
}

/** Percent with one decimal and no MCSE, e.g. `20.0`; `-` for null (the tables' rate columns). */
export function rate(value: number | null | undefined): string {
  return value === null || value === undefined ? "-" : (100 * value).toFixed(1);
}

/**
 * The reports' sentence on how the measures treat non-converged fits, as
 * `performanceMeasures` did under `rule` (its `nonconverged` option).
 */
export function nonconvergedNote(rule: NonconvergedRule = "use"): string {
  if (rule === "use") return "Non-converged fits are used in the measures and counted in nconv%.";
  if (rule === "exclude") {
    return "Non-converged fits are excluded from the measures (as failures are) and counted " +
      "in nconv%.";
  }
  throw new TypeError(`nonconverged is ${JSON.stringify(rule)}; expected "use" or "exclude"`);
}
