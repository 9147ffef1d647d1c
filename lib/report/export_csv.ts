/**
 * Tidy CSV exports of a study: the performance measures (one row per
 * measure, condition factors as columns), the paired comparisons of its
 * methods (likewise) and the long replicate table (one
 * row per replicate x method x parameter, with its intervals and tests as
 * columns), as R's rsimsum and pandas read them. Missing values are `NA`. The long table is generated line by line
 * from SQL cursors, so writing it keeps memory flat.
 *
 * @module
 */

import { writeFileWhole } from "../_whole_file.ts";
import type { ResultStore } from "../store/store.ts";
import type { MeasureRow } from "./measure_row.ts";
import type { ComparisonRow } from "./paired_comparisons.ts";
import { csvLine } from "./_csv.ts";

/** The fixed columns of {@linkcode measuresCsv}, after the factor columns. */
export const MEASURE_COLUMNS = [
  "condition",
  "method",
  "parameter",
  "interval",
  "measure",
  "value",
  "mcse",
] as const;

/** The fixed columns of {@linkcode comparisonsCsv}, after the factor columns. */
export const COMPARISON_COLUMNS = [
  "condition",
  "method",
  "reference",
  "parameter",
  "interval",
  "measure",
  "value",
  "mcse",
  "n",
] as const;

/**
 * The columns {@linkcode measuresCsv} adds after `interval` when the rows
 * have test measures: the test, the parameter's true value and whether the
 * rejection rate is a `size` or a `power` (`NA` on the other rows).
 */
export const TEST_COLUMNS = ["test", "truth", "kind"] as const;

/** The columns of one test in {@linkcode longCsv}, each after `test_<name>_`. */
export const LONG_TEST_COLUMNS = ["statistic", "p_value", "reject", "status"] as const;

/** The fixed columns of {@linkcode longCsv}, after the factor columns, before the intervals. */
export const LONG_COLUMNS = [
  "condition",
  "rep",
  "replicate_status",
  "method",
  "fit_status",
  "singular",
  "parameter",
  "truth",
  "estimate",
  "se",
] as const;

/** Conditions in store order (registered by position, then unregistered ones by key). */
function conditionList(
  store: ResultStore,
): { condition: string; params: Record<string, unknown> }[] {
  const registered = store.conditions();
  const orphans = store.db.prepare(
    "SELECT DISTINCT condition FROM replicates WHERE condition NOT IN " +
      "(SELECT condition FROM conditions) ORDER BY condition",
  ).all().map((r) => ({ condition: String(r.condition), params: {} }));
  return [...registered, ...orphans];
}

/**
 * The design factors of the store's conditions, in first-seen order, each
 * with its column name: the factor's own unless it clashes with `fixed`,
 * then prefixed `factor_`.
 */
function factorColumns(
  conditions: { params: Record<string, unknown> }[],
  fixed: readonly string[],
): { factor: string; column: string }[] {
  const factors: string[] = [];
  for (const c of conditions) {
    for (const k of Object.keys(c.params)) if (!factors.includes(k)) factors.push(k);
  }
  return factors.map((factor) => ({
    factor,
    column: fixed.includes(factor) ? `factor_${factor}` : factor,
  }));
}

/**
 * The measures as tidy CSV text: the condition's design factors (from the
 * store's conditions) as columns, then {@linkcode MEASURE_COLUMNS}, with
 * the {@linkcode TEST_COLUMNS} after `interval` when `rows` have test
 * measures (a study with tests). A missing interval, test, value or MCSE is
 * `NA`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openStore } from "../store/store.ts";
 * import { measuresCsv } from "./export_csv.ts";
 * const store = openStore(":memory:");
 * store.registerConditions([{ condition: "n=5", params: { n: 5 } }]);
 * const csv = measuresCsv(store, [{
 *   condition: "n=5", method: "REML", parameter: "group1", interval: null,
 *   measure: "bias", value: 0.25, mcse: 0.125,
 * }]);
 * assert.equal(
 *   csv,
 *   "n,condition,method,parameter,interval,measure,value,mcse\n" +
 *     "5,n=5,REML,group1,NA,bias,0.25,0.125\n",
 * );
 * store.close();
 * ```
 */
