/**
 * Paired comparisons of a study's methods with a reference method. Every
 * method of a study fits the same datasets, so each replicate gives a pair
 * of estimates (and of intervals), and the Monte Carlo SE of a difference
 * comes from the per-replicate differences, which is much smaller than the
 * two methods' own MCSEs combined when the estimates are positively
 * correlated (Morris, White & Crowther 2019, Statistics in Medicine
 * 38:2074, Table 6). Computed by SQL aggregates over the store in two
 * passes (means, then centred sums of squares and cross-products, as
 * `performanceMeasures` does), so memory does not grow with replicates;
 * coverage differences are counts, in one scan of the interval rows
 * (_pair_tallies.ts).
 *
 * @module
 */

import type { ResultStore } from "../store/store.ts";
import type { NonconvergedRule } from "./measure_row.ts";
import { _groupJoin, _SAME_TRUTH, _truthOf } from "./_interval_groups.ts";
import type { IntervalGroup } from "./_interval_tallies.ts";
import { PAIR_ROW_VALUES, PairTallies, REFERENCE_ROW_VALUES } from "./_pair_tallies.ts";
import { _scanRows } from "./_row_scan.ts";

/**
 * Comparisons of the estimates of one parameter (interval is null on these
 * rows), over the pairs: the replicates where both the method and the
 * reference have an estimate (of a fit the `nonconverged` rule keeps).
 *
 * - `relative_precision_increase`: 100 (EmpSE_ref^2 / EmpSE^2 - 1), the
 *   relative % increase in precision of the method over the reference
 *   (positive when the method's estimates vary less), with MCSE
 *   200 (EmpSE_ref^2 / EmpSE^2) sqrt((1 - rho^2)/(n - 1)).
 * - `correlation`: rho, the correlation of the paired estimates (no MCSE).
 * - `bias_difference`: mean of (estimate - reference's estimate), the
 *   method's bias minus the reference's, MCSE sd/sqrt(n) of the differences
 *   (sd with the n - 1 denominator, as everywhere here).
 * - `mse_difference`: mean of ((estimate - truth)^2 - (reference's - truth)^2),
 *   MCSE likewise.
 */
export const COMPARISON_MEASURES = [
  "relative_precision_increase",
  "correlation",
  "bias_difference",
  "mse_difference",
] as const;

/**
 * Comparisons of one interval method (interval names it) applied to both
 * fits, as differences (method - reference) of proportions with the MCSE
 * sd/sqrt(n) of the per-replicate differences of the 0/1 indicators:
 *
 * - `coverage_difference`: over all attempted replicates, an undefined,
 *   failed or missing interval (or one of an excluded fit) counting as a
 *   miss, as the `coverage` measure does: its value is exactly the
 *   difference of the two methods' `coverage`.
 * - `coverage_defined_difference`: over the replicates where both
 *   intervals are defined (status `ok`).
 */
export const COMPARISON_INTERVAL_MEASURES = [
  "coverage_difference",
  "coverage_defined_difference",
] as const;

/** A comparison measure's name. */
export type ComparisonMeasure =
  | typeof COMPARISON_MEASURES[number]
  | typeof COMPARISON_INTERVAL_MEASURES[number];

/** One comparison of one method with the reference, per condition x parameter (x interval). */
export interface ComparisonRow {
  /** The condition key as stored. */
  readonly condition: string;
  /** The method compared. */
  readonly method: string;
  /** The reference method it is compared with. */
  readonly reference: string;
  /** Variance name (`group1`, `Residual`) or fixed-effect name. */
  readonly parameter: string;
  /** Interval method for {@linkcode COMPARISON_INTERVAL_MEASURES}; null otherwise. */
  readonly interval: string | null;
  readonly measure: ComparisonMeasure;
  /** The value (a difference is method - reference); null when undefined. */
  readonly value: number | null;
  /** Its Monte Carlo SE; null for the correlation and when undefined. */
  readonly mcse: number | null;
  /**
   * Replicates the value is over: the pairs (for the bias and MSE
   * differences, those with a true value); for `coverage_difference` the
   * condition's attempted replicates; for `coverage_defined_difference`
   * those where both intervals are defined.
   */
  readonly n: number;
}

