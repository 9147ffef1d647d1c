/**
 * The report's terminal table: per condition an estimator block (failure,
 * non-convergence and boundary rates in percent, bias with its MCSE,
 * empirical and model SE, RMSE), a coverage block (percent with MCSE per
 * interval method in 100 columns. Coverage further than 2 MCSE
 * from the nominal level is highlighted: bold red on a terminal, else
 * marked `*` with a legend.
 *
 * @module
 */

import type { MeasureName, MeasureRow } from "./measure_row.ts";
import { percent, rate, short, withMcse } from "./_format.ts";

/** Options of {@linkcode terminalTable}. */
export interface TerminalTableOptions {
  /** Nominal coverage of the intervals. @default 0.95 */
  nominal?: number;
  /** Highlight with ANSI bold red instead of `*`. @default false */
  color?: boolean;
  /** Maximum line width; interval columns wrap into more blocks to fit. @default 100 */
  width?: number;
}

const BOLD_RED = "\x1b[1;31m", RESET = "\x1b[0m";

/** True when a coverage is further than 2 MCSE from `nominal` (an MCSE of 0 flags any miss). */
export function coverageOff(row: MeasureRow, nominal: number): boolean {
  if (row.value === null || row.mcse === null) return false;
  return Math.abs(row.value - nominal) > 2 * row.mcse + 1e-12;
}

/** A table cell: its text and, when set, a highlight applied after padding. */
interface Cell {
  text: string;
  flag?: boolean;
}

function layout(
  header: string[],
  rows: Cell[][],
  leftColumns: number,
  color: boolean,
): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].text.length)));
  const line = (cells: Cell[]) =>
    cells.map((cell, c) => {
      const padded = c < leftColumns ? cell.text.padEnd(widths[c]) : cell.text.padStart(widths[c]);
      return cell.flag && color ? `${BOLD_RED}${padded}${RESET}` : padded;
    }).join("  ").trimEnd();
  return [line(header.map((text) => ({ text }))), ...rows.map(line)];
}

/** The legend of the tests blocks, printed once below the table when it has any. */
const TESTS_LEGEND = "tests: reject % of the n ok tests with its MCSE, a size when the truth " +
  "is 0, else a power;\n  not ok%: replicates without an ok test (undefined, not applicable, " +
  "failed, no fit)";

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
  return layout(header, rows, 3, color);
}

/**
 * Formats measure rows (as from `performanceMeasures`) as text, ending in a
 * newline. Per condition: a `<condition>  (<n> replicates)` line, the
 * estimator block, the coverage block, whose interval columns are split
 * to stay within `width`, and the tests block when the rows have tests.
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
 * assert.match(text, /^n=5 {2}\(100 replicates\)$/m);
 * assert.match(text, /80\.0 \(4\.0\)[*]/); // 0.8 is more than 2 MCSE from 0.95
 * ```
 */
export function terminalTable(
  rows: readonly MeasureRow[],
  options: TerminalTableOptions = {},
): string {
  if (rows.length === 0) return "no replicates stored\n";
  const nominal = options.nominal ?? 0.95;
  const color = options.color ?? false;
  const width = options.width ?? 100;
  const out: string[] = [];
  let flagged = false, tested = false;
  for (const condition of [...new Set(rows.map((r) => r.condition))]) {
    const group = rows.filter((r) => r.condition === condition);
    const index = new Map<string, MeasureRow>();
    for (const r of group) {
      index.set(`${r.method}\u0000${r.parameter}\u0000${r.interval ?? ""}\u0000${r.measure}`, r);
    }
    const get = (m: string, p: string, i: string | null, measure: MeasureName) =>
      index.get(`${m}\u0000${p}\u0000${i ?? ""}\u0000${measure}`);
    const pairs = [...new Set(group.map((r) => `${r.method}\u0000${r.parameter}`))]
      .map((k) => k.split("\u0000") as [string, string]);
    const attempted = group.find((r) => r.measure === "attempted")?.value;
    out.push(`${condition}  (${attempted ?? "?"} replicates)`);

    out.push(
      ...layout(
        [
          "  method",
          "parameter",
          "fail%",
          "nconv%",
          "bound%",
          "bias (MCSE)",
          "emp SE",
          "model SE",
          "RMSE",
        ],
        pairs.map(([m, p]) => {
          const bias = get(m, p, null, "bias");
          return [
            `  ${m}`,
            p,
            rate(get(m, p, null, "failure_rate")?.value),
            rate(get(m, p, null, "nonconvergence_rate")?.value),
            rate(get(m, p, null, "boundary_rate")?.value),
            withMcse(bias?.value ?? null, bias?.mcse ?? null),
            short(get(m, p, null, "empirical_se")?.value ?? null),
            short(get(m, p, null, "model_se")?.value ?? null),
            short(get(m, p, null, "rmse")?.value ?? null),
          ].map((text) => ({ text }));
        }),
        2,
        color,
      ),
    );

    const intervals = [...new Set(group.flatMap((r) => r.interval === null ? [] : [r.interval]))];
    const covered = pairs.filter(([m, p]) => intervals.some((i) => get(m, p, i, "coverage")));
    if (covered.length > 0) {
      const cell = (m: string, p: string, i: string): Cell => {
        const c = get(m, p, i, "coverage");
        if (!c) return { text: "-" };
        const off = coverageOff(c, nominal);
        flagged ||= off;
        return { text: percent(c.value, c.mcse) + (off && !color ? "*" : ""), flag: off };
      };
      const left = Math.max(14, ...covered.map(([m]) => m.length + 2)) + 2 +
        Math.max(6, ...covered.map(([, p]) => p.length));
      let used = left, chunk: string[] = [];
      const emit = () => {
        out.push(
          ...layout(
            ["  coverage %", "(MCSE)", ...chunk],
            covered.map(([m, p]) => [
              { text: `  ${m}` },
              { text: p },
              ...chunk.map((i) => cell(m, p, i)),
            ]),
            2,
            color,
          ),
        );
        chunk = [];
        used = left;
      };
      for (const interval of intervals) {
        // A cell is at most "100.0 (10.0)*".
        const w = 2 + Math.max(13, interval.length);
        if (chunk.length > 0 && used + w > width) emit();
        chunk.push(interval);
        used += w;
      }
      emit();
    }
    const tests = testsBlock(group, color);
    tested ||= tests.length > 0;
    out.push(...tests, "");
  }
  if (tested) out.push(TESTS_LEGEND, "");
  if (flagged) {
    const level = `${Number((100 * nominal).toPrecision(6))}%`;
    out.push(
      color
        ? `${BOLD_RED}bold red${RESET}: coverage more than 2 MCSE from the nominal ${level}`
        : `*: coverage more than 2 MCSE from the nominal ${level}`,
      "",
    );
  }
  return out.join("\n");
}