export function measuresCsv(store: ResultStore, rows: readonly MeasureRow[]): string {
  const conditions = conditionList(store);
  const tested = rows.some((r) => r.test !== undefined);
  const fixed = tested
    ? [...MEASURE_COLUMNS.slice(0, 4), ...TEST_COLUMNS, ...MEASURE_COLUMNS.slice(4)]
    : MEASURE_COLUMNS;
  const factors = factorColumns(conditions, fixed);
  const params = new Map(conditions.map((c) => [c.condition, c.params]));
  const lines = [csvLine([...factors.map((f) => f.column), ...fixed])];
  for (const r of rows) {
    const p = params.get(r.condition) ?? {};
    lines.push(
      csvLine([
        ...factors.map((f) => p[f.factor]),
        r.condition,
        r.method,
        r.parameter,
        r.interval,
        ...(tested ? [r.test, r.truth, r.kind] : []),
        r.measure,
        r.value,
        r.mcse,
      ]),
    );
  }
  return lines.join("");
}

/**
 * The paired comparisons (as from `pairedComparisons`) as tidy CSV text,
 * the `comparisons.csv` of a report: the condition's design factors as
 * columns, then {@linkcode COMPARISON_COLUMNS}; a missing interval, value
 * or MCSE is `NA`. A factor named like one of those columns (e.g. `n`) is
 * `factor_<name>`, as in {@linkcode measuresCsv}. Only the header line when
 * there are no rows (a study with one method).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openStore } from "../store/store.ts";
 * import { comparisonsCsv } from "./export_csv.ts";
 * const store = openStore(":memory:");
 * store.registerConditions([{ condition: "groups=5", params: { groups: 5 } }]);
 * const csv = comparisonsCsv(store, [{
 *   condition: "groups=5", method: "ML", reference: "REML", parameter: "group1",
 *   interval: null, measure: "bias_difference", value: -0.25, mcse: 0.125, n: 40,
 * }]);
 * assert.equal(
 *   csv,
 *   "groups,condition,method,reference,parameter,interval,measure,value,mcse,n\n" +
 *     "5,groups=5,ML,REML,group1,NA,bias_difference,-0.25,0.125,40\n",
 * );
 * store.close();
 * ```
 */
export function comparisonsCsv(store: ResultStore, rows: readonly ComparisonRow[]): string {
  const conditions = conditionList(store);
  const factors = factorColumns(conditions, COMPARISON_COLUMNS);
  const params = new Map(conditions.map((c) => [c.condition, c.params]));
  const lines = [csvLine([...factors.map((f) => f.column), ...COMPARISON_COLUMNS])];
  for (const r of rows) {
    const p = params.get(r.condition) ?? {};
    lines.push(csvLine([
      ...factors.map((f) => p[f.factor]),
      r.condition,
      r.method,
      r.reference,
      r.parameter,
      r.interval,
      r.measure,
      r.value,
      r.mcse,
      r.n,
    ]));
  }
  return lines.join("");
}

/**
 * The long replicate table as CSV lines (each with its newline), header
 * first: per stored replicate (by condition position, then replicate) and
 * per method x parameter the condition has anywhere, the design factors,
 * {@linkcode LONG_COLUMNS}, per interval method of the store
 * `<interval>_lower`, `<interval>_upper`, `<interval>_status` and, per
 * test of the store (none without tests), `test_<test>_statistic`,
 * `test_<test>_p_value`, `test_<test>_reject` (1, 0 or `NA`) and
 * `test_<test>_status`; an untested parameter has `NA` there. A failed
 * replicate or fit still gets its rows, with `NA` estimates, so the
 * failures are visible to rsimsum and pandas. Lines come from SQL cursors
 * one at a time; consume the generator before writing to the store.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openStore } from "../store/store.ts";
 * import { longCsv } from "./export_csv.ts";
 * const store = openStore(":memory:");
 * store.registerConditions([{ condition: "n=5", params: { n: 5 } }]);
 * store.writeReplicates([{
 *   condition: "n=5", rep: 0, status: "ok", message: null, generateMs: 0, totalMs: 0,
 *   fits: [{
 *     method: "REML", status: "ok", converged: true, singular: false, evaluations: 3, fitMs: 1,
 *     message: null,
 *     parameters: [{ parameter: "g", truth: 1, estimate: 1.5, se: 0.5, intervals: [] }],
 *   }],
 * }]);
 * const [header, line] = [...longCsv(store)];
 * assert.match(header, /^n,condition,rep,/);
 * assert.match(line, /^5,n=5,0,/);
 * assert.match(line, /,1\.5,/);
 * store.close();
 * ```
 */
