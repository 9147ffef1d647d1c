// The store's SQL views (estimates_long, intervals_long, tests_long): their columns, design
// factors as typed columns, covered and width, rows for failed fits and replicates, means equal
// to the report's measures, TEMP views for read-only readers of stores without them, and a
// digest that views do not change.
//
// Every expected value below is computed by hand from the records written in this file
// (covered: lower <= truth <= upper on an ok interval, else null; width: upper - lower), or
// is the report's own measure (lib/report/measures.ts) on the same store.
import assert from "node:assert";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  type FitRecord,
  openStore,
  type ParameterRecord,
  type ReplicateRecord,
  storeDigest,
} from "../../lib/store/mod.ts";
import { STORE_VIEWS, VIEW_COLUMNS } from "../../lib/store/_store_views.ts";
import { runStudy } from "../../lib/study/runner.ts";
import { performanceMeasures } from "../../lib/report/measures.ts";
import { toyManifest, toyRecord, writeSchema1Store } from "./_records.ts";
import { storeIn, studyUrl } from "../study/_tiny.ts";
import { tempDir } from "../_temp_dir.ts";

async function withDir(body: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await tempDir({ prefix: "vcsim-views-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Two conditions whose factors have every kind of value, and clashing or odd names. */
const CONDITIONS = [
  {
    condition: "c1",
    params: { n: 5, sd: 0.5, dist: "t", balanced: true, method: "x", 'we"ird': 1, mix: 1 },
  },
  {
    condition: "c2",
    params: { n: 10, sd: 1, dist: "normal", balanced: false, method: "y", 'we"ird': 2, mix: "a" },
  },
];

/** The factor columns, in first-seen order: `method` clashes with a view column. */
const FACTOR_COLUMNS = ["n", "sd", "dist", "balanced", "factor_method", 'we"ird', "mix"];

function parameter(
  name: string,
  truth: number | null,
  estimate: number,
  extra: Partial<ParameterRecord> = {},
): ParameterRecord {
  return { parameter: name, truth, estimate, se: estimate / 10, intervals: [], ...extra };
}

function fit(method: string, parameters: ParameterRecord[], extra: Partial<FitRecord> = {}) {
  return {
    method,
    status: "ok",
    converged: true,
    singular: false,
    evaluations: 10,
    fitMs: 1,
    message: null,
    parameters,
    ...extra,
  } as FitRecord;
}

function replicate(condition: string, rep: number, fits: FitRecord[]): ReplicateRecord {
  return { condition, rep, status: "ok", message: null, generateMs: 1, totalMs: 2, fits };
}

const lrt = (reject: boolean) => ({
  test: "lrt",
  statistic: reject ? 4.5 : 0.25,
  pValue: reject ? 0.017 : 0.31,
  reject,
  status: "ok" as const,
});

/** group1 (truth 4) and Residual (truth 1) with wald and profile intervals; group1 has a test. */
function c1Parameters(shift: number): ParameterRecord[] {
  return [
    parameter("group1", 4, 3 + shift, {
      intervals: [
        { interval: "wald", lower: 2 + shift, upper: 5 + shift, status: "ok" },
        { interval: "profile", lower: 4.5, upper: 6, status: "ok" },
      ],
      tests: [lrt(shift === 0)],
    }),
    parameter("Residual", 1, 1.2, {
      intervals: [
        { interval: "wald", lower: 1, upper: 1.4, status: "ok" },
        { interval: "profile", lower: null, upper: null, status: "undefined" },
      ],
    }),
  ];
}

const RECORDS: ReplicateRecord[] = [
  replicate("c1", 0, [
    fit("REML", c1Parameters(0)),
    fit("ML", c1Parameters(0.5), { status: "nonconverged", converged: false, singular: true }),
  ]),
  replicate("c1", 1, [
    fit("REML", [], { status: "error", converged: false, message: "boom" }),
    fit("ML", c1Parameters(0)),
  ]),
  { ...replicate("c1", 2, []), status: "error", message: "generate failed" },
  replicate("c2", 0, [
    fit("REML", [
      parameter("group1", null, 2, {
        intervals: [{ interval: "wald", lower: 1, upper: 3, status: "ok" }],
        tests: [{ test: "lrt", statistic: null, pValue: null, reject: null, status: "failed" }],
      }),
      parameter("Residual", 1, 0.9, {
        intervals: [{ interval: "wald", lower: 0.5, upper: 0.95, status: "ok" }],
      }),
    ]),
  ]),
];

function writeStore(path: string): void {
  const store = openStore(path);
  try {
    store.writeManifest(toyManifest());
    store.registerConditions(CONDITIONS);
    store.writeReplicates(RECORDS);
  } finally {
    store.close();
  }
}

type Row = Record<string, unknown>;

function rows(db: DatabaseSync, sql: string, ...args: (string | number)[]): Row[] {
  return db.prepare(sql).all(...args).map((r) => ({ ...r }));
}

/** Views (name and schema) of a connection. */
function viewsOf(db: DatabaseSync, schema: "main" | "temp"): string[] {
  return rows(db, `SELECT name FROM ${schema}.sqlite_master WHERE type = 'view' ORDER BY name`)
    .map((r) => String(r.name));
}

Deno.test("views have the documented columns, the design factors first", () =>
  withDir((dir) => {
    const path = join(dir, "results.sqlite");
    writeStore(path);
    const store = openStore(path, { readOnly: true });
    try {
      assert.deepStrictEqual(viewsOf(store.db, "main"), [...STORE_VIEWS].sort());
      assert.deepStrictEqual(viewsOf(store.db, "temp"), []); // current views: none lent
      for (const view of STORE_VIEWS) {
        const columns = rows(store.db, `PRAGMA table_info(${view})`).map((r) => r.name);
        assert.deepStrictEqual(columns, [...FACTOR_COLUMNS, ...VIEW_COLUMNS[view]], view);
      }
      assert.deepStrictEqual(VIEW_COLUMNS.estimates_long, [
        "condition",
        "rep",
        "replicate_status",
        "method",
        "fit_status",
        "converged",
        "singular",
        "parameter",
        "truth",
        "estimate",
        "se",
      ]);
    } finally {
      store.close();
    }
  }));

Deno.test("factor columns are typed by their values across conditions", () =>
  withDir((dir) => {
    const path = join(dir, "results.sqlite");
    writeStore(path);
    const store = openStore(path, { readOnly: true });
    try {
      const got = rows(
        store.db,
        `SELECT condition, n, typeof(n) AS tn, sd, typeof(sd) AS tsd, dist, typeof(dist) AS td,
           balanced, typeof(balanced) AS tb, factor_method, "we""ird" AS weird, mix,
           typeof(mix) AS tm
         FROM estimates_long WHERE rep = 0 AND method = 'REML' AND parameter = 'Residual'
         ORDER BY condition`,
      );
      assert.deepStrictEqual(got, [
        // integers stay integers; 0.5 and 1 are one REAL column; booleans are 0/1;
        // a factor mixing numbers and text is text.
        {
          condition: "c1",
          n: 5,
          tn: "integer",
          sd: 0.5,
          tsd: "real",
          dist: "t",
          td: "text",
          balanced: 1,
          tb: "integer",
          factor_method: "x",
          weird: 1,
          mix: "1",
          tm: "text",
        },
        {
          condition: "c2",
          n: 10,
          tn: "integer",
          sd: 1,
          tsd: "real",
          dist: "normal",
          td: "text",
          balanced: 0,
          tb: "integer",
          factor_method: "y",
          weird: 2,
          mix: "a",
          tm: "text",
        },
      ]);
    } finally {
      store.close();
    }
  }));

Deno.test("estimates_long: a row per replicate x method x parameter, failures included", () =>
  withDir((dir) => {
    const path = join(dir, "results.sqlite");
    writeStore(path);
    const store = openStore(path, { readOnly: true });
    try {
      const got = rows(
        store.db,
        `SELECT condition, rep, replicate_status, method, fit_status, converged, singular,
           parameter, truth, estimate, se
         FROM estimates_long WHERE parameter = 'group1' ORDER BY condition, rep, method`,
      );
      assert.deepStrictEqual(got, [
        // c1 rep 0: ML nonconverged (estimates kept), REML ok.
        {
          condition: "c1",
          rep: 0,
          replicate_status: "ok",
          method: "ML",
          fit_status: "nonconverged",
          converged: 0,
          singular: 1,
          parameter: "group1",
          truth: 4,
          estimate: 3.5,
          se: 0.35,
        },
        {
          condition: "c1",
          rep: 0,
          replicate_status: "ok",
          method: "REML",
          fit_status: "ok",
          converged: 1,
          singular: 0,
          parameter: "group1",
          truth: 4,
          estimate: 3,
          se: 0.3,
        },
        {
          condition: "c1",
          rep: 1,
          replicate_status: "ok",
          method: "ML",
          fit_status: "ok",
          converged: 1,
          singular: 0,
          parameter: "group1",
          truth: 4,
          estimate: 3,
          se: 0.3,
        },
        // The failed REML fit: no estimate, its truth from the condition.
        {
          condition: "c1",
          rep: 1,
          replicate_status: "ok",
          method: "REML",
          fit_status: "error",
          converged: 0,
          singular: 0,
          parameter: "group1",
          truth: 4,
          estimate: null,
          se: null,
        },
        // The failed replicate: no fits at all.
        ...["ML", "REML"].map((method) => ({
          condition: "c1",
          rep: 2,
          replicate_status: "error",
          method,
          fit_status: null,
          converged: null,
          singular: null,
          parameter: "group1",
          truth: 4,
          estimate: null,
          se: null,
        })),
        {
          condition: "c2",
          rep: 0,
          replicate_status: "ok",
          method: "REML",
          fit_status: "ok",
          converged: 1,
          singular: 0,
          parameter: "group1",
          truth: null,
          estimate: 2,
          se: 0.2,
        },
      ]);
      // 3 replicates x 2 methods x 2 parameters in c1, 1 x 1 x 2 in c2.
      assert.strictEqual(rows(store.db, "SELECT COUNT(*) AS n FROM estimates_long")[0].n, 14);
    } finally {
      store.close();
    }
  }));

Deno.test("intervals_long: covered against the truth (limits inclusive), width, failures", () =>
  withDir((dir) => {
    const path = join(dir, "results.sqlite");
    writeStore(path);
    const store = openStore(path, { readOnly: true });
    try {
      const got = rows(
        store.db,
        `SELECT condition, rep, method, parameter, interval, truth, lower, upper, status, covered,
           width, typeof(covered) AS tc
         FROM intervals_long WHERE (condition = 'c1' AND rep < 2 AND method = 'REML')
           OR condition = 'c2' ORDER BY condition, rep, parameter, interval`,
      );
      const at = (condition: string, rep: number, parameter: string, interval: string) => ({
        condition,
        rep,
        method: "REML",
        parameter,
        interval,
      });
      assert.deepStrictEqual(
        got,
        [
          // Residual: wald [1, 1.4] holds the truth 1 at its lower limit; profile undefined.
          { ...at("c1", 0, "Residual", "profile"), truth: 1, lower: null, upper: null },
          { ...at("c1", 0, "Residual", "wald"), truth: 1, lower: 1, upper: 1.4 },
          // group1 (truth 4): profile [4.5, 6] misses below, wald [2, 5] covers.
          { ...at("c1", 0, "group1", "profile"), truth: 4, lower: 4.5, upper: 6 },
          { ...at("c1", 0, "group1", "wald"), truth: 4, lower: 2, upper: 5 },
          // rep 1: the REML fit failed, so no interval and no status.
          ...["Residual", "group1"].flatMap((p) =>
            ["profile", "wald"].map((i) => ({
              ...at("c1", 1, p, i),
              truth: p === "group1" ? 4 : 1,
            }))
          ).map((r) => ({ ...r, lower: null, upper: null })),
          // c2: Residual [0.5, 0.95] misses the truth 1 above; group1 has no truth.
          { ...at("c2", 0, "Residual", "wald"), truth: 1, lower: 0.5, upper: 0.95 },
          { ...at("c2", 0, "group1", "wald"), truth: null, lower: 1, upper: 3 },
        ].map((r, k) => {
          const status = [
            "undefined",
            "ok",
            "ok",
            "ok",
            null,
            null,
            null,
            null,
            "ok",
            "ok",
          ][k];
          const covered = [null, 1, 0, 1, null, null, null, null, 0, null][k];
          const width =
            [null, 1.4 - 1, 6 - 4.5, 5 - 2, null, null, null, null, 0.95 - 0.5, 3 - 1][k];
          return { ...r, status, covered, width, tc: covered === null ? "null" : "integer" };
        }),
      );
      // 3 replicates x 2 methods x 2 parameters x 2 intervals in c1, 2 x 1 in c2.
      assert.strictEqual(rows(store.db, "SELECT COUNT(*) AS n FROM intervals_long")[0].n, 26);
    } finally {
      store.close();
    }
  }));

Deno.test("tests_long: statistic, p-value, reject, status and truth per test", () =>
  withDir((dir) => {
    const path = join(dir, "results.sqlite");
    writeStore(path);
    const store = openStore(path, { readOnly: true });
    try {
      const got = rows(
        store.db,
        `SELECT condition, rep, method, parameter, test, truth, statistic, p_value, reject, status,
           n FROM tests_long ORDER BY condition, rep, method`,
      );
      const row = (rep: number, method: string, values: Row) => ({
        condition: "c1",
        rep,
        method,
        parameter: "group1",
        test: "lrt",
        truth: 4,
        ...values,
        n: 5,
      });
      const none = { statistic: null, p_value: null, reject: null, status: null };
      assert.deepStrictEqual(got, [
        // ML at c1 rep 0 was fitted with shift 0.5: no rejection.
        row(0, "ML", { statistic: 0.25, p_value: 0.31, reject: 0, status: "ok" }),
        row(0, "REML", { statistic: 4.5, p_value: 0.017, reject: 1, status: "ok" }),
        row(1, "ML", { statistic: 4.5, p_value: 0.017, reject: 1, status: "ok" }),
        row(1, "REML", none),
        row(2, "ML", none),
        row(2, "REML", none),
        {
          condition: "c2",
          rep: 0,
          method: "REML",
          parameter: "group1",
          test: "lrt",
          truth: null,
          statistic: null,
          p_value: null,
          reject: null,
          status: "failed",
          n: 10,
        },
      ]);
    } finally {
      store.close();
    }
  }));

Deno.test("a study's views give the report's coverage, bias and failure rate", async () => {
  const dir = await tempDir();
  try {
    await runStudy(studyUrl("tiny"), { outDir: dir, workers: 1 });
    const store = openStore(storeIn(dir), { readOnly: true });
    try {
      const measures = performanceMeasures(store);
      const value = (m: { condition: string; method: string; parameter: string }, name: string) =>
        measures.find((r) =>
          r.condition === m.condition && r.method === m.method && r.parameter === m.parameter &&
          r.measure === name
        )?.value;
      const coverage = rows(
        store.db,
        `SELECT condition, method, parameter, n_group1, AVG(COALESCE(covered, 0)) AS coverage,
           AVG(covered) AS coverage_defined, AVG(width) AS mean_width, COUNT(*) AS n
         FROM intervals_long WHERE interval = 'wald' GROUP BY condition, method, parameter`,
      );
      assert.strictEqual(coverage.length, 2 * 2 * 4); // conditions x methods x parameters
      for (const c of coverage) {
        const m = c as { condition: string; method: string; parameter: string };
        assert.strictEqual(c.n, 12); // the study's replicates
        assert.strictEqual(typeof c.n_group1, "number");
        assert.ok(Math.abs(Number(c.coverage) - value(m, "coverage")!) < 1e-12, `${m.parameter}`);
        assert.ok(Math.abs(Number(c.coverage_defined) - value(m, "coverage_defined")!) < 1e-12);
        assert.ok(Math.abs(Number(c.mean_width) - value(m, "mean_width")!) < 1e-9);
      }
      const bias = rows(
        store.db,
        `SELECT condition, method, parameter, AVG(estimate - truth) AS bias,
           AVG(estimate IS NULL) AS failure_rate
         FROM estimates_long GROUP BY condition, method, parameter`,
      );
      for (const b of bias) {
        const m = b as { condition: string; method: string; parameter: string };
        assert.ok(Math.abs(Number(b.bias) - value(m, "bias")!) < 1e-12, `bias ${m.parameter}`);
        assert.strictEqual(b.failure_rate, value(m, "failure_rate"));
      }
    } finally {
      store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the views follow the conditions: a new factor gets its column", () => {
  const store = openStore(":memory:");
  try {
    store.registerConditions([{ condition: "a", params: { n: 5 } }]);
    const columns = () =>
      rows(store.db, "PRAGMA table_info(estimates_long)").map((r) => r.name).slice(0, 3);
    assert.deepStrictEqual(columns(), ["n", "condition", "rep"]);
    store.registerConditions([{ condition: "b", params: { n: 7.5, layout: "balanced" } }]);
    assert.deepStrictEqual(columns(), ["n", "layout", "condition"]);
    const sql = rows(store.db, "SELECT sql FROM sqlite_master WHERE name = 'estimates_long'");
    assert.match(String(sql[0].sql), /CAST\(json_extract\(c\.params, '\$\."n"'\) AS REAL\) AS "n"/);
  } finally {
    store.close();
  }
});

Deno.test("read-only, a store without views gets TEMP views and is left as it was", () =>
  withDir((dir) => {
    // A schema 1 store (before tests and views), written by hand.
    const old = join(dir, "old.sqlite");
    writeSchema1Store(old, [toyRecord("a", 0), toyRecord("a", 1)], {
      conditions: [{ condition: "a", params: { n: 5 } }],
    });
    // A current store whose views were dropped (as a store written before views).
    const bare = join(dir, "bare.sqlite");
    writeStore(bare);
    const db = new DatabaseSync(bare);
    for (const view of STORE_VIEWS) db.exec(`DROP VIEW ${view}`);
    db.close();
    for (const path of [old, bare]) {
      const before = Deno.readFileSync(path);
      const store = openStore(path, { readOnly: true });
      try {
        assert.deepStrictEqual(viewsOf(store.db, "main"), []);
        assert.deepStrictEqual(viewsOf(store.db, "temp"), [...STORE_VIEWS].sort());
        const n = rows(store.db, "SELECT COUNT(*) AS n, MIN(n) AS f FROM intervals_long")[0];
        assert.deepStrictEqual(n, path === old ? { n: 2 * 2 * 2 * 2, f: 5 } : { n: 26, f: 5 });
        assert.strictEqual(
          rows(store.db, "SELECT COUNT(*) AS n FROM tests_long")[0].n,
          path === old ? 0 : 7,
        );
      } finally {
        store.close();
      }
      assert.deepStrictEqual(Deno.readFileSync(path), before);
    }
    assert.deepStrictEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
      ["bare.sqlite", "old.sqlite"],
    );
    // Opened for writing, each gains its views in the file.
    for (const path of [old, bare]) {
      openStore(path).close();
      const store = openStore(path, { readOnly: true });
      try {
        assert.deepStrictEqual(viewsOf(store.db, "main"), [...STORE_VIEWS].sort());
        assert.deepStrictEqual(viewsOf(store.db, "temp"), []);
      } finally {
        store.close();
      }
    }
  }));

Deno.test("views do not change the store's digest", () =>
  withDir(async (dir) => {
    const path = join(dir, "results.sqlite");
    writeStore(path);
    const copy = join(dir, "copy.sqlite");
    Deno.copyFileSync(path, copy);
    const db = new DatabaseSync(copy);
    for (const view of STORE_VIEWS) db.exec(`DROP VIEW ${view}`);
    db.close();
    const without = openStore(copy, { readOnly: true });
    const withViews = openStore(path, { readOnly: true });
    try {
      assert.deepStrictEqual(viewsOf(without.db, "main"), []);
      assert.strictEqual(await storeDigest(without), await storeDigest(withViews));
    } finally {
      without.close();
      withViews.close();
    }
  }));
