/**
 * What the plots and tables of the HTML report read from the store: the
 * study's conditions, parameters, methods, intervals and tests in design
 * order, the nested-loop order of the conditions, the design factor of the
 * power curves, the variance components and true values of the
 * parameters, and samples of the per-replicate estimates.
 *
 * @module
 */

import type { Manifest, ResultStore, StoredCondition } from "../store/store.ts";
import {
  type MissingReplicate,
  missingReplicates,
  plannedReps,
} from "../store/missing_replicates.ts";
import type { Ademp } from "../study/study.ts";
import { parseFormula, randomTermName } from "../model/formula.ts";

/** The parts of the manifest's `config` the report reads. */
export type Config = {
  factors?: Record<string, unknown[]>;
  formula?: string;
  methods?: string[];
  intervals?: string[];
  level?: number;
  /** Level of the tests (a test rejects when its p-value is at most alpha). */
  alpha?: number;
  ademp?: Partial<Ademp>;
  code?: Record<string, string>;
};

/** What the whole report reads from the store once. */
export interface StudyData {
  manifest: Manifest | null;
  conditions: StoredCondition[];
  /** Condition keys in design order. */
  conditionOrder: string[];
  parameters: string[];
  /**
   * The parameters that are variance components (the formula's random terms
   * and `Residual`; without a parseable formula, every parameter but
   * `(Intercept)`), in design order.
   */
  variances: string[];
  /**
   * Per parameter and condition the true value; null when the condition's
   * replicates give none or differing ones.
   */
  truths: Map<string, Map<string, number | null>>;
  methods: string[];
  intervals: string[];
  /** The tests of the store, in design order; none when the study has no tests. */
  tests: string[];
  /** The conditions in nested-loop order and the factors that vary. */
  loop: { order: StoredCondition[]; factors: { name: string; levels: unknown[] }[] };
  /** Replicates stored (failed ones among them) and missing, with those planned per condition. */
  replicates: { stored: number; failed: number; missing: number; planned: number };
}

/**
 * The study's design and counts as recorded in `store`; `missing`: its
 * missing replicates when already computed (else they are computed here).
 */
export function readStudy(
  store: ResultStore,
  options: { missing?: readonly MissingReplicate[] } = {},
): StudyData {
  const db = store.db;
  const names = (sql: string) => db.prepare(sql).all().map((r) => String(Object.values(r)[0]));
  const conditions = store.conditions();
  const manifest = store.readManifest();
  const config = manifest?.config as Config | undefined;
  const parameters = names(
    "SELECT parameter FROM estimates GROUP BY parameter ORDER BY MIN(ordinal), parameter",
  );
  const stored = db.prepare(
    "SELECT COUNT(*) AS n, COALESCE(SUM(status <> 'ok'), 0) AS failed FROM replicates",
  ).get();
  return {
    manifest,
    conditions,
    conditionOrder: conditions.map((c) => c.condition),
    parameters,
    variances: varianceComponents(parameters, config?.formula),
    truths: readTruths(store),
    methods: names("SELECT method FROM fits GROUP BY method ORDER BY MIN(ordinal), method"),
    intervals: names(
      "SELECT interval FROM intervals GROUP BY interval ORDER BY MIN(ordinal), interval",
    ),
    tests: names("SELECT test FROM tests GROUP BY test ORDER BY MIN(ordinal), test"),
    loop: nestedLoopOrder(conditions, config?.factors),
    replicates: {
      stored: Number(stored?.n ?? 0),
      failed: Number(stored?.failed ?? 0),
      missing: (options.missing ?? missingReplicates(store)).length,
      planned: plannedReps(manifest),
    },
  };
}

/** The variance components among `parameters`, by the model formula. */
function varianceComponents(parameters: string[], formula: string | undefined): string[] {
  let random: string[] | null = null;
  try {
    if (formula) random = parseFormula(formula).random.map(randomTermName);
  } catch {
    // A formula the parser does not know (another program's method): fall back on names.
  }
  return parameters.filter((p) =>
    random === null ? p !== "(Intercept)" : p === "Residual" || random.includes(p)
  );
}

