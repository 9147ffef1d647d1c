// The interval passes of the measures and of the paired comparisons tally
// rows in JavaScript (lib/report/_interval_tallies.ts, _pair_tallies.ts)
// where SQL's GROUP BY aggregates did before. Oracle: those SQL aggregates,
// kept here as they were in lib/report/measures.ts and paired_comparisons.ts,
// run over the same random rows: bounds missing, infinite, integral or of
// any magnitude; every status; true values, means and shifts sometimes
// missing; fits sometimes not converged. Each field must be identical
// (Object.is), the width sums to the last bit. The one difference allowed:
// a count over no used row is 0 where SQL's SUM gives null (both read as 0).
import assert from "node:assert";
import { openStore, type ResultStore } from "../../lib/store/store.ts";
import { _groupJoin, _truthOf } from "../../lib/report/_interval_groups.ts";
import {
  binaryOrder,
  INTERVAL_ROW_VALUES,
  type IntervalGroup,
  IntervalTallies,
} from "../../lib/report/_interval_tallies.ts";
import {
  PAIR_ROW_VALUES,
  PairTallies,
  REFERENCE_ROW_VALUES,
} from "../../lib/report/_pair_tallies.ts";
import { _scanRows } from "../../lib/report/_row_scan.ts";
import { CompensatedSums } from "../../lib/report/_compensated_sums.ts";

