/**
 * Number formatting of the fit summaries: columns of values with a common
 * number of decimals chosen from their significant digits (R's `format`),
 * p-values (R's `format.pval`), and the exact tail-probability labels of a
 * confidence level.
 *
 * @module
 */

/** Options of {@linkcode _formatColumn}. */
export interface ColumnFormat {
  /** Significant digits every value keeps at least (R's `digits`). */
  readonly digits: number;
}

// Beyond this many decimals a column is printed in scientific notation.
const MAX_DECIMALS = 15;

/** Significant digits a value needs (trailing zeros dropped) and its decimal exponent. */
function significant(x: number, digits: number): { nsig: number; exponent: number } {
  const [mantissa, exponent] = Math.abs(x).toExponential(digits - 1).split("e");
  const kept = mantissa.replace(".", "").replace(/0+$/, "");
  return { nsig: Math.max(1, kept.length), exponent: Number(exponent) };
}

/** `x.toExponential(m)` with a two-digit exponent, as R prints it (`1.5e+03`). */
function scientific(x: number, mantissaDecimals: number): string {
  const [m, e] = x.toExponential(mantissaDecimals).split("e");
  const sign = e.startsWith("-") ? "-" : "+";
  return `${m}e${sign}${e.replace(/^[-+]/, "").padStart(2, "0")}`;
}

/**
 * Formats a column of numbers as R's `format(x, digits)` does: each value
 * keeps at least `digits` significant digits, all share the decimals the
 * most demanding one needs, and the column switches to scientific notation
 * when that is narrower. Null, undefined and non-finite entries give `""`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { _formatColumn } from "./_summary_numbers.ts";
 * assert.deepEqual(_formatColumn([8.742187, 3.918154, 15.882555], { digits: 4 }), [
 *   "8.742", "3.918", "15.883",
 * ]);
 * assert.deepEqual(_formatColumn([1.6e14, 2.5e12, null], { digits: 4 }), [
 *   "1.6e+14", "2.5e+12", "",
 * ]);
 * ```
 */
export function _formatColumn(
  values: readonly (number | null | undefined)[],
  options: ColumnFormat,
): string[] {
  const digits = options.digits;
  if (!(Number.isInteger(digits) && digits >= 1 && digits <= 15)) {
    throw new RangeError(`digits must be an integer from 1 to 15, got ${digits}`);
  }
  const finite = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  let decimals = 0, mantissa = 0;
  for (const x of finite) {
    if (x === 0) continue;
    const { nsig, exponent } = significant(x, digits);
    decimals = Math.max(decimals, nsig - 1 - exponent);
    mantissa = Math.max(mantissa, nsig - 1);
  }
  const shown = (x: number) => (Object.is(x, -0) ? 0 : x);
  const fixed = decimals <= MAX_DECIMALS ? finite.map((x) => shown(x).toFixed(decimals)) : null;
  const sci = finite.map((x) => scientific(shown(x), mantissa));
  const width = (list: string[]) => Math.max(0, ...list.map((s) => s.length));
  const chosen = fixed !== null && width(fixed) <= width(sci) ? fixed : sci;
  let next = 0;
  return values.map((v) => typeof v === "number" && Number.isFinite(v) ? chosen[next++] : "");
}

/**
 * Formats `values` with {@linkcode _formatColumn} group by group: the
 * entries with the same key in `groups` share their decimals (e.g. the
 * fixed effects, on the data's scale, apart from the variances, on its
 * square).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { _formatGroups } from "./_summary_numbers.ts";
 * assert.deepEqual(
 *   _formatGroups([1527.5, 1764.05, 2451.25], ["fixed", "var", "var"], { digits: 4 }),
 *   ["1528", "1764", "2451"],
 * );
 * assert.deepEqual(_formatGroups([0.25, 1e-8], ["a", "b"], { digits: 2 }), ["0.25", "1e-08"]);
 * ```
 */
