/**
 * The performance measures of a study, with their Monte Carlo SEs, computed
 * by SQL aggregates over its results store (Morris, White & Crowther 2019,
 * Table 6; ALGORITHMS.md section 5). Two passes per group: means first,
 * then sums of centred squares (a one-pass sum of squares minus n mean^2
 * cancels catastrophically), so memory does not grow with replicates.
 * Intervals: counts and width sums per group in one scan of their rows
 * (_interval_tallies.ts), SQLite's sums to the last bit. Rejection rates of
 * tests are proportions: counts, in one pass.
 *
 * @module
 */

import type { ResultStore } from "../store/store.ts";
import { _groupJoin, _SAME_TRUTH, _truthOf } from "./_interval_groups.ts";
import { INTERVAL_ROW_VALUES, type IntervalGroup, IntervalTallies } from "./_interval_tallies.ts";
import { _scanRows } from "./_row_scan.ts";
import {
  ESTIMATOR_MEASURES,
  INTERVAL_MEASURES,
  type MeasureRow,
  type NonconvergedRule,
  rejectionKind,
  TEST_MEASURES,
} from "./measure_row.ts";

/** Options of {@linkcode performanceMeasures}. */
export interface MeasureOptions {
  /**
   * Non-converged fits (status `nonconverged`, estimates kept): `use` their
   * estimates and intervals in every measure, or `exclude` them from every
   * measure (attempted but not used, like failures). Either way
   * `nonconvergence_rate` counts them and `failure_rate` does not.
   * @default "use"
   */
  nonconverged?: NonconvergedRule;
}

// The fits-status filter of the `exclude` rule: SQL fragments that leave the
// rows of non-converged fits (alias f) out of the measures, or nothing for
// `use` (so its statements are the plain ones).
interface FitFilter {
  /** Joins fits f to the rows of `alias` (an estimates or intervals alias), by `how`. */
  join: (alias: string, how?: "JOIN" | "CROSS JOIN") => string;
  /** A `FILTER` clause for an aggregate over the used fits' rows. */
  used: string;
  /** A condition to AND into a WHERE clause. */
  where: string;
  /** An SQL value, 1 or 0: whether the fit f of a row is used (1 when all are). */
  usedValue: string;
}

const FIT_FILTERS: Record<NonconvergedRule, FitFilter> = {
  use: { join: () => "", used: "", where: "", usedValue: "1" },
  exclude: {
    join: (a, how = "JOIN") =>
      `${how} fits f ON f.condition = ${a}.condition AND f.rep = ${a}.rep ` +
      `AND f.method = ${a}.method`,
    used: " FILTER (WHERE f.status <> 'nonconverged')",
    where: " AND f.status <> 'nonconverged'",
    usedValue: "f.status <> 'nonconverged'",
  },
};