/** A small deterministic generator (an LCG): the same rows on every run. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const METHODS = ["REML", "ML", "ANOVA"], PARAMETERS = ["group1", "Residual"];
const INTERVALS = ["wald", "profile", "ωald"]; // a non-ASCII name sorts by its bytes
const STATUSES = ["ok", "ok", "ok", "ok", "undefined", "not-applicable", "failed"];

function bound(u: () => number): number | null {
  const r = u();
  if (r < 0.08) return null;
  if (r < 0.12) return r < 0.1 ? -Infinity : Infinity;
  if (r < 0.3) return Math.round(u() * 20 - 10);
  return (u() - 0.5) * 10 ** Math.floor(u() * 10 - 3);
}
const maybe = (u: () => number, x: number) => u() < 0.1 ? null : x;

/** A store whose tables hold random rows, with the temporary groups table of each pass. */
function randomStore(seed: number): ResultStore {
  const u = lcg(seed), store = openStore(":memory:"), db = store.db;
  const fit = db.prepare("INSERT INTO fits VALUES (?, ?, ?, ?, ?, 1, 0, 1, 0, NULL)");
  const est = db.prepare("INSERT INTO estimates VALUES (?, ?, ?, ?, ?, ?, 1, 1)");
  const iv = db.prepare("INSERT INTO intervals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const c of ["a", "b"]) {
    for (let rep = 0; rep < 300; rep++) {
      METHODS.forEach((m, k) => {
        if (u() < 0.05) return; // no fit of this method in this replicate
        fit.run(c, rep, m, k, u() < 0.2 ? "nonconverged" : "ok");
        PARAMETERS.forEach((p, j) => {
          est.run(c, rep, m, p, j, maybe(u, Math.round(u() * 3)));
          INTERVALS.forEach((i, o) => {
            if (u() < 0.05) return;
            iv.run(c, rep, m, p, i, o, bound(u), bound(u), STATUSES[Math.floor(u() * 7)]);
          });
        });
      });
    }
  }
  for (const table of ["vcsim_report_groups", "vcsim_pair_groups"]) {
    db.exec(`CREATE TEMP TABLE ${table} (condition TEXT NOT NULL, method TEXT NOT NULL,
      parameter TEXT NOT NULL, interval TEXT NOT NULL, id INTEGER NOT NULL, tbar, truth, shift,
      PRIMARY KEY (condition, method, parameter, interval)) WITHOUT ROWID`);
    const g = db.prepare(`INSERT INTO temp.${table} VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    let id = 0;
    for (const c of ["a", "b"]) {
      for (const m of METHODS) {
        for (const p of PARAMETERS) {
          for (const i of INTERVALS) {
            g.run(c, m, p, i, id++, maybe(u, bound(u) ?? 0), maybe(u, u() * 3), maybe(u, u() * 2));
          }
        }
      }
    }
  }
  return store;
}

/** The two rules' SQL: which fits are used, as a filter, a condition to AND, and a value. */
const RULES = [
  { name: "use", join: "", filter: "", value: "1" },
  {
    name: "exclude",
    join:
      "CROSS JOIN fits f ON f.condition = i.condition AND f.rep = i.rep AND f.method = i.method",
    filter: " FILTER (WHERE f.status <> 'nonconverged')",
    value: "f.status <> 'nonconverged'",
  },
];

const groupsOf = (store: ResultStore, table: string) =>
  store.db.prepare(
    `SELECT id, condition, method, parameter, interval FROM temp.${table} ORDER BY id`,
  )
    .all() as unknown as IntervalGroup[];

/** The measures' interval SQL as it was (lib/report/measures.ts before the tallies). */
function measuresOracle(store: ResultStore, rule: typeof RULES[number], perRow: boolean) {
  const truth = _truthOf(perRow), used = rule.filter;
  const width = "i.upper - i.lower - COALESCE(g.shift, 0)";
  return store.db.prepare(`
SELECT g.condition, g.method, g.parameter, g.interval,
  MIN(i.ordinal) AS interval_ordinal,
  MAX(${truth}) AS truth,
  SUM(i.status = 'ok')${used} AS defined,
  SUM(i.status = 'ok' AND i.lower <= ${truth} AND ${truth} <= i.upper)${used} AS hits,
  SUM(i.status = 'ok' AND i.upper < ${truth})${used} AS below,
  SUM(i.status = 'ok' AND i.lower > ${truth})${used} AS above,
  SUM(i.status = 'ok' AND i.lower <= g.tbar AND g.tbar <= i.upper)${used} AS be_hits,
  AVG(CASE WHEN i.status = 'ok' THEN i.upper - i.lower END)${used} AS width,
  SUM(CASE WHEN i.status = 'ok' THEN ${width} END)${used} AS sum_d,
  SUM(CASE WHEN i.status = 'ok' THEN (${width}) * (${width}) END)${used} AS sum_d2
FROM intervals i
${_groupJoin("i", { table: "temp.vcsim_report_groups", perRow })}
${rule.join}
GROUP BY g.id
HAVING SUM(i.status <> 'not-applicable') > 0
ORDER BY interval_ordinal, g.interval`).all();
}

const COUNTS = new Set([
  "defined",
  "hits",
  "below",
  "above",
  "be_hits",
  "applicable",
  "both_hits",
  "both_defined",
  "defined_hits",
  "defined_ref_hits",
]);

function assertSameRows(got: readonly object[], want: readonly object[], what: string) {
  assert.equal(got.length, want.length, `${what}: number of groups`);
  want.forEach((w, k) => {
    const g = got[k] as Record<string, unknown>;
    for (const [field, value] of Object.entries(w)) {
      const expected = value === null && COUNTS.has(field) ? 0 : value;
      assert.ok(
        Object.is(g[field], expected),
        `${what}, group ${k} (${JSON.stringify(w)}): ${field} is ${g[field]}, SQL gave ${value}`,
      );
    }
  });
}

for (const seed of [1, 2, 3]) {
  Deno.test(`measures' interval tallies equal the SQL aggregates (random rows, seed ${seed})`, () => {
    const store = randomStore(seed);
    try {
      const groups = groupsOf(store, "vcsim_report_groups");
      for (const rule of RULES) {
        for (const perRow of [false, true]) {
          const tallies = new IntervalTallies(groups.length);
          _scanRows(
            store.db,
            {
              values: INTERVAL_ROW_VALUES(_truthOf(perRow), rule.value),
              from: `FROM intervals i
${_groupJoin("i", { table: "temp.vcsim_report_groups", perRow })}
${rule.join}`,
            },
            [],
            tallies.step,
          );
          const want = measuresOracle(store, rule, perRow);
          assert.ok(want.length > 30, "the random rows make groups");
          assertSameRows(tallies.tallies(groups), want, `${rule.name}, perRow ${perRow}`);
        }
      }
    } finally {
      store.close();
    }
  });
}

