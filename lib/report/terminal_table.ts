/**
 * The report's terminal table, in 100 columns. It opens with the scale of
 * the numbers (estimates of variance components are variances, not SDs),
 * then per condition:
 *
 * - a fits block, one row per method: the failure, non-convergence and
 *   boundary rates, which are properties of a fit, not of a parameter;
 * - an estimates block, one row per method x parameter: bias and relative
 *   bias with their MCSEs, empirical and model SE, RMSE;
 * - an intervals block, one row per method x parameter x interval method:
 *   coverage over all replicates (an undefined interval is a miss) and
 *   over the defined intervals, the share undefined and the mean width,
 *   each with its MCSE;
 * - a tests block when the study has tests.
 *
 * Each column has one number of decimals, chosen from its values' (or
 * MCSEs') typical magnitude, and an MCSE has the decimals of its estimate;
 * rates and coverage are in percent. A coverage further than 2 MCSE from
 * the nominal level is highlighted: bold red on a terminal, else marked `*`
 * with a legend. A block wider than the width wraps its columns.
 *
 * @module
 */

import type { MeasureName, MeasureRow } from "./measure_row.ts";
import type { FailureGroup } from "./failure_summary.ts";
import { columnDecimals, fixed, fixedWithMcse, percent, rate, short } from "./_format.ts";

/** Options of {@linkcode terminalTable}. */
export interface TerminalTableOptions {
  /** Nominal coverage of the intervals. @default 0.95 */
  nominal?: number;
  /** Highlight with ANSI bold red instead of `*`. @default false */
  color?: boolean;
  /** Maximum line width; a wider block wraps its columns into more blocks. @default 100 */
  width?: number;
  /**
   * The store's failures (from `failureSummary`): listed, with a replay
   * command each, when no estimate is left to report.
   */
  failures?: readonly FailureGroup[];
  /** How to replay a replicate, from its key. @default `replay key '<key>'` */
  replay?: (key: string) => string;
}

const BOLD_RED = "\x1b[1;31m", RESET = "\x1b[0m";

/** The lines on the scale of the numbers that open every table with estimates. */
const SCALE_LINES = [
  "estimates of group terms and Residual are variances (not SDs); fixed effects on the scale of y;",
  "  bias, SEs, RMSE and widths in the estimate's units; rates, coverage and relative bias in %",
];

/** The legend of the fits blocks, printed once below the table when it has any. */
const FITS_LEGEND = "fits, one row per method (a fit estimates all its parameters or none): " +
  "fail% replicates\n  without an estimate, nconv% not converged, bound% boundary (singular) " +
  "fits among those used";

/** The legend of the intervals blocks, printed once below the table when it has any. */
const INTERVALS_LEGEND =
  "intervals, each with its MCSE: cover% over all replicates (an undefined, failed or missing\n" +
  "  interval is a miss), cover% def over the defined ones, undef% share not defined, width\n" +
  "  mean width of the defined ones";

/** The legend of the tests blocks, printed once below the table when it has any. */
const TESTS_LEGEND = "tests: reject % of the n ok tests with its MCSE, a size when the truth " +
  "is 0, else a power;\n  not ok%: replicates without an ok test (undefined, not applicable, " +
  "failed, no fit)";

/**
 * True when a coverage is further than 2 MCSE from `nominal` (an MCSE of 0 flags any miss).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { coverageOff } from "./terminal_table.ts";
 * const row = {
 *   condition: "c", method: "REML", parameter: "g", interval: "wald",
 *   measure: "coverage" as const, value: 0.9, mcse: 0.01,
 * };
 * assert.equal(coverageOff(row, 0.95), true); // 5 MCSE below
 * assert.equal(coverageOff({ ...row, mcse: 0.03 }, 0.95), false); // 1.7 MCSE
 * ```
 */
export function coverageOff(row: MeasureRow, nominal: number): boolean {
  if (row.value === null || row.mcse === null) return false;
  return Math.abs(row.value - nominal) > 2 * row.mcse + 1e-12;
}

/** A table cell: its text and, when set, a highlight applied after padding. */
interface Cell {
  text: string;
  flag?: boolean;
}

/** How a block is laid out: its key (left-aligned) columns, colour, maximum width. */
interface Style {
  keys: number;
  color: boolean;
  width: number;
}

