/**
 * The store's SQL views for R, pandas and SQL users: `estimates_long`,
 * `intervals_long` and `tests_long`, one row per replicate x method x
 * parameter (x interval, x test) with the study's design factors as real
 * columns. Factors differ per study, so each view's column list is built
 * from the stored conditions (`conditions.params`, JSON) whenever they
 * change, with every identifier quoted.
 *
 * Rows follow the report's long CSV (`replicates.csv`): every stored
 * replicate gets a row for each method x parameter (x interval, x test)
 * that its condition has anywhere, so a failed replicate or fit appears
 * with null estimates and limits and means over a view's rows are the
 * report's measures.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";

/** The views, in creation order. */
export const STORE_VIEWS = ["estimates_long", "intervals_long", "tests_long"] as const;

/** One of the store's views. */
export type StoreView = typeof STORE_VIEWS[number];

/** The columns every view has after the factors: the replicate and fit they belong to. */
const KEY_COLUMNS = [
  "condition",
  "rep",
  "replicate_status",
  "method",
  "fit_status",
  "converged",
  "singular",
  "parameter",
] as const;

/** The columns of each view after the design factors, in order. */
export const VIEW_COLUMNS: Readonly<Record<StoreView, readonly string[]>> = {
  estimates_long: [...KEY_COLUMNS, "truth", "estimate", "se"],
  intervals_long: [
    ...KEY_COLUMNS,
    "interval",
    "truth",
    "estimate",
    "lower",
    "upper",
    "status",
    "covered",
    "width",
  ],
  tests_long: [
    ...KEY_COLUMNS,
    "test",
    "truth",
    "estimate",
    "statistic",
    "p_value",
    "reject",
    "status",
  ],
};

/** A design factor as a view column. */
export interface FactorColumn {
  /** The factor's name in `conditions.params`. */
  readonly factor: string;
  /** Its column: the factor's name, prefixed `factor_` while it clashes with another column. */
  readonly column: string;
  /** The SQL expression of its value, typed (see {@linkcode factorColumns}). */
  readonly expression: string;
}

