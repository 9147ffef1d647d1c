/**
 * A minimal performance table of a store, computed by SQL aggregates: per
 * condition, method and parameter the mean estimate, bias, empirical SD,
 * mean model SE and each interval method's coverage with its Monte Carlo
 * SE. The `study` command prints it after a run; full reports live elsewhere.
 *
 * @module
 */

import type { ResultStore } from "../store/store.ts";

/** Coverage of one interval method. */
export interface CoverageCell {
  /** Interval method, e.g. `wald`. */
  readonly interval: string;
  /** Share of all replicates of the condition whose interval is ok and holds the truth. */
  readonly coverage: number;
  /** Monte Carlo SE, sqrt(p (1 - p) / n). */
  readonly mcse: number;
}

/** One condition x method x parameter row of {@linkcode summaryRows}. */
export interface SummaryRow {
  readonly condition: string;
  readonly method: string;
  readonly parameter: string;
  /** Replicates stored for the condition (the coverage denominator). */
  readonly replicates: number;
  /** Replicates with an estimate. */
  readonly n: number;
  /** The true value; null when the study defines none. */
  readonly truth: number | null;
  /** Mean estimate; null when n is 0. */
  readonly mean: number | null;
  /** Mean of estimate - truth; null without truth or estimates. */
  readonly bias: number | null;
  /** Empirical SD of the estimates; null when n < 2. */
  readonly empiricalSd: number | null;
  /** Mean model-based SE over the estimates that have one; null when none has. */
  readonly meanSe: number | null;
  /** One cell per interval method, in the study's order. */
  readonly coverage: readonly CoverageCell[];
}

// Two passes in SQL: means first, then squared deviations (SQLite's sum of
// squares minus n mean^2 would cancel catastrophically). SQLite has no sqrt.
const ESTIMATES = `
WITH m AS (
  SELECT condition, method, parameter, COUNT(estimate) AS n, AVG(estimate) AS mean,
         AVG(estimate - truth) AS bias, AVG(se) AS mean_se, MAX(truth) AS truth,
         MIN(ordinal) AS ordinal
  FROM estimates GROUP BY condition, method, parameter
)
SELECT m.condition, m.method, m.parameter, m.n, m.mean, m.bias, m.mean_se, m.truth,
  (SELECT SUM((e.estimate - m.mean) * (e.estimate - m.mean)) FROM estimates e
     WHERE e.condition = m.condition AND e.method = m.method AND e.parameter = m.parameter
       AND e.estimate IS NOT NULL) AS ss,
  (SELECT COUNT(*) FROM replicates r WHERE r.condition = m.condition) AS replicates
FROM m
LEFT JOIN conditions c ON c.condition = m.condition
LEFT JOIN (SELECT method, MIN(ordinal) AS ordinal FROM fits GROUP BY method) f
  ON f.method = m.method
ORDER BY c.position, m.condition, f.ordinal, m.method, m.ordinal, m.parameter
`;

const COVERAGE = `
SELECT i.condition, i.method, i.parameter, i.interval,
  SUM(CASE WHEN i.status = 'ok' AND i.lower <= e.truth AND e.truth <= i.upper
      THEN 1 ELSE 0 END) AS hits,
  MIN(i.ordinal) AS ordinal
FROM intervals i JOIN estimates e USING (condition, rep, method, parameter)
WHERE e.truth IS NOT NULL
GROUP BY i.condition, i.method, i.parameter, i.interval
HAVING SUM(i.status <> 'not-applicable') > 0
ORDER BY ordinal, i.interval
`;

/**
 * The performance rows of a store, by condition position, method and
 * parameter. Coverage counts over all stored replicates of the condition:
 * an undefined or failed interval, or a failed fit, is a miss. An interval
 * method that never applies to a parameter (profile limits of a fixed
 * effect under REML, say) gets no cell rather than a coverage of 0.
 */