/** Pads `rows` under `header`: the first `keys` columns left-aligned, the others right. */
function layout(header: string[], rows: Cell[][], style: Omit<Style, "width">): string[] {
  const { keys, color } = style;
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].text.length)));
  const line = (cells: Cell[]) =>
    cells.map((cell, c) => {
      const padded = c < keys ? cell.text.padEnd(widths[c]) : cell.text.padStart(widths[c]);
      return cell.flag && color ? `${BOLD_RED}${padded}${RESET}` : padded;
    }).join("  ").trimEnd();
  return [line(header.map((text) => ({ text }))), ...rows.map(line)];
}

/**
 * {@linkcode layout}, with the value columns split into several blocks
 * (each repeating the `keys` columns) when one line would exceed `width`.
 */
function wrapped(header: string[], rows: Cell[][], style: Style): string[] {
  const keys = style.keys;
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].text.length)));
  const keyWidth = widths.slice(0, keys).reduce((a, w) => a + w + 2, 0);
  const chunks: number[][] = [];
  let used = keyWidth;
  for (let c = keys; c < header.length; c++) {
    if (chunks.length === 0 || used + widths[c] > style.width) {
      chunks.push([]);
      used = keyWidth;
    }
    chunks.at(-1)!.push(c);
    used += widths[c] + 2;
  }
  const pick = <T>(
    list: T[],
    chunk: number[],
  ) => [...list.slice(0, keys), ...chunk.map((c) => list[c])];
  return chunks.flatMap((chunk) =>
    layout(pick(header, chunk), rows.map((r) => pick(r, chunk)), style)
  );
}

/** The rows of one condition, indexed by method, parameter, interval and measure. */
class ConditionRows {
  readonly #index = new Map<string, MeasureRow>();
  /** Method x parameter pairs, in order. */
  readonly pairs: [string, string][];
  /** Methods, in order. */
  readonly methods: string[];
  /** Interval methods, in order. */
  readonly intervals: string[];

  constructor(readonly rows: readonly MeasureRow[]) {
    for (const r of rows) {
      if (r.test !== undefined) continue;
      this.#index.set(
        `${r.method}\u0000${r.parameter}\u0000${r.interval ?? ""}\u0000${r.measure}`,
        r,
      );
    }
    this.pairs = [...new Set(rows.map((r) => `${r.method}\u0000${r.parameter}`))]
      .map((k) => k.split("\u0000") as [string, string]);
    this.methods = [...new Set(this.pairs.map(([m]) => m))];
    this.intervals = [...new Set(rows.flatMap((r) => r.interval === null ? [] : [r.interval]))];
  }

  /** The row of `measure` of method x parameter (x interval, null for estimator measures). */
  get(at: readonly [string, string, string | null], measure: MeasureName): MeasureRow | undefined {
    const [m, p, i] = at;
    return this.#index.get(`${m}\u0000${p}\u0000${i ?? ""}\u0000${measure}`);
  }

  /** Every row of `measure` (of any method, parameter and interval). */
  all(measure: MeasureName): MeasureRow[] {
    return this.rows.filter((r) => r.measure === measure && r.test === undefined);
  }
}

const FIT_MEASURES = ["failure_rate", "nonconvergence_rate", "boundary_rate"] as const;

/**
 * A per-fit rate of method `m`: the same on every parameter row (a fit
 * estimates all its parameters or none), so shown once; a range `lo-hi`
 * should the parameters ever disagree.
 */
function fitRate(v: ConditionRows, of: { method: string; measure: MeasureName }): string {
  const values = v.pairs.filter(([method]) => method === of.method)
    .flatMap(([m, p]) => {
      const x = v.get([m, p, null], of.measure)?.value;
      return x === null || x === undefined ? [] : [x];
    });
  if (values.length === 0) return "-";
  const lo = Math.min(...values), hi = Math.max(...values);
  return hi - lo <= 1e-12 ? rate(lo) : `${rate(lo)}-${rate(hi)}`;
}

/** The fits block: one row per method with its failure, non-convergence and boundary rates. */
function fitsBlock(v: ConditionRows, style: { color: boolean; width: number }): string[] {
  if (!FIT_MEASURES.some((m) => v.all(m).length > 0)) return [];
  const rows = v.methods.map((m) => [
    { text: `  ${m}` },
    ...FIT_MEASURES.map((measure) => ({ text: fitRate(v, { method: m, measure }) })),
  ]);
  return wrapped(["  fits", "fail%", "nconv%", "bound%"], rows, { ...style, keys: 1 });
}

const ESTIMATE_MEASURES = ["bias", "relative_bias", "empirical_se", "model_se", "rmse"] as const;

/**
 * Decimals of a column with MCSEs: 2 significant digits of its typical
 * MCSE, or 3 of its typical value when no MCSE is more than rounding error
 * (1e-9 of its value, as for identical widths).
 */
