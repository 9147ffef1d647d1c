/**
 * Synthetic manifests and replicate records for the store tests that run
 * other processes: shaped like a study's, cheap to make in the thousands.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import type { Manifest, ReplicateRecord } from "../../lib/store/mod.ts";
import { openStore } from "../../lib/store/mod.ts";

/** A manifest of a toy study with `reps` replicates per condition. */
export function toyManifest(overrides: Partial<Manifest> = {}): Manifest {
  return {
    study: "toy",
    config: { design: { n: [5, 10] }, methods: ["REML", "ML"] },
    configHash: "abc123",
    seed: 42,
    reps: 3,
    shard: null,
    versions: { vcsim: "0.1.0" },
    createdAt: "2024-01-01T00:00:00.000Z",
    timings: {},
    ...overrides,
  };
}

/** A replicate with two fits of two parameters with two intervals each. */
export function toyRecord(condition: string, rep: number): ReplicateRecord {
  return {
    condition,
    rep,
    status: "ok",
    message: null,
    generateMs: 0.5,
    totalMs: 3.75,
    fits: ["REML", "ML"].map((method, m) => ({
      method,
      status: "ok",
      converged: true,
      singular: rep % 2 === 0,
      evaluations: 17 + rep,
      fitMs: 1.25,
      message: null,
      parameters: ["group1", "Residual"].map((parameter, i) => ({
        parameter,
        truth: i + 1,
        estimate: 0.1 + rep / 3 + i + m,
        se: i === 0 ? null : Math.PI / (rep + 1),
        intervals: [
          { interval: "wald", lower: -rep / 7, upper: rep / 7 + 1e-300, status: "ok" },
          { interval: "profile", lower: null, upper: null, status: "undefined" },
        ],
      })),
    })),
  };
}

/** Writes a closed store at `path`: the manifest, `conditions` and the given replicates. */
export function writeToyStore(
  path: string,
  options: { conditions: string[]; reps: Iterable<[string, number]>; manifest?: Manifest },
): void {
  const store = openStore(path);
  try {
    store.writeManifest(options.manifest ?? toyManifest());
    store.registerConditions(options.conditions.map((condition) => ({ condition, params: {} })));
    let batch: ReplicateRecord[] = [];
    for (const [condition, rep] of options.reps) {
      batch.push(toyRecord(condition, rep));
      if (batch.length === 1000) {
        store.writeReplicates(batch);
        batch = [];
      }
    }
    store.writeReplicates(batch);
  } finally {
    store.close();
  }
}

/** Schema version 1 (vcsim 0.1.0 before tests), created by hand. */
const SCHEMA_1 = `
CREATE TABLE manifest (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL);
CREATE TABLE conditions (condition TEXT PRIMARY KEY, position INTEGER NOT NULL,
  params TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE replicates (condition TEXT NOT NULL, rep INTEGER NOT NULL, status TEXT NOT NULL,
  message TEXT, generate_ms NOT NULL, total_ms NOT NULL, PRIMARY KEY (condition, rep))
  WITHOUT ROWID;
CREATE TABLE fits (condition TEXT NOT NULL, rep INTEGER NOT NULL, method TEXT NOT NULL,
  ordinal INTEGER NOT NULL, status TEXT NOT NULL, converged INTEGER NOT NULL,
  singular INTEGER NOT NULL, evaluations NOT NULL, fit_ms NOT NULL, message TEXT,
  PRIMARY KEY (condition, rep, method)) WITHOUT ROWID;
CREATE TABLE estimates (condition TEXT NOT NULL, rep INTEGER NOT NULL, method TEXT NOT NULL,
  parameter TEXT NOT NULL, ordinal INTEGER NOT NULL, truth, estimate, se,
  PRIMARY KEY (condition, rep, method, parameter)) WITHOUT ROWID;
CREATE TABLE intervals (condition TEXT NOT NULL, rep INTEGER NOT NULL, method TEXT NOT NULL,
  parameter TEXT NOT NULL, interval TEXT NOT NULL, ordinal INTEGER NOT NULL, lower, upper,
  status TEXT NOT NULL, PRIMARY KEY (condition, rep, method, parameter, interval)) WITHOUT ROWID;
PRAGMA user_version = 1;
`;

/**
 * Writes a store of schema version 1 (before the tests table) at `path` by
 * hand, with SQL alone: `manifest` (default {@linkcode toyManifest}), the
 * conditions (default those of `records`, without factors) and `records`,
 * which must have no tests.
 */
export function writeSchema1Store(
  path: string,
  records: readonly ReplicateRecord[],
  options: {
    manifest?: Manifest;
    conditions?: readonly { condition: string; params: Record<string, unknown> }[];
  } = {},
): void {
  const db = new DatabaseSync(path);
  try {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec(SCHEMA_1);
    db.prepare("INSERT INTO manifest (id, json) VALUES (1, ?)")
      .run(JSON.stringify(options.manifest ?? toyManifest()));
    const conditions = options.conditions ??
      [...new Set(records.map((r) => r.condition))].map((condition) => ({ condition, params: {} }));
    conditions.forEach(({ condition, params }, position) => {
      db.prepare("INSERT INTO conditions VALUES (?, ?, ?)")
        .run(condition, position, JSON.stringify(params));
    });
    for (const r of records) insertSchema1(db, r);
  } finally {
    db.close();
  }
}

/** Inserts `r` into a schema 1 store's tables. */
function insertSchema1(db: DatabaseSync, r: ReplicateRecord): void {
  db.prepare("INSERT INTO replicates VALUES (?, ?, ?, ?, ?, ?)")
    .run(r.condition, r.rep, r.status, r.message, r.generateMs, r.totalMs);
  r.fits.forEach((f, fo) => {
    db.prepare("INSERT INTO fits VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").run(
      r.condition,
      r.rep,
      f.method,
      fo,
      f.status,
      f.converged ? 1 : 0,
      f.singular ? 1 : 0,
      f.evaluations,
      f.fitMs,
      f.message,
    );
    f.parameters.forEach((p, po) => {
      db.prepare("INSERT INTO estimates VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .run(r.condition, r.rep, f.method, p.parameter, po, p.truth, p.estimate, p.se);
      if (p.tests) throw new TypeError("a schema 1 store cannot hold tests");
      p.intervals.forEach((i, io) => {
        db.prepare("INSERT INTO intervals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").run(
          r.condition,
          r.rep,
          f.method,
          p.parameter,
          i.interval,
          io,
          i.lower,
          i.upper,
          i.status,
        );
      });
    });
  });
}