/** Options of {@linkcode pairedComparisons}. */
export interface ComparisonOptions {
  /**
   * The method the others are compared with.
   * @default the study's first method (the one of the fits with ordinal 0)
   */
  reference?: string;
  /**
   * Non-converged fits: `use` their estimates and intervals, or `exclude`
   * them (such a replicate is no pair, and its intervals are misses), as
   * the option of `performanceMeasures`.
   * @default "use"
   */
  nonconverged?: NonconvergedRule;
}

// SQL fragments of a rule: joins of the fits of the method's rows (alias
// fa, of the estimates or intervals alias a) and of the reference's (fb,
// of b, which may be missing), and the conditions that a fit is used, to
// AND in; nothing for `use`.
interface PairFilter {
  joinA: string;
  joinB: string;
  usedA: string;
  usedB: string;
  /** SQL values, 1 or 0 (or null for a missing b): whether the fits fa and fb are used. */
  usedValues: { a: string; b: string };
}

const PAIR_FILTERS: Record<NonconvergedRule, PairFilter> = {
  use: { joinA: "", joinB: "", usedA: "", usedB: "", usedValues: { a: "1", b: "1" } },
  exclude: {
    joinA: "JOIN fits fa ON fa.condition = a.condition AND fa.rep = a.rep AND fa.method = a.method",
    joinB: "LEFT JOIN fits fb ON fb.condition = b.condition AND fb.rep = b.rep " +
      "AND fb.method = b.method",
    usedA: " AND fa.status <> 'nonconverged'",
    usedB: " AND fb.status <> 'nonconverged'",
    usedValues: { a: "fa.status <> 'nonconverged'", b: "fb.status <> 'nonconverged'" },
  },
};

// Pass 1 (m): per condition x method x parameter (the reference, ?1, left
// out) counts and means over the pairs; a group whose reference never has
// the parameter is dropped. Pass 2 (s): centred sums of squares and
// cross-products of the paired estimates and of the differences.
const estimatesSql = ({ joinA, joinB, usedA, usedB }: PairFilter) => {
  const paired = `a.estimate IS NOT NULL AND b.estimate IS NOT NULL${usedA}${usedB}`;
  const dMse = "((a.estimate - a.truth) * (a.estimate - a.truth) - " +
    "(b.estimate - a.truth) * (b.estimate - a.truth))";
  const dBias = "CASE WHEN a.truth IS NOT NULL THEN a.estimate - b.estimate - m.dbias END";
  const pair = (how: string) =>
    `FROM estimates a ${how} estimates b ON b.condition = a.condition AND b.rep = a.rep ` +
    `AND b.method = ?1 AND b.parameter = a.parameter ${joinA} ${joinB}`;
  return `
WITH m AS (
  SELECT a.condition, a.method, a.parameter, MIN(a.ordinal) AS parameter_ordinal,
    COUNT(*) FILTER (WHERE ${paired}) AS n,
    AVG(a.estimate) FILTER (WHERE ${paired}) AS xbar,
    AVG(b.estimate) FILTER (WHERE ${paired}) AS ybar,
    COUNT(a.truth) FILTER (WHERE ${paired}) AS n_truth,
    AVG(a.estimate - b.estimate) FILTER (WHERE ${paired} AND a.truth IS NOT NULL) AS dbias,
    AVG(${dMse}) FILTER (WHERE ${paired}) AS dmse
  ${pair("LEFT JOIN")}
  WHERE a.method <> ?1
  GROUP BY a.condition, a.method, a.parameter
  HAVING COUNT(b.parameter) > 0
),
s AS (
  SELECT a.condition, a.method, a.parameter,
    SUM((a.estimate - m.xbar) * (a.estimate - m.xbar)) AS sxx,
    SUM((b.estimate - m.ybar) * (b.estimate - m.ybar)) AS syy,
    SUM((a.estimate - m.xbar) * (b.estimate - m.ybar)) AS sxy,
    SUM((${dBias}) * (${dBias})) AS ss_bias,
    SUM((${dMse} - m.dmse) * (${dMse} - m.dmse)) AS ss_mse
  ${pair("JOIN")}
  JOIN m ON m.condition = a.condition AND m.method = a.method AND m.parameter = a.parameter
  WHERE a.method <> ?1 AND ${paired}
  GROUP BY a.condition, a.method, a.parameter
)
SELECT m.*, s.sxx, s.syy, s.sxy, s.ss_bias, s.ss_mse, c.position
FROM m
LEFT JOIN s ON s.condition = m.condition AND s.method = m.method AND s.parameter = m.parameter
LEFT JOIN conditions c ON c.condition = m.condition
`;
};