export function summaryRows(store: ResultStore): SummaryRow[] {
  const cells = new Map<string, CoverageCell[]>();
  const replicatesOf = new Map<string, number>();
  for (
    const row of store.db.prepare(
      "SELECT condition, COUNT(*) AS n FROM replicates GROUP BY condition",
    ).all()
  ) replicatesOf.set(String(row.condition), Number(row.n));
  for (const row of store.db.prepare(COVERAGE).all()) {
    const key = `${row.condition}\u0000${row.method}\u0000${row.parameter}`;
    const n = replicatesOf.get(String(row.condition)) ?? 0;
    const p = n > 0 ? Number(row.hits) / n : 0;
    let list = cells.get(key);
    if (!list) cells.set(key, list = []);
    list.push({
      interval: String(row.interval),
      coverage: p,
      mcse: n > 0 ? Math.sqrt(p * (1 - p) / n) : 0,
    });
  }
  const num = (v: unknown): number | null => v === null || v === undefined ? null : Number(v);
  return store.db.prepare(ESTIMATES).all().map((row): SummaryRow => {
    const n = Number(row.n);
    const ss = num(row.ss);
    return {
      condition: String(row.condition),
      method: String(row.method),
      parameter: String(row.parameter),
      replicates: Number(row.replicates),
      n,
      truth: num(row.truth),
      mean: num(row.mean),
      bias: num(row.bias),
      empiricalSd: n >= 2 && ss !== null ? Math.sqrt(ss / (n - 1)) : null,
      meanSe: num(row.mean_se),
      coverage: cells.get(`${row.condition}\u0000${row.method}\u0000${row.parameter}`) ?? [],
    };
  });
}

/** A number in at most 9 characters, 4 significant digits; `-` for null. */
function num(x: number | null): string {
  if (x === null) return "-";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

function table(header: string[], rows: string[][], leftColumns: number): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells.map((s, c) => c < leftColumns ? s.padEnd(widths[c]) : s.padStart(widths[c])).join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/**
 * Formats rows as text: per condition an estimates block (n, truth, mean,
 * bias, empirical SD, mean SE) and a coverage block (percent, with the
 * Monte Carlo SE in parentheses), interval columns split to stay within
 * `width` characters.
 */
export function formatSummaryTable(rows: readonly SummaryRow[], width = 100): string {
  if (rows.length === 0) return "no replicates stored\n";
  const out: string[] = [];
  const conditions = [...new Set(rows.map((r) => r.condition))];
  for (const condition of conditions) {
    const group = rows.filter((r) => r.condition === condition);
    out.push(`${condition}  (${group[0].replicates} replicates)`);
    out.push(
      ...table(
        ["  method", "parameter", "n", "truth", "mean", "bias", "emp SD", "mean SE"],
        group.map((r) => [
          `  ${r.method}`,
          r.parameter,
          String(r.n),
          num(r.truth),
          num(r.mean),
          num(r.bias),
          num(r.empiricalSd),
          num(r.meanSe),
        ]),
        2,
      ),
    );
    const intervals = [...new Set(group.flatMap((r) => r.coverage.map((c) => c.interval)))];
    const covered = group.filter((r) => r.coverage.length > 0);
    if (intervals.length > 0 && covered.length > 0) {
      const cell = (r: SummaryRow, interval: string) => {
        const c = r.coverage.find((x) => x.interval === interval);
        return c ? `${(100 * c.coverage).toFixed(1)} (${(100 * c.mcse).toFixed(1)})` : "-";
      };
      let used = Math.max(12, ...covered.map((r) => r.method.length + 2)) + 2 +
        Math.max(6, ...covered.map((r) => r.parameter.length));
      const left = used;
      // Split the interval columns greedily; a cell is at most "100.0 (10.0)".
      let chunk: string[] = [];
      const emit = () => {
        out.push(
          ...table(
            ["  coverage %", "(MCSE)", ...chunk],
            covered.map((r) => [`  ${r.method}`, r.parameter, ...chunk.map((i) => cell(r, i))]),
            2,
          ),
        );
        chunk = [];
        used = left;
      };
      for (const interval of intervals) {
        const w = 2 + Math.max(12, interval.length);
        if (chunk.length > 0 && used + w > width) emit();
        chunk.push(interval);
        used += w;
      }
      emit();
    }
    out.push("");
  }
  return out.join("\n");
}