// Pass 1 (m): per condition x method x parameter counts and means over the
// replicates with an estimate (of a used fit). Pass 2 (s): centred sums of
// squares about them. Failed fits store no estimates, failed replicates no
// fits: both count as attempted but not used (as excluded fits do, which
// still count as estimated, so not as failures).
const estimatesSql = ({ join, used, where }: FitFilter) => `
WITH m AS (
  SELECT e.condition, e.method, e.parameter,
    MIN(f.ordinal) AS method_ordinal, MIN(e.ordinal) AS parameter_ordinal,
    MIN(e.truth) AS truth_min, MAX(e.truth) AS truth,
    ${_SAME_TRUTH} AS same_truth,
    COUNT(e.estimate) AS estimated,
    SUM(f.status = 'nonconverged') AS nonconverged,
    COUNT(e.estimate)${used} AS n,
    AVG(e.estimate)${used} AS tbar,
    AVG(e.estimate - e.truth)${used} AS bias,
    AVG((e.estimate - e.truth) * (e.estimate - e.truth))${used} AS mse,
    COUNT(CASE WHEN e.estimate IS NOT NULL THEN e.se END)${used} AS n_se,
    AVG(CASE WHEN e.estimate IS NOT NULL THEN e.se * e.se END)${used} AS se2,
    SUM(CASE WHEN e.estimate IS NOT NULL THEN f.singular END)${used} AS singular
  FROM estimates e JOIN fits f USING (condition, rep, method)
  GROUP BY e.condition, e.method, e.parameter
),
s AS (
  SELECT e.condition, e.method, e.parameter,
    SUM((e.estimate - m.tbar) * (e.estimate - m.tbar)) AS ss,
    SUM(((e.estimate - e.truth) * (e.estimate - e.truth) - m.mse)
      * ((e.estimate - e.truth) * (e.estimate - e.truth) - m.mse)) AS ss_mse,
    SUM((e.se * e.se - m.se2) * (e.se * e.se - m.se2)) AS ss_se2
  FROM estimates e ${join("e")} JOIN m
    ON e.condition = m.condition AND e.method = m.method AND e.parameter = m.parameter
  WHERE e.estimate IS NOT NULL${where}
  GROUP BY e.condition, e.method, e.parameter
),
a AS (SELECT condition, COUNT(*) AS attempted FROM replicates GROUP BY condition)
SELECT m.*, s.ss, s.ss_mse, s.ss_se2, COALESCE(a.attempted, 0) AS attempted
FROM m
LEFT JOIN s ON s.condition = m.condition AND s.method = m.method AND s.parameter = m.parameter
LEFT JOIN a ON a.condition = m.condition
LEFT JOIN conditions c ON c.condition = m.condition
ORDER BY c.position, m.condition, m.method_ordinal, m.method, m.parameter_ordinal, m.parameter
`;

// Interval counts and width sums per condition x method x parameter x
// interval method, in one pass: each interval row finds its group, with the
// group's mean estimate tbar (for bias-eliminated coverage) and width shift,
// in the temporary table GROUPS (see _interval_groups.ts), and is tallied in
// JavaScript (_interval_tallies.ts; SQL's GROUP BY sorted every row, see
// _row_scan.ts). There is no second pass: squared deviations from a shift,
// see TEMP_TABLES; an ill-conditioned one is recomputed exactly, see
// widthSsSql. An excluded fit's interval is left out of the counts like an
// undefined one (a miss); applicability is not filtered.
const intervalsScan = ({ join, usedValue }: FitFilter, { perRow }: { perRow: boolean }) => ({
  values: INTERVAL_ROW_VALUES(_truthOf(perRow), usedValue),
  from: `FROM intervals i
${_groupJoin("i", { table: "temp.vcsim_report_groups", perRow })}
${join("i", "CROSS JOIN")}`,
});

// Temporary tables of group means and true values, of width shifts (one
// observed width per group, so sums of squared deviations from it do not
// cancel), and of both per group and interval method: in SQLite's
// per-connection temp database, never in the store file; dropped after use.
const TEMP_TABLES = `
CREATE TEMP TABLE IF NOT EXISTS vcsim_report_means (
  condition TEXT NOT NULL, method TEXT NOT NULL, parameter TEXT NOT NULL, tbar, truth,
  PRIMARY KEY (condition, method, parameter)
) WITHOUT ROWID;
CREATE TEMP TABLE IF NOT EXISTS vcsim_report_shifts (
  condition TEXT NOT NULL, method TEXT NOT NULL, parameter TEXT NOT NULL,
  interval TEXT NOT NULL, shift,
  PRIMARY KEY (condition, method, parameter, interval)
) WITHOUT ROWID;
CREATE TEMP TABLE IF NOT EXISTS vcsim_report_groups (
  condition TEXT NOT NULL, method TEXT NOT NULL, parameter TEXT NOT NULL,
  interval TEXT NOT NULL, id INTEGER NOT NULL, tbar, truth, shift,
  PRIMARY KEY (condition, method, parameter, interval)
) WITHOUT ROWID;
DELETE FROM temp.vcsim_report_means;
DELETE FROM temp.vcsim_report_shifts;
DELETE FROM temp.vcsim_report_groups;
`;
const DROP_TEMP_TABLES = "DROP TABLE IF EXISTS temp.vcsim_report_means; " +
  "DROP TABLE IF EXISTS temp.vcsim_report_shifts; DROP TABLE IF EXISTS temp.vcsim_report_groups";