/** Per parameter and condition the true value of its estimates (null unless one). */
function readTruths(store: ResultStore): StudyData["truths"] {
  const truths: StudyData["truths"] = new Map();
  const rows = store.db.prepare(
    `SELECT parameter, condition, MIN(truth) AS lo, MAX(truth) AS hi, SUM(truth IS NULL) AS none
     FROM estimates GROUP BY parameter, condition`,
  ).all();
  for (const r of rows) {
    const parameter = String(r.parameter);
    let byCondition = truths.get(parameter);
    if (!byCondition) truths.set(parameter, byCondition = new Map());
    const single = r.lo !== null && r.lo === r.hi && Number(r.none) === 0;
    byCondition.set(String(r.condition), single ? Number(r.lo) : null);
  }
  return truths;
}

/**
 * Conditions sorted for a nested-loop plot: the first varying factor is
 * the outermost loop, levels in design order.
 */
function nestedLoopOrder(
  conditions: StoredCondition[],
  factors: Record<string, unknown[]> | undefined,
): StudyData["loop"] {
  const names = factors
    ? Object.keys(factors)
    : [...new Set(conditions.flatMap((c) => Object.keys(c.params)))];
  const varying = names.map((name) => {
    const seen: unknown[] = [...(factors?.[name] ?? [])];
    for (const c of conditions) {
      if (!seen.some((v) => same(v, c.params[name]))) seen.push(c.params[name]);
    }
    const levels = seen.filter((v) => conditions.some((c) => same(v, c.params[name])));
    return { name, levels };
  }).filter((f) => f.levels.length > 1);
  const index = (f: { name: string; levels: unknown[] }, c: StoredCondition) =>
    f.levels.findIndex((v) => same(v, c.params[f.name]));
  const order = [...conditions].sort((a, b) => {
    for (const f of varying) {
      const d = index(f, a) - index(f, b);
      if (d !== 0) return d;
    }
    return a.position - b.position;
  });
  return { order, factors: varying };
}

/**
 * The design factor a power curve of `parameter` runs along, or null when
 * no factor varies: the first varying factor (in nested-loop order) that
 * changes the parameter's true value between conditions alike in every
 * other factor (sd when the true variance is sd^2), else the first varying
 * factor (a curve of sizes, e.g. along n, when every true value is 0).
 * `truths` maps condition keys to the parameter's true value.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { powerFactor, readStudy } from "./_report_data.ts";
 * import { openStore } from "../store/store.ts";
 * const store = openStore(":memory:");
 * store.registerConditions(
 *   [[5, 0], [5, 1], [10, 0], [10, 1]].map(([n, sd]) => ({
 *     condition: `n=${n};sd=${sd}`, params: { n, sd },
 *   })),
 * );
 * const data = readStudy(store);
 * const truths = new Map(data.conditions.map((c) => [c.condition, Number(c.params.sd) ** 2]));
 * assert.equal(powerFactor(data, truths), "sd");
 * assert.equal(powerFactor(data, new Map()), "n");
 * store.close();
 * ```
 */
export function powerFactor(
  data: StudyData,
  truths: ReadonlyMap<string, number | null>,
): string | null {
  const factors = data.loop.factors;
  const drives = factors.find((f) => {
    const seen = new Map<string, string>();
    for (const c of data.conditions) {
      if (!truths.has(c.condition)) continue;
      const others = factors.filter((o) => o !== f).map((o) => JSON.stringify(c.params[o.name]));
      const key = others.join("\u0000"), truth = JSON.stringify(truths.get(c.condition));
      if (seen.has(key) && seen.get(key) !== truth) return true;
      seen.set(key, truth);
    }
    return false;
  });
  return (drives ?? factors[0])?.name ?? null;
}

/** Whether two factor levels are equal (compared as JSON). */
export const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A condition key as shown in plots and tables: `a=1;b=2` as `a=1, b=2`. */
export const label = (condition: string) => condition.replaceAll(";", ", ");

/** One replicate's estimate of a parameter, drawn in the sampling distributions. */
export interface EstimateRow {
  condition: string;
  method: string;
  estimate: number;
  truth: number | null;
}

/** The estimates of `parameter` of the first `max` replicates per condition x method. */
export function sampleEstimates(store: ResultStore, parameter: string, max: number): EstimateRow[] {
  return store.db.prepare(
    `SELECT condition, method, estimate, truth FROM (
       SELECT condition, method, estimate, truth,
         ROW_NUMBER() OVER (PARTITION BY condition, method ORDER BY rep) AS k
       FROM estimates WHERE parameter = ? AND estimate IS NOT NULL)
     WHERE k <= ?`,
  ).all(parameter, max).map((r) => ({
    condition: String(r.condition),
    method: String(r.method),
    estimate: Number(r.estimate),
    truth: r.truth === null ? null : Number(r.truth),
  }));
}