/** `name` as a quoted SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `text` as a SQL string literal. */
function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * The value of `factor` in `c.params`: a JSON path for plain keys, a
 * `json_each` lookup for keys JSON would escape (`"`, `\`, control
 * characters), which a path cannot name in every SQLite version.
 */
function factorValue(factor: string): string {
  // deno-lint-ignore no-control-regex
  if (!/["\\\u0000-\u001f]/.test(factor)) {
    return `json_extract(c.params, ${quoteString(`$."${factor}"`)})`;
  }
  return `(SELECT value FROM json_each(c.params) WHERE key = ${quoteString(factor)})`;
}

/**
 * The SQL type a factor's column gets from its values across conditions:
 * none needed when they are all integers or booleans (0/1), all strings,
 * or all other JSON; REAL when they are numbers not all integers (so R and
 * pandas see one type); TEXT when they mix numbers and strings.
 */
function factorCast(values: readonly unknown[]): "REAL" | "TEXT" | null {
  const numeric = values.every((v) => typeof v === "number" || typeof v === "boolean");
  if (numeric) {
    return values.every((v) => typeof v !== "number" || Number.isInteger(v)) ? null : "REAL";
  }
  const kinds = new Set(
    values.map((v) => typeof v === "string" ? "string" : typeof v === "object" ? "json" : "number"),
  );
  return kinds.size === 1 ? null : "TEXT";
}

/**
 * The design factors of `conditions` in first-seen order, each with its
 * column name and typed value expression. A factor whose name equals
 * another column of any view, or another factor's column (SQLite names are
 * case-insensitive), or is empty, is prefixed `factor_` until it is not.
 */
export function factorColumns(
  conditions: readonly { params: Readonly<Record<string, unknown>> }[],
): FactorColumn[] {
  const values = new Map<string, unknown[]>();
  for (const { params } of conditions) {
    for (const [factor, value] of Object.entries(params)) {
      const list = values.get(factor) ?? [];
      if (value !== null && value !== undefined) list.push(value);
      values.set(factor, list);
    }
  }
  const taken = new Set(Object.values(VIEW_COLUMNS).flat().map((c) => c.toLowerCase()));
  return [...values].map(([factor, list]) => {
    let column = factor;
    while (column === "" || taken.has(column.toLowerCase())) column = `factor_${column}`;
    taken.add(column.toLowerCase());
    const cast = factorCast(list);
    const value = factorValue(factor);
    return { factor, column, expression: cast ? `CAST(${value} AS ${cast})` : value };
  });
}

/** The fit's columns shared by every view (after `r.rep`). */
const FIT_COLUMNS = `r.status AS replicate_status, g.method AS method, f.status AS fit_status,
  f.converged AS converged, f.singular AS singular, g.parameter AS parameter`;

/** Joins of a replicate r and a group g to its fit f, estimate e and condition c. */
const FIT_JOINS = `LEFT JOIN fits f ON f.condition = r.condition AND f.rep = r.rep
  AND f.method = g.method
LEFT JOIN estimates e ON e.condition = r.condition AND e.rep = r.rep
  AND e.method = g.method AND e.parameter = g.parameter
LEFT JOIN conditions c ON c.condition = r.condition`;

/** Each condition's method x parameter groups with their true value. */
const TRUTHS = `SELECT condition, method, parameter, MAX(truth) AS truth FROM estimates
  GROUP BY condition, method, parameter`;

/**
 * The true value of a row of `intervals_long` or `tests_long`: its
 * estimate's, or, where the fit failed (no estimate row), that of the
 * first stored estimate of the same condition, method and parameter (the
 * true value depends on the condition alone). Looked up only when needed.
 */
const TRUTH = `COALESCE(e.truth, (SELECT x.truth FROM estimates x
    WHERE x.condition = r.condition AND x.method = g.method AND x.parameter = g.parameter
    LIMIT 1))`;

/** The body (after `AS`) of `view`, with `factors` first. */
function viewBody(view: StoreView, factors: readonly FactorColumn[]): string {
  const head = ["SELECT", ...factors.map((f) => `${f.expression} AS ${quoteIdentifier(f.column)},`)]
    .join("\n  ") + `\n  r.condition AS condition, r.rep AS rep, ${FIT_COLUMNS},`;
  if (view === "estimates_long") {
    return `${head}
  COALESCE(e.truth, g.truth) AS truth, e.estimate AS estimate, e.se AS se
FROM replicates r
JOIN (${TRUTHS}) g ON g.condition = r.condition
${FIT_JOINS}`;
  }
  const [table, kind, alias] = view === "intervals_long"
    ? ["intervals", "interval", "i"]
    : ["tests", "test", "t"];
  const values = view === "intervals_long"
    ? "i.lower AS lower, i.upper AS upper, i.status AS status"
    : "t.statistic AS statistic, t.p_value AS p_value, t.reject AS reject, t.status AS status";
  const body = `${head} g.${kind} AS ${kind},
  ${TRUTH} AS truth, e.estimate AS estimate,
  ${values}
FROM replicates r
JOIN (SELECT DISTINCT condition, method, parameter, ${kind} FROM ${table}) g
  ON g.condition = r.condition
${FIT_JOINS}
LEFT JOIN ${table} ${alias} ON ${alias}.condition = r.condition AND ${alias}.rep = r.rep
  AND ${alias}.method = g.method AND ${alias}.parameter = g.parameter
  AND ${alias}.${kind} = g.${kind}`;
  if (view === "tests_long") return body;
  // covered and width from the row's own truth and limits, so the truth is written once.
  return `SELECT *,
  CASE WHEN status = 'ok' AND truth IS NOT NULL THEN lower <= truth AND truth <= upper END
    AS covered,
  CASE WHEN status = 'ok' THEN upper - lower END AS width
FROM (${body})`;
}

/**
 * The `CREATE VIEW` statement of every view for `conditions`, by view.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { viewStatements } from "./_store_views.ts";
 * const sql = viewStatements([{ params: { n: 5, "sd's": 0.5 } }, { params: { n: 10, "sd's": 1 } }]);
 * assert.match(sql.estimates_long, /^CREATE VIEW estimates_long AS\nSELECT\n/);
 * assert.match(sql.estimates_long, /json_extract\(c\.params, '\$\."n"'\) AS "n",/);
 * assert.match(sql.estimates_long, /CAST\(json_extract\(c\.params, '\$\."sd''s"'\) AS REAL\)/);
 * ```
 */
export function viewStatements(
  conditions: readonly { params: Readonly<Record<string, unknown>> }[],
): Record<StoreView, string> {
  const factors = factorColumns(conditions);
  return Object.fromEntries(
    STORE_VIEWS.map((view) => [view, `CREATE VIEW ${view} AS\n${viewBody(view, factors)}`]),
  ) as Record<StoreView, string>;
}

/**
 * The statements that bring `db`'s views up to date with its conditions:
 * for the main schema (a store open for writing), a `DROP VIEW` and
 * `CREATE VIEW` for each view that is missing or was built for other
 * conditions, nothing when all are current; with `temp` (a read-only
 * connection), a `CREATE TEMP VIEW` for each such view, which shadows the
 * stored one for this connection only and never touches the file.
 */
export function viewUpdates(db: DatabaseSync, options: { temp?: boolean } = {}): string[] {
  const conditions = db.prepare("SELECT params FROM conditions ORDER BY position, condition").all()
    .map((row) => ({ params: JSON.parse(String(row.params)) as Record<string, unknown> }));
  const wanted = viewStatements(conditions);
  const stored = new Map(
    db.prepare("SELECT name, sql FROM main.sqlite_master WHERE type = 'view'").all()
      .map((row) => [String(row.name), String(row.sql)]),
  );
  const updates: string[] = [];
  for (const view of STORE_VIEWS) {
    if (stored.get(view) === wanted[view]) continue;
    if (options.temp) {
      updates.push(wanted[view].replace(/^CREATE VIEW/, "CREATE TEMP VIEW"));
    } else {
      updates.push(`DROP VIEW IF EXISTS main.${view}`, wanted[view]);
    }
  }
  return updates;
}