// Shifts: the width of the first defined interval of each group among a
// condition's first 20 replicates (a group without one gets no shift).
const SHIFTS = `
INSERT OR IGNORE INTO temp.vcsim_report_shifts
SELECT i.condition, i.method, i.parameter, i.interval, i.upper - i.lower
FROM (SELECT condition, rep FROM replicates WHERE condition = ? ORDER BY rep LIMIT 20) r
CROSS JOIN intervals i ON i.condition = r.condition AND i.rep = r.rep
WHERE i.status = 'ok'
ORDER BY r.rep
`;

// Every estimator group with every stored interval method, its mean, true value and shift.
const GROUPS = `
INSERT INTO temp.vcsim_report_groups
SELECT m.condition, m.method, m.parameter, v.interval, ROW_NUMBER() OVER (), m.tbar, m.truth,
  r.shift
FROM temp.vcsim_report_means m
CROSS JOIN (SELECT DISTINCT interval FROM intervals) v
LEFT JOIN temp.vcsim_report_shifts r ON r.condition = m.condition AND r.method = m.method
  AND r.parameter = m.parameter AND r.interval = v.interval
`;

// The exact (two-pass) sum of squared width deviations of one group, for the
// rare group whose one-pass value sum(w^2) - n mean^2 has cancelled.
const widthSsSql = ({ join, where }: FitFilter) => `
SELECT SUM((i.upper - i.lower - ?) * (i.upper - i.lower - ?)) AS ss FROM intervals i ${join("i")}
WHERE i.condition = ? AND i.method = ? AND i.parameter = ? AND i.interval = ?
  AND i.status = 'ok'${where}
`;

// Test counts per condition x method x parameter x test, in one pass: a
// rejection rate is a proportion, so counts suffice and nothing cancels. An
// excluded fit's test is left out of the counts like an undefined one (not
// ok); as for intervals, a test that is not applicable in any replicate
// gets no group. A store without tests has an empty tests table.
const testsSql = ({ join, used }: FitFilter) => `
SELECT t.condition, t.method, t.parameter, t.test,
  MIN(t.ordinal) AS test_ordinal,
  SUM(t.status = 'ok')${used} AS tested,
  SUM(t.status = 'ok' AND t.reject = 1)${used} AS rejections
FROM tests t ${join("t")}
GROUP BY t.condition, t.method, t.parameter, t.test
HAVING SUM(t.status <> 'not-applicable') > 0
ORDER BY test_ordinal, t.test
`;

/** The statements of one rule. */
const statements = (filter: FitFilter) => ({
  estimates: estimatesSql(filter),
  intervals: intervalsScan(filter, { perRow: false }),
  intervalsPerRow: intervalsScan(filter, { perRow: true }),
  widthSs: widthSsSql(filter),
  tests: testsSql(filter),
});

/** The statements of each rule, built once. */
const SQL = { use: statements(FIT_FILTERS.use), exclude: statements(FIT_FILTERS.exclude) };

type SqlRow = Record<string, unknown>;

// A sum that overflowed (limits of 1e156 squared) is no number to report: null, not NaN.
const num = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  const x = Number(v);
  return Number.isFinite(x) ? x : null;
};
const count = (v: unknown): number => v === null || v === undefined ? 0 : Number(v);
const key = (r: SqlRow): string => `${r.condition}\u0000${r.method}\u0000${r.parameter}`;

/** A proportion `k / n` with MCSE sqrt(p(1-p)/n); nulls when n is 0 or k unknown. */
function proportion(k: number | null, n: number): [number | null, number | null] {
  if (n <= 0 || k === null) return [null, null];
  const p = k / n;
  return [p, Math.sqrt(p * (1 - p) / n)];
}

