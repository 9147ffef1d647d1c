/**
 * Number formatting shared by the report's text outputs (terminal table,
 * Markdown): values rounded to the precision their Monte Carlo SE supports,
 * per cell or, for the terminal table, per column (the same decimals down a
 * column); and the reports' note on non-converged fits.
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

/** The median of the finite non-zero magnitudes of `values`; null when there are none. */
function typicalMagnitude(values: readonly (number | null | undefined)[]): number | null {
  const sorted = values.flatMap((v) =>
    v === null || v === undefined || !Number.isFinite(v) || v === 0 ? [] : [Math.abs(v)]
  ).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Options of {@linkcode columnDecimals}. */
export interface ColumnDecimalsOptions {
  /** Significant digits of the typical magnitude to show. @default 3 */
  digits?: number;
  /** Fewest decimals. @default 0 */
  min?: number;
  /** Most decimals. @default 6 */
  max?: number;
}

/**
 * The decimal places of one table column: enough for `digits` significant
 * digits of its typical magnitude (the median absolute value among the
 * finite non-zero `values`), clamped to `[min, max]`; `min` when there is no
 * such value. Pass a column's values, or its MCSEs to round the column to
 * the precision its Monte Carlo error supports.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { columnDecimals } from "./_format.ts";
 * // Median 0.1025: 3 significant digits need 3 decimals (0.103).
 * assert.equal(columnDecimals([0.0654, 0.1025, 3.15]), 3);
 * // MCSEs to 2 significant digits: median 0.0074 needs 4 decimals (0.0074).
 * assert.equal(columnDecimals([0.0072, 0.0074, 0.0076], { digits: 2 }), 4);
 * assert.equal(columnDecimals([null, 0]), 0);
 * ```
 */
export function columnDecimals(
  values: readonly (number | null | undefined)[],
  options: ColumnDecimalsOptions = {},
): number {
  const digits = options.digits ?? 3, min = options.min ?? 0, max = options.max ?? 6;
  const typical = typicalMagnitude(values);
  if (typical === null) return min;
  // Rounded first, so 0.001 (log10 -2.9999999999999996 in floating point) is exactly -3.
  const exponent = Math.floor(Number(Math.log10(typical).toFixed(9)));
  return Math.min(max, Math.max(min, digits - 1 - exponent));
}

/**
 * `value` with `decimals` decimal places; `-` for null or undefined; a
 * magnitude of 10^6 or more (or a non-finite value) in e-notation, which
 * fixed decimals would blow up.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fixed } from "./_format.ts";
 * assert.deepEqual([fixed(3.14159, 3), fixed(0.5, 3), fixed(null, 2)], ["3.142", "0.500", "-"]);
 * assert.equal(fixed(12345678, 2), "1.23e+7");
 * ```
 */
export function fixed(value: number | null | undefined, decimals: number): string {
  if (value === null || value === undefined) return "-";
  if (!Number.isFinite(value) || Math.abs(value) >= 1e6) return value.toExponential(2);
  return value.toFixed(decimals);
}

/**
 * `value (mcse)` of an estimate, both with `decimals` decimal places (see
 * {@linkcode fixed}); `value` alone when the MCSE is null; `-` when the
 * value is null or there is no estimate.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fixedWithMcse } from "./_format.ts";
 * assert.equal(fixedWithMcse({ value: -0.0091, mcse: 0.0072 }, 4), "-0.0091 (0.0072)");
 * assert.equal(fixedWithMcse({ value: 0.008, mcse: 0.012 }, 4), "0.0080 (0.0120)");
 * assert.equal(fixedWithMcse({ value: 0.5, mcse: null }, 2), "0.50");
 * ```
 */
export function fixedWithMcse(
  estimate: { value: number | null; mcse: number | null } | undefined,
  decimals: number,
): string {
  if (estimate === undefined || estimate.value === null) return "-";
  const text = fixed(estimate.value, decimals);
  return estimate.mcse === null ? text : `${text} (${fixed(estimate.mcse, decimals)})`;
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