function mcseDecimals(rows: readonly MeasureRow[]): number {
  const mcses = rows.map((r) =>
    r.mcse !== null && r.mcse > 1e-9 * Math.abs(r.value ?? 0) ? r.mcse : null
  );
  return mcses.some((x) => x !== null && x > 0)
    ? columnDecimals(mcses, { digits: 2 })
    : columnDecimals(rows.map((r) => r.value));
}

/** Decimals of a percent column: 1 significant digit of its typical MCSE, 1 to 3 decimals. */
function percentDecimals(rows: readonly MeasureRow[]): number {
  return columnDecimals(rows.map((r) => r.mcse === null ? null : 100 * r.mcse), {
    digits: 1,
    min: 1,
    max: 3,
  });
}

/** A proportion row in percent, with its MCSE, to `decimals`. */
function percentCell(row: MeasureRow | undefined, decimals: number): string {
  if (!row || row.value === null) return "-";
  const mcse = row.mcse === null ? null : 100 * row.mcse;
  return fixedWithMcse({ value: 100 * row.value, mcse }, decimals);
}

/** The estimates block: one row per method x parameter. */
function estimatesBlock(v: ConditionRows, style: { color: boolean; width: number }): string[] {
  if (!ESTIMATE_MEASURES.some((m) => v.all(m).length > 0)) return [];
  const biasDecimals = mcseDecimals(v.all("bias"));
  const relativeDecimals = percentDecimals(v.all("relative_bias"));
  const spreads = ["empirical_se", "model_se", "rmse"] as const;
  const seDecimals = columnDecimals(spreads.flatMap((m) => v.all(m).map((r) => r.value)));
  const rows = v.pairs.map(([m, p]) => {
    const plain = (measure: MeasureName) => fixed(v.get([m, p, null], measure)?.value, seDecimals);
    return [
      `  ${m}`,
      p,
      fixedWithMcse(v.get([m, p, null], "bias"), biasDecimals),
      percentCell(v.get([m, p, null], "relative_bias"), relativeDecimals),
      plain("empirical_se"),
      plain("model_se"),
      plain("rmse"),
    ].map((text) => ({ text }));
  });
  const header = [
    "  method",
    "parameter",
    "bias (MCSE)",
    "rel bias% (MCSE)",
    "emp SE",
    "model SE",
    "RMSE",
  ];
  return wrapped(header, rows, { ...style, keys: 2 });
}

/** The intervals block and whether it flagged a coverage. */
function intervalsBlock(
  v: ConditionRows,
  style: { nominal: number; color: boolean; width: number },
): { lines: string[]; flagged: boolean } {
  const keys = v.pairs.flatMap(([m, p]) =>
    v.intervals.filter((i) => v.get([m, p, i], "coverage") || v.get([m, p, i], "coverage_defined"))
      .map((i) => [m, p, i] as const)
  );
  if (keys.length === 0) return { lines: [], flagged: false };
  let flagged = false;
  const pct = percentDecimals(
    v.all("coverage").length > 0 ? v.all("coverage") : v.all("coverage_defined"),
  );
  const widthDecimals = mcseDecimals(v.all("mean_width"));
  const coverage = (row: MeasureRow | undefined): Cell => {
    const off = row !== undefined && coverageOff(row, style.nominal);
    flagged ||= off;
    return { text: percentCell(row, pct) + (off && !style.color ? "*" : ""), flag: off };
  };
  const rows = keys.map((key) => [
    { text: `  ${key[0]}` },
    { text: key[1] },
    { text: key[2] },
    coverage(v.get(key, "coverage")),
    coverage(v.get(key, "coverage_defined")),
    { text: percentCell(v.get(key, "undefined_rate"), pct) },
    { text: fixedWithMcse(v.get(key, "mean_width"), widthDecimals) },
  ]);
  if (flagged && !style.color) {
    // An unmarked cell of a marked column gets a space for the mark, so decimals line up.
    for (const c of [3, 4]) {
      if (!rows.some((r) => r[c].flag)) continue;
      for (const r of rows) if (!r[c].flag) r[c].text += " ";
    }
  }
  const header = ["  method", "parameter", "interval", "cover%", "cover% def", "undef%", "width"];
  return { lines: wrapped(header, rows, { ...style, keys: 3 }), flagged };
}