// Each interval row a finds its group in the temporary table GROUPS (see
// _interval_groups.ts) and is tallied in JavaScript (_pair_tallies.ts; SQL's
// GROUP BY sorted every row, see _row_scan.ts).
const groupJoin = (perRow: boolean) => _groupJoin("a", { table: "temp.vcsim_pair_groups", perRow });

// The reference's (?1) intervals: applicability and hits per condition x
// parameter x interval, in one pass.
const referenceScan = ({ joinA, usedValues }: PairFilter, { perRow }: { perRow: boolean }) => ({
  values: REFERENCE_ROW_VALUES(_truthOf(perRow), usedValues.a),
  from: `FROM intervals a
${groupJoin(perRow)}
${joinA}
WHERE a.method = ?1`,
});

// The other methods' intervals a with the reference's b of the same
// replicate, parameter and interval method: counts, in one pass.
const pairsScan = ({ joinA, joinB, usedValues }: PairFilter, { perRow }: { perRow: boolean }) => ({
  values: PAIR_ROW_VALUES(_truthOf(perRow), usedValues),
  from: `FROM intervals a
${groupJoin(perRow)}
LEFT JOIN intervals b ON b.condition = a.condition AND b.rep = a.rep AND b.method = ?1
  AND b.parameter = a.parameter AND b.interval = a.interval
${joinA} ${joinB}
WHERE a.method <> ?1`,
});

// Per condition x method x parameter the true value (when every estimate row
// has the same one, or none has one) and whether some group's differ; then
// every such group with every stored interval method, and an integer id. In
// SQLite's per-connection temp database, never in the store file; dropped
// after use.
const GROUPS = `
CREATE TEMP TABLE IF NOT EXISTS vcsim_pair_truths (
  condition TEXT NOT NULL, method TEXT NOT NULL, parameter TEXT NOT NULL, truth, same INTEGER,
  PRIMARY KEY (condition, method, parameter)
) WITHOUT ROWID;
CREATE TEMP TABLE IF NOT EXISTS vcsim_pair_groups (
  condition TEXT NOT NULL, method TEXT NOT NULL, parameter TEXT NOT NULL,
  interval TEXT NOT NULL, id INTEGER NOT NULL, truth,
  PRIMARY KEY (condition, method, parameter, interval)
) WITHOUT ROWID;
DELETE FROM temp.vcsim_pair_truths;
DELETE FROM temp.vcsim_pair_groups;
INSERT INTO temp.vcsim_pair_truths
SELECT e.condition, e.method, e.parameter, MAX(e.truth), ${_SAME_TRUTH}
FROM estimates e GROUP BY e.condition, e.method, e.parameter;
INSERT INTO temp.vcsim_pair_groups
SELECT t.condition, t.method, t.parameter, v.interval, ROW_NUMBER() OVER (), t.truth
FROM temp.vcsim_pair_truths t CROSS JOIN (SELECT DISTINCT interval FROM intervals) v;
`;
const DROP_GROUPS = "DROP TABLE IF EXISTS temp.vcsim_pair_truths; " +
  "DROP TABLE IF EXISTS temp.vcsim_pair_groups";