/** The estimator measures of one group, in {@linkcode ESTIMATOR_MEASURES} order. */
function estimatorValues(r: SqlRow): Record<string, [number | null, number | null]> {
  const attempted = count(r.attempted);
  const n = count(r.n);
  const estimated = count(r.estimated);
  const nSe = count(r.n_se);
  const truthMin = num(r.truth_min), truthMax = num(r.truth);
  // A single true value is needed for relative bias; differing ones leave it undefined.
  const theta = truthMin !== null && truthMin === truthMax ? truthMax : null;
  const tbar = n > 0 ? num(r.tbar) : null;
  const bias = n > 0 ? num(r.bias) : null;
  const mse = n > 0 ? num(r.mse) : null;
  const ss = num(r.ss);
  const empSe = n >= 2 && ss !== null ? Math.sqrt(ss / (n - 1)) : null;
  const meanMcse = empSe !== null ? empSe / Math.sqrt(n) : null;
  const ssMse = num(r.ss_mse);
  const mseMcse = n >= 2 && ssMse !== null && mse !== null
    ? Math.sqrt(ssMse / (n * (n - 1)))
    : null;
  const rmse = mse !== null ? Math.sqrt(mse) : null;
  const se2 = nSe > 0 ? num(r.se2) : null;
  const modSe = se2 !== null ? Math.sqrt(se2) : null;
  const ssSe2 = num(r.ss_se2);
  // Var(SE_i^2) with the n - 1 denominator, as R's var() in rsimsum.
  const varSe2 = nSe >= 2 && ssSe2 !== null ? ssSe2 / (nSe - 1) : null;
  const modSeMcse = varSe2 !== null && modSe !== null && modSe > 0
    ? Math.sqrt(varSe2 / (4 * nSe * modSe * modSe))
    : null;
  const relErr = modSe !== null && empSe !== null && empSe > 0 ? 100 * (modSe / empSe - 1) : null;
  const relErrMcse = relErr !== null && varSe2 !== null && modSe! > 0
    ? 100 * (modSe! / empSe!) *
      Math.sqrt(varSe2 / (4 * nSe * modSe! ** 4) + 1 / (2 * (n - 1)))
    : null;
  return {
    attempted: [attempted, null],
    used: [n, null],
    failure_rate: proportion(attempted - estimated, attempted),
    nonconvergence_rate: proportion(count(r.nonconverged), attempted),
    boundary_rate: proportion(num(r.singular), n),
    mean: [tbar, meanMcse],
    bias: [bias, bias !== null ? meanMcse : null],
    relative_bias: theta !== null && theta !== 0 && bias !== null
      ? [bias / theta, meanMcse !== null ? meanMcse / Math.abs(theta) : null]
      : [null, null],
    empirical_se: [empSe, empSe !== null ? empSe / Math.sqrt(2 * (n - 1)) : null],
    model_se: [modSe, modSeMcse],
    relative_error_model_se: [relErr, relErrMcse],
    mse: [mse, mseMcse],
    rmse: [rmse, rmse !== null && rmse > 0 && mseMcse !== null ? mseMcse / (2 * rmse) : null],
  };
}

/** The measures of one interval method of one group, in {@linkcode INTERVAL_MEASURES} order. */
function intervalValues(
  r: SqlRow,
  attempted: number,
): Record<string, [number | null, number | null]> {
  const defined = count(r.defined);
  const hasTruth = num(r.truth) !== null;
  const width = defined > 0 ? num(r.width) : null;
  const ssWidth = num(r.ss_width);
  const widthMcse = defined >= 2 && ssWidth !== null
    ? Math.sqrt(ssWidth / (defined - 1)) / Math.sqrt(defined)
    : null;
  const hits = hasTruth ? count(r.hits) : null;
  return {
    coverage: proportion(hits, attempted),
    coverage_defined: proportion(hits, defined),
    bias_eliminated_coverage: proportion(count(r.be_hits), attempted),
    mean_width: [width, widthMcse],
    miss_below: proportion(hasTruth ? count(r.below) : null, attempted),
    miss_above: proportion(hasTruth ? count(r.above) : null, attempted),
    undefined_rate: proportion(attempted - defined, attempted),
    defined: [defined, null],
  };
}

/** The measures of one test of one group, in {@linkcode TEST_MEASURES} order. */
function testValues(r: SqlRow, attempted: number): Record<string, [number | null, number | null]> {
  const tested = count(r.tested);
  const rejections = count(r.rejections);
  return {
    rejection: proportion(rejections, tested),
    tested: [tested, null],
    rejections: [rejections, null],
    not_ok_rate: proportion(attempted - tested, attempted),
  };
}