export function _formatGroups(
  values: readonly (number | null | undefined)[],
  groups: readonly string[],
  options: ColumnFormat,
): string[] {
  if (groups.length !== values.length) {
    throw new RangeError(
      `groups must have one key per value, got ${groups.length} for ${values.length}`,
    );
  }
  const out = new Array<string>(values.length).fill("");
  for (const key of new Set(groups)) {
    const at = groups.flatMap((g, i) => g === key ? [i] : []);
    const text = _formatColumn(at.map((i) => values[i]), options);
    at.forEach((i, k) => out[i] = text[k]);
  }
  return out;
}

/**
 * Formats p-values as R's `format.pval(p, digits)` does: values from 1e-3
 * up as one column, smaller ones as another, and those below machine
 * epsilon as `<2e-16`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { _formatPValues } from "./_summary_numbers.ts";
 * assert.deepEqual(_formatPValues([1e-20, 0.013298, 0.29049], { digits: 3 }), [
 *   "<2e-16", "0.0133", "0.2905",
 * ]);
 * ```
 */
export function _formatPValues(
  values: readonly (number | null | undefined)[],
  options: ColumnFormat,
): string[] {
  const eps = Number.EPSILON;
  const isNumber = (p: number | null | undefined): p is number =>
    typeof p === "number" && Number.isFinite(p);
  const large = _formatColumn(
    values.map((p) => isNumber(p) && (p === 0 || p >= 1e-3) && p >= eps ? p : null),
    options,
  );
  const small = _formatColumn(
    values.map((p) => isNumber(p) && p > 0 && p < 1e-3 && p >= eps ? p : null),
    options,
  );
  return values.map((p, i) => {
    if (!isNumber(p)) return "";
    if (p < eps) return `<${scientific(eps, 0).replace(/e-0?/, "e-")}`;
    return large[i] !== "" ? large[i] : small[i];
  });
}

/** The fewest decimals that write `x` exactly (a level as typed: 0.95, 0.999). */
function decimalsOf(x: number): number {
  const [mantissa, exponent = "0"] = String(x).split("e");
  return Math.max(0, (mantissa.split(".")[1]?.length ?? 0) - Number(exponent));
}

/** `x` with `decimals` decimals, trailing zeros beyond `keep` decimals dropped. */
function trimmed(x: number, decimals: number, keep: number): string {
  if (decimals <= keep) return x.toFixed(keep);
  const text = x.toFixed(decimals);
  const cut = text.replace(/0+$/, "");
  const have = cut.split(".")[1]?.length ?? 0;
  return have >= keep ? cut.replace(/\.$/, "") : x.toFixed(keep);
}

/** The tail probabilities of a two-sided interval at `level`, as exact decimal text. */
export interface TailLabels {
  /** (1 - level) / 2, e.g. `0.025`. */
  readonly lower: string;
  /** 1 - (1 - level) / 2, e.g. `0.975`. */
  readonly upper: string;
  /** The same as percentages, e.g. `2.5` and `97.5`. */
  readonly lowerPercent: string;
  /** Upper percentage. */
  readonly upperPercent: string;
  /** The level as a percentage, e.g. `95` or `99.9`. */
  readonly levelPercent: string;
}

/**
 * Exact labels of the two tails of a `level` interval: the level as typed
 * has d decimals, so (1 - level) / 2 has at most d + 1, and those are
 * written out (at least three for probabilities, as statsmodels' `[0.025`).
 * Throws a RangeError unless 0 < level < 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { _tailLabels } from "./_summary_numbers.ts";
 * assert.deepEqual(_tailLabels(0.999), {
 *   lower: "0.0005", upper: "0.9995",
 *   lowerPercent: "0.05", upperPercent: "99.95", levelPercent: "99.9",
 * });
 * assert.equal(_tailLabels(0.9).lower, "0.050");
 * ```
 */
export function _tailLabels(level: number): TailLabels {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  const d = Math.min(decimalsOf(level) + 1, 98);
  const q = (1 - level) / 2;
  return {
    lower: trimmed(q, d, 3),
    upper: trimmed(1 - q, d, 3),
    lowerPercent: trimmed(100 * q, Math.max(0, d - 2), 0),
    upperPercent: trimmed(100 * (1 - q), Math.max(0, d - 2), 0),
    levelPercent: trimmed(100 * level, Math.max(0, d - 3), 0),
  };
}