/** The statements of one rule. */
const statements = (filter: PairFilter) => ({
  estimates: estimatesSql(filter),
  reference: referenceScan(filter, { perRow: false }),
  pairs: pairsScan(filter, { perRow: false }),
  referencePerRow: referenceScan(filter, { perRow: true }),
  pairsPerRow: pairsScan(filter, { perRow: true }),
});

/** The statements of each rule, built once. */
const SQL = { use: statements(PAIR_FILTERS.use), exclude: statements(PAIR_FILTERS.exclude) };

type SqlRow = Record<string, unknown>;
type Value = [value: number | null, mcse: number | null, n: number];

const num = (v: unknown): number | null => v === null || v === undefined ? null : Number(v);
const count = (v: unknown): number => v === null || v === undefined ? 0 : Number(v);
const groupKey = (r: SqlRow, ...more: string[]): string =>
  [r.condition, r.method, r.parameter, ...more.map((k) => r[k])].join("\u0000");

/** A mean of `n` differences whose centred sum of squares is `ss`, with MCSE sd/sqrt(n). */
function meanDifference(mean: number | null, ss: number | null, n: number): Value {
  if (n < 1 || mean === null) return [null, null, n];
  const mcse = n >= 2 && ss !== null ? Math.sqrt(Math.max(0, ss) / (n * (n - 1))) : null;
  return [mean, mcse, n];
}

/** The {@linkcode COMPARISON_MEASURES} of one pass-1-and-2 group `r`. */
function estimatorValues(r: SqlRow): Record<typeof COMPARISON_MEASURES[number], Value> {
  const n = count(r.n), nTruth = count(r.n_truth);
  const sxx = num(r.sxx), syy = num(r.syy), sxy = num(r.sxy);
  const spread = n >= 2 && sxx !== null && syy !== null && sxy !== null;
  // EmpSE_ref^2 / EmpSE^2 over the same n pairs: the (n - 1)s cancel.
  const ratio = spread && sxx! > 0 ? syy! / sxx! : null;
  const rho = spread && sxx! > 0 && syy! > 0
    ? Math.max(-1, Math.min(1, sxy! / Math.sqrt(sxx! * syy!)))
    : null;
  const precisionMcse = ratio === null
    ? null
    : rho === null
    ? (ratio === 0 ? 0 : null)
    : 200 * ratio * Math.sqrt((1 - rho * rho) / (n - 1));
  return {
    relative_precision_increase: [ratio === null ? null : 100 * (ratio - 1), precisionMcse, n],
    correlation: [rho, null, n],
    bias_difference: meanDifference(nTruth > 0 ? num(r.dbias) : null, num(r.ss_bias), nTruth),
    mse_difference: meanDifference(nTruth > 0 ? num(r.dmse) : null, num(r.ss_mse), nTruth),
  };
}

/**
 * A difference of proportions over `n` replicates from its counts: `plus`
 * replicates where only the method's indicator is 1, `minus` where only the
 * reference's is. The differences are -1, 0 or 1, so their centred sum of
 * squares is plus + minus - (plus - minus)^2 / n, from integers.
 */
function proportionDifference(plus: number, minus: number, n: number, known: boolean): Value {
  if (!known || n < 1) return [null, null, n];
  const ss = plus + minus - (plus - minus) ** 2 / n;
  return meanDifference((plus - minus) / n, ss, n);
}

/** The {@linkcode COMPARISON_INTERVAL_MEASURES} of one pair row `p` and its reference row `ref`. */
function intervalValues(
  p: SqlRow,
  ref: SqlRow,
  attempted: number,
): Record<typeof COMPARISON_INTERVAL_MEASURES[number], Value> {
  const known = num(p.truth) !== null;
  const both = count(p.both_hits);
  const defined = count(p.both_defined);
  return {
    coverage_difference: proportionDifference(
      count(p.hits) - both,
      count(ref.hits) - both,
      attempted,
      known,
    ),
    coverage_defined_difference: proportionDifference(
      count(p.defined_hits) - both,
      count(p.defined_ref_hits) - both,
      defined,
      known,
    ),
  };
}