/** SQL result rows grouped by condition x method x parameter, in their order. */
function byGroup(rows: Iterable<SqlRow>): Map<string, SqlRow[]> {
  const into = new Map<string, SqlRow[]>();
  for (const row of rows) {
    let list = into.get(key(row));
    if (!list) into.set(key(row), list = []);
    list.push(row);
  }
  return into;
}

/** The interval tallies by group, with their sums of squared widths. */
function readIntervals(
  store: ResultStore,
  sql: { intervals: { values: string; from: string }; widthSs: string },
): Map<string, SqlRow[]> {
  const groups = store.db.prepare(
    "SELECT id, condition, method, parameter, interval FROM temp.vcsim_report_groups ORDER BY id",
  ).all() as unknown as IntervalGroup[];
  const tallies = new IntervalTallies(groups.reduce((n, g) => Math.max(n, g.id + 1), 0));
  _scanRows(store.db, sql.intervals, [], tallies.step);
  const exact = store.db.prepare(sql.widthSs);
  const rows: SqlRow[] = [];
  for (const row of tallies.tallies(groups)) {
    // One-pass sum of squared deviations from an observed width (the shift), so
    // nothing cancels unless that width is far out; then recomputed exactly.
    const n = row.defined, mean = num(row.width);
    const sumD = num(row.sum_d), sumD2 = num(row.sum_d2);
    let ss = n >= 2 && sumD !== null && sumD2 !== null ? sumD2 - sumD * sumD / n : null;
    if (ss !== null && ss > 0 && ss <= 1e-6 * sumD2!) {
      const args = [row.condition, row.method, row.parameter, row.interval];
      ss = num(exact.get(mean!, mean!, ...args)?.ss);
    }
    rows.push({ ...row, ss_width: ss === null ? null : Math.max(0, ss) });
  }
  return byGroup(rows);
}

/** The rows of one condition x method x parameter group `r`: estimator, interval, test. */
function groupRows(
  r: SqlRow,
  intervals: readonly SqlRow[],
  tests: readonly SqlRow[],
): MeasureRow[] {
  const base = {
    condition: String(r.condition),
    method: String(r.method),
    parameter: String(r.parameter),
  };
  const rows: MeasureRow[] = [];
  const values = estimatorValues(r);
  for (const measure of ESTIMATOR_MEASURES) {
    const [value, mcse] = values[measure];
    rows.push({ ...base, interval: null, measure, value, mcse });
  }
  for (const i of intervals) {
    const iv = intervalValues(i, count(r.attempted));
    for (const measure of INTERVAL_MEASURES) {
      const [value, mcse] = iv[measure];
      rows.push({ ...base, interval: String(i.interval), measure, value, mcse });
    }
  }
  const truth = num(r.truth);
  for (const t of tests) {
    const tv = testValues(t, count(r.attempted));
    const own = {
      ...base,
      interval: null,
      test: String(t.test),
      truth,
      kind: rejectionKind(truth),
    };
    for (const measure of TEST_MEASURES) {
      const [value, mcse] = tv[measure];
      rows.push({ ...own, measure, value, mcse });
    }
  }
  return rows;
}