/** The paired comparisons' interval SQL as it was (lib/report/paired_comparisons.ts). */
function pairOracles(store: ResultStore, exclude: boolean, perRow: boolean, reference: string) {
  const usedA = exclude ? " AND fa.status <> 'nonconverged'" : "";
  const usedB = exclude ? " AND fb.status <> 'nonconverged'" : "";
  const joinA = exclude
    ? "JOIN fits fa ON fa.condition = a.condition AND fa.rep = a.rep AND fa.method = a.method"
    : "";
  const joinB = exclude
    ? "LEFT JOIN fits fb ON fb.condition = b.condition AND fb.rep = b.rep AND fb.method = b.method"
    : "";
  const truth = _truthOf(perRow),
    join = _groupJoin("a", { table: "temp.vcsim_pair_groups", perRow });
  const ok = (i: string, used: string) => `COALESCE(${i}.status = 'ok'${used}, 0)`;
  const hit = (i: string, used: string) =>
    `COALESCE(${i}.status = 'ok'${used} AND ${i}.lower <= ${truth} AND ${truth} <= ${i}.upper, 0)`;
  const both = `${ok("a", usedA)} AND ${ok("b", usedB)}`;
  const refs = store.db.prepare(`
SELECT g.condition, g.parameter, g.interval,
  SUM(a.status <> 'not-applicable') AS applicable, SUM(${hit("a", usedA)}) AS hits
FROM intervals a ${join} ${joinA}
WHERE a.method = ?1
GROUP BY g.id`).all(reference);
  const pairs = store.db.prepare(`
SELECT g.condition, g.method, g.parameter, g.interval, MIN(a.ordinal) AS interval_ordinal,
  MAX(${truth}) AS truth,
  SUM(a.status <> 'not-applicable') AS applicable,
  SUM(${hit("a", usedA)}) AS hits,
  SUM(${hit("a", usedA)} AND ${hit("b", usedB)}) AS both_hits,
  SUM(${both}) AS both_defined,
  SUM(${both} AND ${hit("a", usedA)}) AS defined_hits,
  SUM(${both} AND ${hit("b", usedB)}) AS defined_ref_hits
FROM intervals a ${join}
LEFT JOIN intervals b ON b.condition = a.condition AND b.rep = a.rep AND b.method = ?1
  AND b.parameter = a.parameter AND b.interval = a.interval
${joinA} ${joinB}
WHERE a.method <> ?1
GROUP BY g.id
ORDER BY interval_ordinal, g.interval`).all(reference);
  return { refs, pairs, joinA, joinB, join };
}