/** The store's methods in study order (by the ordinal of their fits, then name). */
function studyMethods(store: ResultStore): string[] {
  return store.db.prepare("SELECT method FROM fits GROUP BY method ORDER BY MIN(ordinal), method")
    .all().map((r) => String(r.method));
}

/** The reference of `options` checked against `methods`, or the first method. */
function chooseReference(methods: readonly string[], reference: unknown): string {
  if (reference === undefined) return methods[0];
  if (typeof reference !== "string" || !methods.includes(reference)) {
    throw new RangeError(
      `reference is ${JSON.stringify(reference)}; expected one of the store's methods: ` +
        methods.map((m) => JSON.stringify(m)).join(", "),
    );
  }
  return reference;
}

/** The estimator groups of `sql`, in condition, method and parameter order. */
function estimatorGroups(store: ResultStore, sql: string, methods: string[], reference: string) {
  const order = new Map(methods.map((m, k) => [m, k]));
  const groups = store.db.prepare(sql).all(reference);
  const position = (r: SqlRow) => r.position === null ? Infinity : Number(r.position);
  const text = (a: unknown, b: unknown) =>
    String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  return groups.sort((a, b) =>
    position(a) - position(b) || text(a.condition, b.condition) ||
    order.get(String(a.method))! - order.get(String(b.method))! ||
    Number(a.parameter_ordinal) - Number(b.parameter_ordinal) || text(a.parameter, b.parameter)
  );
}

/** The pair rows of the intervals by estimator group, each with its reference row. */
function intervalPairs(
  store: ResultStore,
  statements: typeof SQL.use,
  reference: string,
): Map<string, [SqlRow, SqlRow][]> {
  store.db.exec(GROUPS);
  try {
    const differ = store.db.prepare("SELECT 1 FROM temp.vcsim_pair_truths WHERE NOT same").get();
    return pairsByGroup(store, {
      reference: differ ? statements.referencePerRow : statements.reference,
      pairs: differ ? statements.pairsPerRow : statements.pairs,
    }, reference);
  } finally {
    store.db.exec(DROP_GROUPS);
  }
}

/** A row scan of {@linkcode _scanRows}. */
type Scan = { values: string; from: string };

/** {@linkcode intervalPairs} with its scans chosen. */
function pairsByGroup(
  store: ResultStore,
  scans: { reference: Scan; pairs: Scan },
  reference: string,
): Map<string, [SqlRow, SqlRow][]> {
  const groups = store.db.prepare(
    "SELECT id, condition, method, parameter, interval FROM temp.vcsim_pair_groups ORDER BY id",
  ).all() as unknown as IntervalGroup[];
  const size = groups.reduce((n, g) => Math.max(n, g.id + 1), 0);
  const refTallies = new PairTallies(size), pairTallies = new PairTallies(size);
  _scanRows(store.db, scans.reference, [reference], refTallies.reference);
  _scanRows(store.db, scans.pairs, [reference], pairTallies.pair);
  const refs = new Map<string, SqlRow>();
  for (const r of refTallies.referenceRows(groups)) {
    refs.set([r.condition, r.parameter, r.interval].join("\u0000"), r);
  }
  const into = new Map<string, [SqlRow, SqlRow][]>();
  for (const p of pairTallies.pairRows(groups)) {
    const ref = refs.get([p.condition, p.parameter, p.interval].join("\u0000"));
    // Only interval methods that apply, in some replicate, to both fits.
    if (!ref || count(ref.applicable) === 0 || count(p.applicable) === 0) continue;
    let list = into.get(groupKey(p));
    if (!list) into.set(groupKey(p), list = []);
    list.push([p, ref]);
  }
  return into;
}