export function* longCsv(store: ResultStore): Generator<string> {
  const conditions = conditionList(store);
  const intervals = store.db.prepare(
    "SELECT interval FROM intervals GROUP BY interval ORDER BY MIN(ordinal), interval",
  ).all().map((r) => String(r.interval));
  const tests = store.db.prepare(
    "SELECT test FROM tests GROUP BY test ORDER BY MIN(ordinal), test",
  ).all().map((r) => String(r.test));
  const fixed = [
    ...LONG_COLUMNS,
    ...intervals.flatMap((i) => [`${i}_lower`, `${i}_upper`, `${i}_status`]),
    ...tests.flatMap((t) => LONG_TEST_COLUMNS.map((c) => `test_${t}_${c}`)),
  ];
  const factors = factorColumns(conditions, fixed);
  yield csvLine([...factors.map((f) => f.column), ...fixed]);
  // The replicates table drives the outer loop in key order (CROSS JOIN keeps
  // it outermost), so only each replicate's few rows are sorted.
  const joins = intervals.map((_, k) =>
    `LEFT JOIN intervals i${k} ON i${k}.condition = r.condition AND i${k}.rep = r.rep ` +
    `AND i${k}.method = g.method AND i${k}.parameter = g.parameter AND i${k}.interval = ?`
  ).join("\n");
  const testJoins = tests.map((_, k) =>
    `LEFT JOIN tests t${k} ON t${k}.condition = r.condition AND t${k}.rep = r.rep ` +
    `AND t${k}.method = g.method AND t${k}.parameter = g.parameter AND t${k}.test = ?`
  ).join("\n");
  const columns = intervals.map((_, k) =>
    `, i${k}.lower AS l${k}, i${k}.upper AS u${k}, ` +
    `i${k}.status AS s${k}`
  ).join("") + tests.map((_, k) =>
    `, t${k}.statistic AS ts${k}, t${k}.p_value AS tp${k}, t${k}.reject AS tr${k}, ` +
    `t${k}.status AS tt${k}`
  ).join("");
  const statement = store.db.prepare(`
    WITH g AS (
      SELECT method, parameter, MIN(ordinal) AS po, MAX(truth) AS truth FROM estimates
      WHERE condition = ? GROUP BY method, parameter
    ),
    mo AS (SELECT method, MIN(ordinal) AS mo FROM fits WHERE condition = ? GROUP BY method)
    SELECT r.rep, r.status AS replicate_status, g.method, f.status AS fit_status, f.singular,
      g.parameter, COALESCE(e.truth, g.truth) AS truth, e.estimate, e.se${columns}
    FROM replicates r CROSS JOIN g
    JOIN mo ON mo.method = g.method
    LEFT JOIN fits f ON f.condition = r.condition AND f.rep = r.rep AND f.method = g.method
    LEFT JOIN estimates e ON e.condition = r.condition AND e.rep = r.rep
      AND e.method = g.method AND e.parameter = g.parameter
    ${joins}
    ${testJoins}
    WHERE r.condition = ?
    ORDER BY r.rep, mo.mo, g.po, g.method, g.parameter
  `);
  for (const { condition, params } of conditions) {
    const args = [condition, condition, ...intervals, ...tests, condition];
    for (const row of statement.iterate(...args)) {
      const values: unknown[] = factors.map((f) => params[f.factor]);
      values.push(
        condition,
        row.rep,
        row.replicate_status,
        row.method,
        row.fit_status,
        row.singular === null ? null : Number(row.singular),
        row.parameter,
        row.truth,
        row.estimate,
        row.se,
      );
      intervals.forEach((_, k) => values.push(row[`l${k}`], row[`u${k}`], row[`s${k}`]));
      tests.forEach((_, k) =>
        values.push(row[`ts${k}`], row[`tp${k}`], row[`tr${k}`], row[`tt${k}`])
      );
      yield csvLine(values);
    }
  }
}

/**
 * Writes `lines` to the file at `path` (replacing it) in chunks of about
 * 64 KiB, so memory stays flat however many lines there are. The file is
 * replaced whole or not at all (lib/_whole_file.ts): if the lines throw or
 * the process is killed midway, `path` keeps its previous contents. Returns
 * the number of lines written.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { join } from "node:path";
 * import { writeLines } from "./export_csv.ts";
 * const dir = Deno.makeTempDirSync();
 * const path = join(dir, "x.csv");
 * assert.equal(writeLines(path, ["a,b\n", "1,2\n"]), 2);
 * assert.equal(Deno.readTextFileSync(path), "a,b\n1,2\n");
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function writeLines(path: string, lines: Iterable<string>): number {
  const encoder = new TextEncoder();
  let count = 0;
  writeFileWhole(path, (file) => {
    let chunk: string[] = [], size = 0;
    const flush = () => {
      const bytes = encoder.encode(chunk.join(""));
      for (let off = 0; off < bytes.length;) off += file.writeSync(bytes.subarray(off));
      chunk = [];
      size = 0;
    };
    for (const line of lines) {
      chunk.push(line);
      size += line.length;
      count++;
      if (size >= 65536) flush();
    }
    flush();
  });
  return count;
}