for (const seed of [4, 5]) {
  Deno.test(`paired interval tallies equal the SQL aggregates (random rows, seed ${seed})`, () => {
    const store = randomStore(seed);
    try {
      const groups = groupsOf(store, "vcsim_pair_groups");
      for (const exclude of [false, true]) {
        for (const perRow of [false, true]) {
          for (const reference of ["REML", "ANOVA"]) {
            const o = pairOracles(store, exclude, perRow, reference);
            const used = exclude
              ? { a: "fa.status <> 'nonconverged'", b: "fb.status <> 'nonconverged'" }
              : { a: "1", b: "1" };
            const refs = new PairTallies(groups.length), pairs = new PairTallies(groups.length);
            _scanRows(
              store.db,
              {
                values: REFERENCE_ROW_VALUES(_truthOf(perRow), used.a),
                from: `FROM intervals a ${o.join} ${o.joinA} WHERE a.method = ?1`,
              },
              [reference],
              refs.reference,
            );
            _scanRows(
              store.db,
              {
                values: PAIR_ROW_VALUES(_truthOf(perRow), used),
                from: `FROM intervals a ${o.join}
LEFT JOIN intervals b ON b.condition = a.condition AND b.rep = a.rep AND b.method = ?1
  AND b.parameter = a.parameter AND b.interval = a.interval
${o.joinA} ${o.joinB} WHERE a.method <> ?1`,
              },
              [reference],
              pairs.pair,
            );
            const what = `exclude ${exclude}, perRow ${perRow}, reference ${reference}`;
            const byKey = (r: Record<string, unknown>) =>
              `${r.condition} ${r.parameter} ${r.interval}`;
            const sortRefs = (rows: Record<string, unknown>[]) =>
              [...rows].sort((x, y) => binaryOrder(byKey(x), byKey(y)));
            assertSameRows(sortRefs(refs.referenceRows(groups)), sortRefs(o.refs), `${what}: refs`);
            assert.ok(o.pairs.length > 20, "the random rows make pairs");
            assertSameRows(pairs.pairRows(groups), o.pairs, `${what}: pairs`);
          }
        }
      }
    } finally {
      store.close();
    }
  });
}

Deno.test("binaryOrder: code points, as SQLite's BINARY collation", () => {
  const names = ["wald", "wald-log", "Wald", "ωald", "\u{1F600}", "\uFFFF", ""];
  const sql = openStore(":memory:");
  try {
    sql.db.exec("CREATE TEMP TABLE n (name TEXT)");
    for (const n of names) sql.db.prepare("INSERT INTO temp.n VALUES (?)").run(n);
    const want = sql.db.prepare("SELECT name FROM temp.n ORDER BY name").all().map((r) => r.name);
    assert.deepEqual([...names].sort(binaryOrder), want);
  } finally {
    sql.close();
  }
});

Deno.test("compensated sums equal SQLite's SUM and AVG to the last bit, ill-conditioned too", () => {
  const u = lcg(7), groups = 40;
  const values: [number, number | null][] = [];
  for (let k = 0; k < 4000; k++) {
    const g = k % groups, r = u();
    // Large terms that cancel, small ones the plain sum would lose, infinities, nulls.
    const x = g === 0 && r < 0.01
      ? (r < 0.005 ? Infinity : -Infinity)
      : r < 0.03
      ? null
      : (u() < 0.5 ? -1 : 1) * 10 ** Math.floor(u() * 40 - 20) * (1 + u());
    values.push([g, x]);
  }
  values.push([1, 1e16], [1, 1], [1, -1e16], [2, 2 ** 53], [2, 1], [2, 1]);
  const store = openStore(":memory:");
  try {
    store.db.exec("CREATE TEMP TABLE t (g INTEGER, x REAL)");
    const insert = store.db.prepare("INSERT INTO temp.t VALUES (?, ?)");
    for (const [g, x] of values) insert.run(g, x);
    const sums = new CompensatedSums(groups);
    for (const [g, x] of values) sums.add(g, x);
    const sql = store.db.prepare(
      "SELECT g, SUM(x) AS s, AVG(x) AS m, COUNT(x) AS n FROM temp.t GROUP BY g ORDER BY g",
    ).all();
    let differsFromPlain = 0;
    for (const { g, s, m, n } of sql as { g: number; s: number; m: number; n: number }[]) {
      assert.ok(Object.is(sums.sum(g), s), `group ${g}: sum ${sums.sum(g)}, SQLite ${s}`);
      assert.ok(Object.is(sums.mean(g), m), `group ${g}: mean ${sums.mean(g)}, SQLite ${m}`);
      assert.equal(sums.count(g), n);
      const plain = values.filter(([h, x]) => h === g && x !== null).reduce(
        (a, [, x]) => a + x!,
        0,
      );
      if (!Object.is(plain, s)) differsFromPlain++;
    }
    assert.ok(differsFromPlain >= 10, `${differsFromPlain} groups where a plain sum differs`);
  } finally {
    store.close();
  }
});