/**
 * Paired comparisons of every method of a store with a reference method:
 * per condition x method x parameter the {@linkcode COMPARISON_MEASURES},
 * then per interval method that applies to both the
 * {@linkcode COMPARISON_INTERVAL_MEASURES}, each a value with its Monte
 * Carlo SE and the number `n` of replicates it is over. The reference is
 * the study's first method unless `options.reference` names another; it
 * gets no rows of its own. A store with fewer than two methods gives none.
 *
 * Pairs: the estimator comparisons use only the replicates where both the
 * method and the reference have an estimate (a failed fit on either side
 * drops the pair; so does a non-converged one under `nonconverged:
 * "exclude"`), `n` of them; a spread needs n >= 2, and bias and MSE
 * differences a true value. Coverage differences are over all attempted
 * replicates (a missing or undefined interval is a miss, as in
 * `coverage`) and, `coverage_defined_difference`, over those where both
 * intervals are defined. Rows are ordered by condition position, method
 * and parameter as stored, then interval method as stored.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openStore } from "../store/store.ts";
 * import { pairedComparisons } from "./paired_comparisons.ts";
 * const store = openStore(":memory:");
 * const fit = (method: string, estimate: number) => ({
 *   method, status: "ok" as const, converged: true, singular: false, evaluations: 1,
 *   fitMs: 0, message: null,
 *   parameters: [{ parameter: "group1", truth: 1, estimate, se: null, intervals: [] }],
 * });
 * // Pairs (REML, ML): (1, 2), (2, 2), (3, 5).
 * store.writeReplicates([[1, 2], [2, 2], [3, 5]].map(([reml, ml], rep) => ({
 *   condition: "c", rep, status: "ok" as const, message: null, generateMs: 0, totalMs: 0,
 *   fits: [fit("REML", reml), fit("ML", ml)],
 * })));
 * const rows = pairedComparisons(store);
 * const bias = rows.find((r) => r.measure === "bias_difference")!;
 * // Differences ML - REML: 1, 0, 2; mean 1, centred squares 0 + 1 + 1 = 2,
 * // MCSE sqrt(2 / (3 x 2)) (sd / sqrt(n)).
 * assert.deepEqual([bias.reference, bias.method, bias.value, bias.mcse, bias.n],
 *   ["REML", "ML", 1, Math.sqrt(1 / 3), 3]);
 * store.close();
 * ```
 */
export function pairedComparisons(
  store: ResultStore,
  options: ComparisonOptions = {},
): ComparisonRow[] {
  const rule = options.nonconverged ?? "use";
  if (rule !== "use" && rule !== "exclude") {
    throw new TypeError(`nonconverged is ${JSON.stringify(rule)}; expected "use" or "exclude"`);
  }
  const methods = studyMethods(store);
  if (methods.length === 0) return [];
  const reference = chooseReference(methods, options.reference);
  if (methods.length < 2) return [];
  const sql = SQL[rule];
  const groups = estimatorGroups(store, sql.estimates, methods, reference);
  const intervals = intervalPairs(store, sql, reference);
  const attempted = new Map(
    store.db.prepare("SELECT condition, COUNT(*) AS n FROM replicates GROUP BY condition").all()
      .map((r) => [String(r.condition), Number(r.n)]),
  );
  const rows: ComparisonRow[] = [];
  for (const g of groups) {
    const base = {
      condition: String(g.condition),
      method: String(g.method),
      reference,
      parameter: String(g.parameter),
    };
    const values = estimatorValues(g);
    for (const measure of COMPARISON_MEASURES) {
      const [value, mcse, n] = values[measure];
      rows.push({ ...base, interval: null, measure, value, mcse, n });
    }
    for (const [p, ref] of intervals.get(groupKey(g)) ?? []) {
      const iv = intervalValues(p, ref, attempted.get(base.condition) ?? 0);
      for (const measure of COMPARISON_INTERVAL_MEASURES) {
        const [value, mcse, n] = iv[measure];
        rows.push({ ...base, interval: String(p.interval), measure, value, mcse, n });
      }
    }
  }
  return rows;
}
