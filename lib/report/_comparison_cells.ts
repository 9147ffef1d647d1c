/**
 * The cells of the paired-comparison tables (terminal block, Markdown,
 * HTML): one line per condition x method x parameter, each column with the
 * same number of decimals in every line, fixed by the column's largest
 * Monte Carlo SE (2 significant digits of it), so the digits shown are
 * those the least precise value of the column supports. Percentages are
 * in percent (relative precision) and percentage points (coverage
 * differences, at most one decimal as the coverage tables show).
 *
 * @module
 */

import type { ComparisonMeasure, ComparisonRow } from "./paired_comparisons.ts";
import { short } from "./_format.ts";

/** One line of a comparison table: a method x parameter of one condition. */
export interface ComparisonLine {
  readonly method: string;
  readonly parameter: string;
  /** Pairs (replicates where both have an estimate). */
  readonly n: string;
  /** Relative % increase in precision over the reference, with MCSE. */
  readonly precision: string;
  /** Correlation of the paired estimates. */
  readonly correlation: string;
  readonly bias: string;
  readonly mse: string;
  /** Coverage difference in percentage points with MCSE, per interval method of the table. */
  readonly coverage: readonly string[];
}

/** The comparisons of one condition with one reference. */
export interface ComparisonTableCells {
  readonly condition: string;
  readonly reference: string;
  /** The interval methods of the coverage columns, in row order. */
  readonly intervals: readonly string[];
  readonly lines: readonly ComparisonLine[];
}

/** The tables' note on what the columns are. */
export const COMPARISON_NOTE = "Paired comparisons with the reference method (method - " +
  "reference, MCSE in parentheses): rel. prec. % is 100 (EmpSE_ref^2 / EmpSE^2 - 1), positive " +
  "when the method's estimates vary less, and corr the correlation of the paired estimates " +
  "(Morris, White & Crowther 2019, Table 6); these and the bias and MSE differences are over " +
  "the n replicates where both methods have an estimate. Coverage differences are in " +
  "percentage points over all attempted replicates (an undefined or failed interval is a " +
  "miss, as in the coverage).";

const MAX_DECIMALS = 6;

/** Fixed-point text of `x` with `d` decimals, without a sign on a rounded zero. */
function fixed(x: number, d: number): string {
  const text = x.toFixed(d);
  return /^-[0.]+$/.test(text) ? text.slice(1) : text;
}

/**
 * The cells of one column of `value (mcse)` pairs scaled by `scale`, all
 * with the decimals of the largest MCSE (at most `maxDecimals`); with
 * `decimals` when none has one; in {@linkcode short} form when those would
 * be more than 6 or fewer than 0, or a value is 1e5 or more.
 */
function columnCells(
  cells: readonly (ComparisonRow | undefined)[],
  options: { scale?: number; decimals?: number; maxDecimals?: number; mcse?: boolean } = {},
): string[] {
  const scale = options.scale ?? 1, withMcse = options.mcse ?? true;
  const most = options.maxDecimals ?? MAX_DECIMALS;
  const values = cells.map((c) =>
    c?.value === null || c === undefined ? null : [
      c.value * scale,
      withMcse && c.mcse !== null && Number.isFinite(c.mcse) ? c.mcse * scale : null,
    ] as const
  );
  const mcses = values.flatMap((v) => v !== null && v[1] !== null && v[1] > 0 ? [v[1]] : []);
  const big = values.some((v) => v !== null && Math.abs(v[0]) >= 1e5);
  let d = mcses.length > 0 ? 1 - Math.floor(Math.log10(Math.max(...mcses))) : options.decimals ?? 2;
  if (big || d < 0 || d > MAX_DECIMALS) d = -1;
  else d = Math.min(d, most);
  return values.map((v) => {
    if (v === null) return "-";
    const [value, mcse] = v;
    if (d < 0) return mcse === null ? short(value) : `${short(value)} (${short(mcse)})`;
    return mcse === null ? fixed(value, d) : `${fixed(value, d)} (${fixed(mcse, d)})`;
  });
}

/** The rows of one condition x reference as table cells. */
function tableCells(group: readonly ComparisonRow[]): ComparisonTableCells {
  const index = new Map<string, ComparisonRow>();
  for (const r of group) {
    index.set(`${r.method}\u0000${r.parameter}\u0000${r.interval ?? ""}\u0000${r.measure}`, r);
  }
  const pairs = [...new Set(group.map((r) => `${r.method}\u0000${r.parameter}`))]
    .map((k) => k.split("\u0000") as [string, string]);
  const intervals = [...new Set(group.flatMap((r) => r.interval === null ? [] : [r.interval]))];
  const get = (measure: ComparisonMeasure, interval: string | null = null) =>
    pairs.map(([m, p]) => index.get(`${m}\u0000${p}\u0000${interval ?? ""}\u0000${measure}`));
  const precision = get("relative_precision_increase");
  const estimators = [precision, get("bias_difference"), get("mse_difference")];
  const columns = [
    columnCells(precision, { decimals: 1 }),
    columnCells(get("correlation"), { decimals: 3, mcse: false }),
    columnCells(estimators[1]),
    columnCells(estimators[2]),
  ];
  const coverage = intervals.map((i) =>
    columnCells(get("coverage_difference", i), { scale: 100, decimals: 1, maxDecimals: 1 })
  );
  return {
    condition: group[0].condition,
    reference: group[0].reference,
    intervals,
    lines: pairs.map(([method, parameter], k) => ({
      method,
      parameter,
      n: String(estimators.find((c) => c[k] !== undefined)?.[k]?.n ?? "-"),
      precision: columns[0][k],
      correlation: columns[1][k],
      bias: columns[2][k],
      mse: columns[3][k],
      coverage: coverage.map((c) => c[k]),
    })),
  };
}

/**
 * The comparison rows (as from `pairedComparisons`) as table cells, one
 * table per condition x reference in row order; none for no rows.
 */
export function comparisonCells(rows: readonly ComparisonRow[]): ComparisonTableCells[] {
  const groups = new Map<string, ComparisonRow[]>();
  for (const r of rows) {
    const key = `${r.condition}\u0000${r.reference}`;
    let list = groups.get(key);
    if (!list) groups.set(key, list = []);
    list.push(r);
  }
  return [...groups.values()].map(tableCells);
}