/**
 * Every performance measure of a store, with its Monte Carlo SE: per
 * condition x method x parameter the {@linkcode ESTIMATOR_MEASURES}, then
 * per interval method the {@linkcode INTERVAL_MEASURES}, then per test
 * the {@linkcode TEST_MEASURES}. Rows are ordered by condition position,
 * method and parameter as stored, interval method and test as stored; an
 * interval method or test that is not applicable to a parameter in any
 * replicate gets no rows, and a store without tests no test rows.
 *
 * Denominators: `attempted` counts the condition's stored replicates; the
 * estimator measures use the `used` replicates (with an estimate, of a fit
 * the `nonconverged` rule keeps), model SE those that also have an SE. Coverage, bias-eliminated coverage (the
 * true value replaced by the mean estimate), miss below/above and the
 * undefined rate are over all attempted replicates, so an undefined,
 * failed or missing interval is a miss and `coverage + miss_below +
 * miss_above + undefined_rate = 1`; `coverage_defined` and `mean_width`
 * are over the defined (status ok) intervals. A measure that cannot be
 * computed (no estimate, no true value, n < 2 for a spread) is null.
 *
 * Tests: `rejection` is over the ok tests (`tested` of them), with MCSE
 * sqrt(p(1 - p)/tested); `not_ok_rate` is over all attempted replicates
 * (an undefined, not-applicable or failed test, or none because the
 * replicate or fit failed). Test rows also carry the parameter's `truth`
 * and `kind`: `size` when it is 0, `power` otherwise.
 *
 * Non-converged fits: `failure_rate` is the share of attempted replicates
 * without an estimate (failed replicate or fit), `nonconvergence_rate`
 * the share whose fit has status `nonconverged` (their estimates kept).
 * By default (`nonconverged: "use"`) those estimates and intervals are
 * used in every other measure, flagged by the rate; with `"exclude"` they
 * are left out of every other measure (attempted but not used: out of
 * `used`, and their intervals count as undefined, so as misses), while
 * both rates are unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openStore } from "../store/store.ts";
 * import { type MeasureOptions, performanceMeasures } from "./measures.ts";
 * const store = openStore(":memory:");
 * const fit = (estimate: number, status: "ok" | "nonconverged") => ({
 *   method: "REML", status, converged: status === "ok", singular: false,
 *   evaluations: 1, fitMs: 0, message: null,
 *   parameters: [{ parameter: "group1", truth: 1, estimate, se: 0.5, intervals: [] }],
 * });
 * const fits = [[1, "ok"], [3, "ok"], [11, "nonconverged"]] as const;
 * store.writeReplicates(fits.map(([x, status], rep) => ({
 *   condition: "c", rep, status: "ok" as const, message: null, generateMs: 0, totalMs: 0,
 *   fits: [fit(x, status)],
 * })));
 * const get = (measure: string, options?: MeasureOptions) =>
 *   performanceMeasures(store, options).find((r) => r.measure === measure)!;
 * assert.equal(get("nonconvergence_rate").value, 1 / 3);
 * assert.equal(get("bias").value, 4); // used: mean (1 + 3 + 11) / 3 = 5, truth 1
 * // Excluded: mean (1 + 3) / 2 = 2, bias 1; MCSE sd sqrt(2) / sqrt(2) = 1.
 * const bias = get("bias", { nonconverged: "exclude" });
 * assert.deepEqual([bias.value, bias.mcse], [1, 1]);
 * store.close();
 * ```
 */
export function performanceMeasures(
  store: ResultStore,
  options: MeasureOptions = {},
): MeasureRow[] {
  const rule = options.nonconverged ?? "use";
  if (rule !== "use" && rule !== "exclude") {
    throw new TypeError(`nonconverged is ${JSON.stringify(rule)}; expected "use" or "exclude"`);
  }
  const sql = SQL[rule];
  const groups = store.db.prepare(sql.estimates).all();
  let intervals: Map<string, SqlRow[]>;
  store.db.exec(TEMP_TABLES);
  try {
    const shifts = store.db.prepare(SHIFTS);
    for (const c of store.db.prepare("SELECT DISTINCT condition FROM replicates").all()) {
      shifts.run(String(c.condition));
    }
    const insert = store.db.prepare(
      "INSERT INTO temp.vcsim_report_means VALUES (?, ?, ?, ?, ?)",
    );
    for (const g of groups) {
      insert.run(
        String(g.condition),
        String(g.method),
        String(g.parameter),
        num(g.tbar),
        num(g.truth),
      );
    }
    store.db.exec(GROUPS);
    const perRow = groups.some((g) => !count(g.same_truth));
    intervals = readIntervals(store, {
      intervals: perRow ? sql.intervalsPerRow : sql.intervals,
      widthSs: sql.widthSs,
    });
  } finally {
    store.db.exec(DROP_TEMP_TABLES);
  }
  const tests = byGroup(store.db.prepare(sql.tests).iterate());
  return groups.flatMap((r) => groupRows(r, intervals.get(key(r)) ?? [], tests.get(key(r)) ?? []));
}