/** The tests block of one condition's rows: one line per method x parameter x test. */
function testsBlock(group: readonly MeasureRow[], color: boolean): string[] {
  const tests = group.filter((r) => r.test !== undefined);
  if (tests.length === 0) return [];
  const index = new Map<string, MeasureRow>();
  for (const r of tests) {
    index.set(`${r.method}\u0000${r.parameter}\u0000${r.test}\u0000${r.measure}`, r);
  }
  const keys = [...new Set(tests.map((r) => `${r.method}\u0000${r.parameter}\u0000${r.test}`))];
  const rows = keys.map((k) => {
    const [method, parameter, test] = k.split("\u0000");
    const get = (measure: MeasureName) => index.get(`${k}\u0000${measure}`);
    const rejection = get("rejection");
    return [
      `  ${method}`,
      parameter,
      test,
      short(rejection?.truth ?? null),
      rejection?.kind ?? "-",
      String(get("tested")?.value ?? "-"),
      percent(rejection?.value ?? null, rejection?.mcse ?? null),
      rate(get("not_ok_rate")?.value),
    ].map((text) => ({ text }));
  });
  const header = [
    "  tests",
    "parameter",
    "test",
    "truth",
    "kind",
    "n",
    "reject % (MCSE)",
    "not ok%",
  ];
  return layout(header, rows, { keys: 3, color });
}

/** The table of a store without estimates: its failures, or that nothing is stored. */
function emptyTable(options: TerminalTableOptions): string {
  const failures = options.failures ?? [];
  if (failures.length === 0) return "no replicates stored\n";
  const replay = options.replay ?? ((key: string) => `replay key '${key}'`);
  const lines = [
    "no estimates to report: every stored replicate, or every fit of it, failed",
    "failures, stored with their messages:",
  ];
  for (const g of failures) {
    const where = g.where === "replicate" ? "" : `${g.where} fit: `;
    lines.push(`  ${g.count} x ${where}${g.message}; replay one with: ${replay(g.replay)}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * Formats measure rows (as from `performanceMeasures`) as text, ending in a
 * newline: the scale lines, then per condition a `<condition>  (<n>
 * replicates)` line and its fits, estimates, intervals and tests blocks
 * (each only when the rows have its measures), then the legends. Without
 * rows, the `failures` with a replay command each, or `no replicates
 * stored` when there are none.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { terminalTable } from "./terminal_table.ts";
 * const row = (measure: "attempted" | "coverage", value: number, mcse: number | null) => ({
 *   condition: "n=5", method: "REML", parameter: "group1",
 *   interval: measure === "coverage" ? "wald" : null, measure, value, mcse,
 * });
 * const text = terminalTable([row("attempted", 100, null), row("coverage", 0.8, 0.04)]);
 * assert.match(text, /^estimates of group terms and Residual are variances \(not SDs\)/);
 * assert.match(text, /^n=5 {2}\(100 replicates\)$/m);
 * assert.match(text, /^ {2}REML +group1 +wald +80\.0 \(4\.0\)[*]/m); // more than 2 MCSE from 95%
 * ```
 */
export function terminalTable(
  rows: readonly MeasureRow[],
  options: TerminalTableOptions = {},
): string {
  if (rows.length === 0) return emptyTable(options);
  const nominal = options.nominal ?? 0.95;
  const style = { color: options.color ?? false, width: options.width ?? 100 };
  const out: string[] = [...SCALE_LINES, ""];
  let flagged = false, fits = false, intervals = false, tested = false;
  for (const condition of [...new Set(rows.map((r) => r.condition))]) {
    const group = rows.filter((r) => r.condition === condition);
    const v = new ConditionRows(group);
    const attempted = group.find((r) => r.measure === "attempted")?.value;
    out.push(`${condition}  (${attempted ?? "?"} replicates)`);
    const fitLines = fitsBlock(v, style);
    fits ||= fitLines.length > 0;
    out.push(...fitLines, ...estimatesBlock(v, style));
    const block = intervalsBlock(v, { ...style, nominal });
    flagged ||= block.flagged;
    intervals ||= block.lines.length > 0;
    const tests = testsBlock(group, style.color);
    tested ||= tests.length > 0;
    out.push(...block.lines, ...tests, "");
  }
  if (fits) out.push(FITS_LEGEND, "");
  if (intervals) out.push(INTERVALS_LEGEND, "");
  if (tested) out.push(TESTS_LEGEND, "");
  if (flagged) {
    const level = `${Number((100 * nominal).toPrecision(6))}%`;
    out.push(
      style.color
        ? `${BOLD_RED}bold red${RESET}: coverage more than 2 MCSE from the nominal ${level}`
        : `*: coverage more than 2 MCSE from the nominal ${level}`,
      "",
    );
  }
  return out.join("\n");
}
