/**
 * The results store: one SQLite file (Deno's built-in `node:sqlite`) per
 * study run or shard, holding a manifest, the condition list and every
 * replicate in normalised tables (`replicates`, `fits`, `estimates`,
 * `intervals`, `tests`) that SQL reports can aggregate directly, and views
 * with the design factors as columns for R, pandas and SQL users
 * (`estimates_long`, `intervals_long`, `tests_long`; lib/store/_store_views.ts).
 *
 * @module
 */

import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { backup, DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import type {
  FitRecord,
  IntervalRecord,
  IntervalStatus,
  ParameterRecord,
  ReplicateRecord,
  TestRecord,
  TestStatus,
} from "./records.ts";
import { viewUpdates } from "./_store_views.ts";
import { RowInserter } from "./_row_inserter.ts";

/**
 * The schema version this module writes, kept in SQLite's `user_version`
 * pragma. Version 2 added the `tests` table: a store of version 1 opened
 * for writing gains it (and version 2); opened read-only it reads as a store
 * without tests. A vcsim that knows only version 1 refuses version 2 stores,
 * rather than dropping their tests from its reports, merges and resumes.
 */
export const SCHEMA_VERSION = 2;

/** What a store says about the run that produced it. */
export interface Manifest {
  /** The study's name. */
  study: string;
  /** The study's configuration as hashed. */
  config: unknown;
  /** Hash of `config`; stores with different hashes hold different designs. */
  configHash: string;
  /** Study seed. */
  seed: number | string;
  /** Replicates per condition. */
  reps: number;
  /** `index/count` of the shard this store holds, or null for the whole study. */
  shard: string | null;
  /** Versions of vcsim and the runtime. */
  versions: Record<string, string>;
  /** ISO time of the first run into this store. */
  createdAt: string;
  /**
   * What runs did, outside the results' digest: `runs`, one entry per finished
   * run, and `requestedReps`, the replicates per condition the latest run set
   * out to store (recorded as it starts).
   */
  timings: Record<string, unknown>;
  /**
   * The study's ADEMP description (aims, data, estimands, methods, performance),
   * for reports; descriptive, so outside the configuration hash.
   */
  ademp?: Readonly<Record<string, string>>;
}

/** A registered condition of a store. */
export interface StoredCondition {
  /** The condition's key. */
  condition: string;
  /** Its position in the study's design (registration order). */
  position: number;
  /** Its design parameters. */
  params: Record<string, unknown>;
}

// Numeric value columns are declared without a type: no affinity, so SQLite
// keeps every double exactly as bound (a REAL column would turn -0 into 0).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS manifest (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS conditions (
  condition TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  params TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS replicates (
  condition TEXT NOT NULL,
  rep INTEGER NOT NULL,
  status TEXT NOT NULL,
  message TEXT,
  generate_ms NOT NULL,
  total_ms NOT NULL,
  PRIMARY KEY (condition, rep)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fits (
  condition TEXT NOT NULL,
  rep INTEGER NOT NULL,
  method TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  status TEXT NOT NULL,
  converged INTEGER NOT NULL,
  singular INTEGER NOT NULL,
  evaluations NOT NULL,
  fit_ms NOT NULL,
  message TEXT,
  PRIMARY KEY (condition, rep, method)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS estimates (
  condition TEXT NOT NULL,
  rep INTEGER NOT NULL,
  method TEXT NOT NULL,
  parameter TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  truth,
  estimate,
  se,
  PRIMARY KEY (condition, rep, method, parameter)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS intervals (
  condition TEXT NOT NULL,
  rep INTEGER NOT NULL,
  method TEXT NOT NULL,
  parameter TEXT NOT NULL,
  interval TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  lower,
  upper,
  status TEXT NOT NULL,
  PRIMARY KEY (condition, rep, method, parameter, interval)
) WITHOUT ROWID;
${testsTable("tests")}
`;

/** The `tests` table (schema version 2) as `name`; reject is 0, 1 or null. */
function testsTable(name: string): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (
  condition TEXT NOT NULL,
  rep INTEGER NOT NULL,
  method TEXT NOT NULL,
  parameter TEXT NOT NULL,
  test TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  statistic,
  p_value,
  reject INTEGER,
  status TEXT NOT NULL,
  PRIMARY KEY (condition, rep, method, parameter, test)
) WITHOUT ROWID;`;
}

/** The tables of schema version 1; a store lacking any of them is not a vcsim store. */
const TABLES_1 = ["manifest", "conditions", "replicates", "fits", "estimates", "intervals"];

/** The tables of the schema (version 2 added `tests`). */
const TABLES = [...TABLES_1, "tests"];

/** The statuses a test record may have. */
const TEST_STATUSES: readonly TestStatus[] = ["ok", "undefined", "not-applicable", "failed"];

type Row = Record<string, SQLInputValue>;

/** Options of {@linkcode openStore}. */
export interface OpenStoreOptions {
  /**
   * Open for reading only, as reports and merges do: never write to the
   * store, leave no file behind that was not there, and refuse anything but
   * a vcsim store with a manifest.
   *
   * @default {false}
   */
  readOnly?: boolean;
}

/** Options of the {@linkcode ResultStore} constructor. */
export interface ResultStoreOptions {
  /**
   * The database was opened read-only: check the schema, create nothing.
   *
   * @default {false}
   */
  readOnly?: boolean;
  /** The store's name (its path) in error messages. @default {"the store"} */
  name?: string;
}

// Read-only stores whose opening created the -wal/-shm files SQLite needs for reading.
const createdLogFiles = new WeakSet<ResultStore>();

/**
 * Opens the store at `path`. By default for writing, as study runs do:
 * the file and its parent directories are created when missing, and the
 * schema when new. With `readOnly` the store is never written: SQLite
 * reads a WAL database through its `-wal` and `-shm` files, creating them
 * when the store was closed cleanly, and {@linkcode ResultStore.close}
 * removes such files again when no other connection uses them; a store
 * being written, or left by a crashed writer, is read through its log as
 * it stands (never recovered into the file). The directory must be
 * writable for SQLite to create those files. Refuses a file that is not
 * SQLite, a database without the vcsim tables, a store written by a newer
 * schema version and, read-only, a store without a manifest. A store of
 * schema version 1 (before tests) is upgraded when opened for writing (its
 * `tests` table is created) and read as a store without tests when opened
 * read-only (an empty TEMP table `tests` of this connection stands in).
 * The views are created with the tables and rebuilt when conditions are
 * registered; read-only, a store without them (or with views of other
 * conditions) gets TEMP views of this connection instead.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { join } from "node:path";
 * import { openStore } from "./store.ts";
 *
 * const dir = Deno.makeTempDirSync();
 * const path = join(dir, "results.sqlite");
 * const writer = openStore(path);
 * writer.writeManifest({
 *   study: "toy", config: {}, configHash: "0", seed: 1, reps: 1, shard: null,
 *   versions: {}, createdAt: "2024-01-01T00:00:00Z", timings: {},
 * });
 * writer.close();
 * const reader = openStore(path, { readOnly: true });
 * assert.equal(reader.readManifest()?.study, "toy");
 * assert.throws(() => reader.writeManifest(reader.readManifest()!), /open read-only/);
 * reader.close();
 * assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["results.sqlite"]);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function openStore(path: string, options: OpenStoreOptions = {}): ResultStore {
  if (options.readOnly) return openReadOnly(path);
  // Only a missing folder is made: a worker process may write the store but not its folder.
  if (path !== ":memory:" && !existsSync(dirname(path))) {
    mkdirSync(dirname(path), { recursive: true });
  }
  return new ResultStore(new DatabaseSync(path), { name: path });
}

function openReadOnly(path: string): ResultStore {
  if (!existsSync(path)) throw new Error(`cannot open ${path}: no such store`);
  if (statSync(path).isDirectory()) {
    throw new TypeError(`${path} is not a vcsim results store: it is a directory`);
  }
  const logFiles = existsSync(`${path}-wal`) || existsSync(`${path}-shm`);
  let store: ResultStore;
  try {
    store = new ResultStore(new DatabaseSync(path, { readOnly: true }), {
      readOnly: true,
      name: path,
    });
  } catch (error) {
    if (!logFiles) removeLogFiles(path);
    throw error;
  }
  if (!logFiles) createdLogFiles.add(store);
  return store;
}

/**
 * Removes the empty -wal and -shm files a read-only connection to `path`
 * left, unless another connection uses them. A read-only connection cannot
 * tell, so a connection that only reads is opened and closed: SQLite's
 * last-connection check (a lock on the database file) decides, as it does
 * for every writer. With the log empty nothing is copied into the database.
 */
function removeLogFiles(path: string): void {
  try {
    if (Deno.statSync(`${path}-wal`).size !== 0) return;
    const db = new DatabaseSync(path);
    try {
      db.prepare("PRAGMA user_version").get();
    } finally {
      db.close();
    }
  } catch {
    // Without write permission, or with the files gone already, there is nothing to tidy.
  }
}

/**
 * An open results store; see {@linkcode openStore}. Close it when done.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openStore } from "./store.ts";
 * const store = openStore(":memory:");
 * store.registerConditions([{ condition: "n=5", params: { n: 5 } }]);
 * store.writeReplicates([{
 *   condition: "n=5", rep: 0, status: "error", message: "generator failed",
 *   generateMs: 0, totalMs: 0, fits: [],
 * }]);
 * assert.equal(store.replicateCount(), 1);
 * assert.equal(store.readReplicate("n=5", 0)?.message, "generator failed");
 * assert.throws(() => store.writeReplicates([{ ...store.readReplicate("n=5", 0)! }]), /already stored/);
 * store.close();
 * ```
 */
export class ResultStore {
  /** The underlying database, for SQL aggregate reports. Do not write through it. */
  readonly db: DatabaseSync;
  /** Whether the store was opened read-only. */
  readonly readOnly: boolean;
  /** The store's name (its path) in messages. */
  readonly name: string;
  readonly #insertReplicate: StatementSync;
  readonly #fitRows: RowInserter;
  readonly #estimateRows: RowInserter;
  readonly #intervalRows: RowInserter;
  readonly #testRows: RowInserter;
  readonly #selectReplicate: StatementSync;
  readonly #selectFits: StatementSync;
  readonly #selectEstimates: StatementSync;
  readonly #selectIntervals: StatementSync;
  readonly #selectTests: StatementSync;

  /**
   * Wraps an open database: checks its schema, and unless `readOnly`
   * creates it when missing. Prefer {@linkcode openStore}.
   */
  constructor(db: DatabaseSync, options: ResultStoreOptions = {}) {
    this.db = db;
    this.readOnly = options.readOnly ?? false;
    this.name = options.name ?? "the store";
    try {
      this.#prepareSchema();
    } catch (error) {
      db.close();
      throw describeOpenError(error, this.name);
    }
    this.#insertReplicate = db.prepare(
      "INSERT INTO replicates (condition, rep, status, message, generate_ms, total_ms) " +
        "VALUES (?, ?, ?, ?, ?, ?)",
    );
    const rows = (table: string, columns: string) =>
      new RowInserter(db, { table, columns: columns.split(" ") });
    this.#fitRows = rows(
      "fits",
      "condition rep method ordinal status converged singular evaluations fit_ms message",
    );
    this.#estimateRows = rows(
      "estimates",
      "condition rep method parameter ordinal truth estimate se",
    );
    this.#intervalRows = rows(
      "intervals",
      "condition rep method parameter interval ordinal lower upper status",
    );
    this.#testRows = rows(
      "tests",
      "condition rep method parameter test ordinal statistic p_value reject status",
    );
    this.#selectReplicate = db.prepare(
      "SELECT condition, rep, status, message, generate_ms, total_ms FROM replicates " +
        "WHERE condition = ? AND rep = ?",
    );
    this.#selectFits = db.prepare(
      "SELECT method, status, converged, singular, evaluations, fit_ms, message FROM fits " +
        "WHERE condition = ? AND rep = ? ORDER BY ordinal",
    );
    this.#selectEstimates = db.prepare(
      "SELECT method, parameter, truth, estimate, se FROM estimates " +
        "WHERE condition = ? AND rep = ? ORDER BY method, ordinal",
    );
    this.#selectIntervals = db.prepare(
      "SELECT method, parameter, interval, lower, upper, status FROM intervals " +
        "WHERE condition = ? AND rep = ? ORDER BY method, parameter, ordinal",
    );
    this.#selectTests = db.prepare(
      "SELECT method, parameter, test, statistic, p_value, reject, status FROM tests " +
        "WHERE condition = ? AND rep = ? ORDER BY method, parameter, ordinal",
    );
  }

  #prepareSchema(): void {
    const db = this.db;
    // WAL lets reports read while a run writes; NORMAL is durable enough in WAL mode. A new
    // store gets 8 KiB pages (an existing one keeps its own): bench/store.bench.ts writes
    // 15-20% faster than with SQLite's default 4 KiB, for the same file size and contents.
    if (!this.readOnly) {
      db.exec("PRAGMA page_size = 8192; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
    }
    db.exec("PRAGMA busy_timeout = 5000");
    const version = Number(db.prepare("PRAGMA user_version").get()?.user_version ?? 0);
    if (version > SCHEMA_VERSION) {
      throw new RangeError(
        `${this.name} has store schema version ${version}, newer than this vcsim supports ` +
          `(${SCHEMA_VERSION}): use a newer vcsim`,
      );
    }
    const tables = new Set(
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
        .map((row) => String(row.name)).filter((name) => !name.startsWith("sqlite_")),
    );
    // Stores of version 1 have no tests table; reading them, one is lent (below).
    const required = version >= 2 ? TABLES : TABLES_1;
    const missing = required.filter((t) => !tables.has(t));
    if (version === 0 && tables.size > 0 && missing.length === required.length) {
      throw new TypeError(
        `${this.name} is not a vcsim results store: it holds other tables (${
          [...tables].slice(0, 5).join(", ")
        })`,
      );
    }
    if (version < SCHEMA_VERSION && !this.readOnly) {
      this.#transaction(() => {
        db.exec(SCHEMA);
        db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
      });
    } else if (missing.length === required.length) {
      throw new TypeError(`${this.name} is not a vcsim results store: it has no vcsim tables`);
    } else if (missing.length > 0) {
      const [noun, verb] = missing.length === 1 ? ["table", "is"] : ["tables", "are"];
      throw new TypeError(
        `${this.name} is not a vcsim results store: ${noun} ${missing.join(", ")} ${verb} missing`,
      );
    }
    if (this.readOnly && !db.prepare("SELECT 1 AS one FROM manifest WHERE id = 1").get()) {
      throw new TypeError(`${this.name} has no manifest: it was not written by a vcsim study run`);
    }
    // A TEMP table lives in this connection's temporary database, never in the store file,
    // and unqualified names find it: every query of `tests` reads an empty table.
    if (this.readOnly && !tables.has("tests")) db.exec(testsTable("temp.tests"));
    this.#syncViews();
  }

  /**
   * Brings the views (estimates_long, intervals_long, tests_long; see
   * _store_views.ts) up to date with the conditions: stored in the file
   * when open for writing, as TEMP views of this connection when read-only
   * (for stores written before the views, or with views of other conditions).
   */
  #syncViews(): void {
    const updates = viewUpdates(this.db, { temp: this.readOnly });
    if (updates.length === 0) return;
    if (this.readOnly) { for (const sql of updates) this.db.exec(sql); }
    else this.#transaction(() => updates.forEach((sql) => this.db.exec(sql)));
  }

  /** The manifest, or null when none was written yet. */
  readManifest(): Manifest | null {
    const row = this.db.prepare("SELECT json FROM manifest WHERE id = 1").get();
    return row ? JSON.parse(String(row.json)) as Manifest : null;
  }

  /** Replaces the manifest. */
  writeManifest(manifest: Manifest): void {
    this.#assertWritable();
    this.db.prepare("INSERT OR REPLACE INTO manifest (id, json) VALUES (1, ?)")
      .run(JSON.stringify(manifest));
  }

  /** Shallow-merges `patch` into the manifest; throws when there is none. */
  updateManifest(patch: Partial<Manifest>): void {
    const current = this.readManifest();
    if (!current) throw new Error("cannot update the manifest: the store has none yet");
    this.writeManifest({ ...current, ...patch });
  }

  /**
   * Registers conditions; ones already registered keep their position, new
   * ones are appended in the given order.
   */
  registerConditions(
    list: readonly { condition: string; params: Record<string, unknown> }[],
  ): void {
    this.#transaction(() => {
      const next = this.db.prepare("SELECT COALESCE(MAX(position) + 1, 0) AS n FROM conditions")
        .get();
      let position = Number(next?.n ?? 0);
      const insert = this.db.prepare(
        "INSERT OR IGNORE INTO conditions (condition, position, params) VALUES (?, ?, ?)",
      );
      for (const { condition, params } of list) {
        if (insert.run(condition, position, JSON.stringify(params)).changes) position++;
      }
      // The views' factor columns follow the conditions.
      for (const sql of viewUpdates(this.db)) this.db.exec(sql);
    });
  }

  /** The registered conditions, by position. */
  conditions(): StoredCondition[] {
    return this.db.prepare("SELECT condition, position, params FROM conditions ORDER BY position")
      .all().map((row) => ({
        condition: String(row.condition),
        position: Number(row.position),
        params: JSON.parse(String(row.params)) as Record<string, unknown>,
      }));
  }

  /** The stored replicate indices of every condition that has any. */
  completedReplicates(): Map<string, Set<number>> {
    const done = new Map<string, Set<number>>();
    for (const row of this.db.prepare("SELECT condition, rep FROM replicates").iterate()) {
      const condition = String(row.condition);
      let reps = done.get(condition);
      if (!reps) done.set(condition, reps = new Set());
      reps.add(Number(row.rep));
    }
    return done;
  }

  /**
   * Whether replicate `rep` of `condition` is stored, and if so whether as a
   * failure (the replicate failed, or one of its fits did): null, "ok" or "failed".
   */
  replicateStatus(condition: string, rep: number): "ok" | "failed" | null {
    const row = this.db.prepare(
      "SELECT status = 'error' OR EXISTS (SELECT 1 FROM fits f WHERE f.condition = r.condition " +
        "AND f.rep = r.rep AND f.status = 'error') AS failed FROM replicates r " +
        "WHERE r.condition = ? AND r.rep = ?",
    ).get(condition, rep);
    return row === undefined ? null : Number(row.failed) ? "failed" : "ok";
  }

  /** How many replicates are stored. */
  replicateCount(): number {
    return Number(this.db.prepare("SELECT COUNT(*) AS n FROM replicates").get()?.n ?? 0);
  }

  /**
   * Stores `records` in one transaction: either all are stored or, on any
   * error (a replicate already stored, a non-finite number), none.
   */
  writeReplicates(records: readonly ReplicateRecord[]): void {
    // Validate everything before touching the database, so errors name the culprit.
    const seen = new Set<string>();
    for (const record of records) {
      validateReplicate(record);
      const key = `${record.condition}\u0000${record.rep}`;
      if (seen.has(key)) throw new RangeError(`${describe(record)} appears twice in the batch`);
      seen.add(key);
    }
    const queues = [this.#fitRows, this.#estimateRows, this.#intervalRows, this.#testRows];
    try {
      this.#transaction(() => {
        for (const record of records) this.#insert(record);
        for (const queue of queues) queue.flush();
      });
    } finally {
      for (const queue of queues) queue.clear();
    }
  }

  #insert(r: ReplicateRecord): void {
    try {
      this.#insertReplicate.run(r.condition, r.rep, r.status, r.message, r.generateMs, r.totalMs);
    } catch (error) {
      if (isConstraintError(error)) {
        throw new RangeError(`${describe(r)} is already stored`, { cause: error });
      }
      throw error;
    }
    r.fits.forEach((f, fitOrdinal) => {
      const { condition, rep } = r, method = f.method;
      this.#fitRows.add(
        condition,
        rep,
        method,
        fitOrdinal,
        f.status,
        f.converged ? 1 : 0,
        f.singular ? 1 : 0,
        f.evaluations,
        f.fitMs,
        f.message,
      );
      f.parameters.forEach((p, parameterOrdinal) => {
        const parameter = p.parameter;
        this.#estimateRows.add(
          condition,
          rep,
          method,
          parameter,
          parameterOrdinal,
          p.truth,
          p.estimate,
          p.se,
        );
        p.intervals.forEach((i, k) => {
          this.#intervalRows.add(
            condition,
            rep,
            method,
            parameter,
            i.interval,
            k,
            i.lower,
            i.upper,
            i.status,
          );
        });
        p.tests?.forEach((t, k) => {
          const reject = t.reject === null ? null : t.reject ? 1 : 0;
          this.#testRows.add(
            condition,
            rep,
            method,
            parameter,
            t.test,
            k,
            t.statistic,
            t.pValue,
            reject,
            t.status,
          );
        });
      });
    });
  }

  /** The stored replicate, exactly as written, or null when absent. */
  readReplicate(condition: string, rep: number): ReplicateRecord | null {
    const row = this.#selectReplicate.get(condition, rep);
    return row ? this.#assemble(row) : null;
  }

  /**
   * Every stored replicate, by condition position then replicate index
   * (replicates of unregistered conditions last, by key). Reads one
   * replicate at a time, so memory stays flat.
   */
  *iterateReplicates(): Generator<ReplicateRecord> {
    // Own statements per generator: two live iterations must not share a cursor.
    const conditions = this.db.prepare(
      "SELECT condition FROM conditions ORDER BY position, condition",
    ).all().map((row) => String(row.condition));
    const orphans = this.db.prepare(
      "SELECT DISTINCT condition FROM replicates WHERE condition NOT IN " +
        "(SELECT condition FROM conditions) ORDER BY condition",
    ).all().map((row) => String(row.condition));
    const replicates = this.db.prepare(
      "SELECT condition, rep, status, message, generate_ms, total_ms FROM replicates " +
        "WHERE condition = ? ORDER BY rep",
    );
    for (const condition of [...conditions, ...orphans]) {
      for (const row of replicates.iterate(condition)) yield this.#assemble(row);
    }
  }

  /**
   * Copies the write-ahead log into the database file as far as readers
   * allow, without waiting for them (`PRAGMA wal_checkpoint(PASSIVE)`), so
   * the `.sqlite` file alone holds what was written. Cheap; call it after
   * each batch. Throws on a read-only store.
   */
  checkpoint(): void {
    if (this.readOnly) throw new TypeError(`cannot checkpoint ${this.name}: it is open read-only`);
    this.db.prepare("PRAGMA wal_checkpoint(PASSIVE)").get();
  }

  /**
   * Writes a copy of the store as one read sees it (everything committed
   * when the copy starts, nothing a writer adds meanwhile) to the new file
   * `path`, by SQLite's online backup in a single step, so that several
   * reads of a store a run is writing agree with each other. Works on a
   * read-only store too. Rejects with an Error if `path` exists.
   *
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { join } from "node:path";
   * import { openStore } from "./store.ts";
   * const dir = Deno.makeTempDirSync();
   * const live = openStore(join(dir, "results.sqlite"));
   * live.writeManifest({
   *   study: "toy", config: {}, configHash: "0", seed: 1, reps: 2, shard: null,
   *   versions: {}, createdAt: "2024-01-01T00:00:00Z", timings: {},
   * });
   * live.registerConditions([{ condition: "n=5", params: { n: 5 } }]);
   * live.writeReplicates([{
   *   condition: "n=5", rep: 0, status: "error", message: "x", generateMs: 0, totalMs: 0, fits: [],
   * }]);
   * await live.snapshotTo(join(dir, "snapshot.sqlite"));
   * live.writeReplicates([{ ...live.readReplicate("n=5", 0)!, rep: 1 }]);
   * const copy = openStore(join(dir, "snapshot.sqlite"), { readOnly: true });
   * assert.deepEqual([copy.replicateCount(), live.replicateCount()], [1, 2]);
   * await assert.rejects(live.snapshotTo(join(dir, "snapshot.sqlite")), /exists/);
   * copy.close();
   * live.close();
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  async snapshotTo(path: string): Promise<void> {
    if (existsSync(path)) throw new Error(`cannot copy ${this.name} to ${path}: it exists`);
    // rate -1: every page in one step, under one read of the source.
    await backup(this.db, path, { rate: -1 });
  }

  /**
   * Closes the database; a writable one is first checkpointed completely
   * and its write-ahead log truncated (`PRAGMA wal_checkpoint(TRUNCATE)`).
   * Calling it again does nothing.
   */
  close(): void {
    try {
      if (this.db.isOpen && !this.readOnly) {
        this.db.prepare("PRAGMA wal_checkpoint(TRUNCATE)").get();
      }
    } finally {
      if (this.db.isOpen) {
        this.db.close();
        if (createdLogFiles.delete(this)) removeLogFiles(this.name);
      }
    }
  }

  #assertWritable(): void {
    if (this.readOnly) throw new TypeError(`cannot write to ${this.name}: it is open read-only`);
  }

  #assemble(row: Row): ReplicateRecord {
    const condition = String(row.condition);
    const rep = Number(row.rep);
    const tests = new Map<string, TestRecord[]>();
    for (const t of this.#selectTests.all(condition, rep)) {
      const key = `${t.method}\u0000${t.parameter}`;
      let list = tests.get(key);
      if (!list) tests.set(key, list = []);
      list.push({
        test: String(t.test),
        statistic: t.statistic as number | null,
        pValue: t.p_value as number | null,
        reject: t.reject === null ? null : Boolean(t.reject),
        status: String(t.status) as TestStatus,
      });
    }
    const intervals = new Map<string, IntervalRecord[]>();
    for (const i of this.#selectIntervals.all(condition, rep)) {
      const key = `${i.method}\u0000${i.parameter}`;
      let list = intervals.get(key);
      if (!list) intervals.set(key, list = []);
      list.push({
        interval: String(i.interval),
        lower: i.lower as number | null,
        upper: i.upper as number | null,
        status: String(i.status) as IntervalStatus,
      });
    }
    const parameters = new Map<string, ParameterRecord[]>();
    for (const p of this.#selectEstimates.all(condition, rep)) {
      const method = String(p.method);
      let list = parameters.get(method);
      if (!list) parameters.set(method, list = []);
      const own = tests.get(`${method}\u0000${p.parameter}`);
      list.push({
        parameter: String(p.parameter),
        truth: p.truth as number | null,
        estimate: p.estimate as number | null,
        se: p.se as number | null,
        intervals: intervals.get(`${method}\u0000${p.parameter}`) ?? [],
        // Only a parameter with tests has the field: one without reads back as written.
        ...(own ? { tests: own } : {}),
      });
    }
    const fits: FitRecord[] = this.#selectFits.all(condition, rep).map((f) => ({
      method: String(f.method),
      status: String(f.status) as FitRecord["status"],
      converged: Boolean(f.converged),
      singular: Boolean(f.singular),
      evaluations: Number(f.evaluations),
      fitMs: Number(f.fit_ms),
      message: f.message === null ? null : String(f.message),
      parameters: parameters.get(String(f.method)) ?? [],
    }));
    return {
      condition,
      rep,
      status: String(row.status) as ReplicateRecord["status"],
      message: row.message === null ? null : String(row.message),
      generateMs: Number(row.generate_ms),
      totalMs: Number(row.total_ms),
      fits,
    };
  }

  #transaction(body: () => void): void {
    this.#assertWritable();
    // IMMEDIATE takes the write lock up front, so a concurrent writer fails fast, not midway.
    this.db.exec("BEGIN IMMEDIATE");
    try {
      body();
      this.db.exec("COMMIT");
    } catch (error) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw error;
    }
  }
}

/** `error` from opening `name`, reworded when SQLite says the file is not a usable database. */
function describeOpenError(error: unknown, name: string): unknown {
  const code = (error as { errcode?: unknown })?.errcode;
  const message = error instanceof Error ? error.message : String(error);
  // SQLITE_NOTADB is 26, SQLITE_CORRUPT 11; exec() errors carry only the message.
  if (code === 26 || message === "file is not a database") {
    return new TypeError(`${name} is not a vcsim results store: ${message}`, { cause: error });
  }
  if (code === 11 || message === "database disk image is malformed") {
    return new Error(`${name} is corrupt: ${message}`, { cause: error });
  }
  return error;
}

function describe(r: { condition: string; rep: number }): string {
  return `replicate ${r.rep} of condition "${r.condition}"`;
}

function isConstraintError(error: unknown): boolean {
  // SQLITE_CONSTRAINT is 19; extended codes keep it in the low byte.
  const code = (error as { errcode?: unknown })?.errcode;
  return typeof code === "number" && (code & 0xff) === 19;
}

/** Throws unless `value` is a finite number (or null when `nullable`). */
function checkNumber(value: unknown, nullable: boolean, where: () => string): void {
  if (value === null && nullable) return;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    const Kind = typeof value === "number" ? RangeError : TypeError;
    throw new Kind(
      `${where()} is ${typeof value === "number" ? String(value) : JSON.stringify(value)}: ` +
        `the store takes finite numbers only${nullable ? " (use null for a missing value)" : ""}`,
    );
  }
}

function checkUnique(names: Set<string>, name: string, what: () => string): void {
  if (names.has(name)) throw new RangeError(`${what()} appears twice`);
  names.add(name);
}

function validateReplicate(r: ReplicateRecord): void {
  const at = describe(r);
  if (!Number.isSafeInteger(r.rep) || r.rep < 0) {
    throw new RangeError(`replicate index ${r.rep} of condition "${r.condition}" is not an index`);
  }
  checkNumber(r.generateMs, false, () => `generateMs of ${at}`);
  checkNumber(r.totalMs, false, () => `totalMs of ${at}`);
  const methods = new Set<string>();
  for (const f of r.fits) {
    const fit = `fit ${f.method} of ${at}`;
    checkUnique(methods, f.method, () => fit);
    checkNumber(f.evaluations, false, () => `evaluations of ${fit}`);
    checkNumber(f.fitMs, false, () => `fitMs of ${fit}`);
    const names = new Set<string>();
    for (const p of f.parameters) {
      const parameter = `parameter ${p.parameter} of ${fit}`;
      checkUnique(names, p.parameter, () => parameter);
      checkNumber(p.truth, true, () => `truth of ${parameter}`);
      checkNumber(p.estimate, true, () => `estimate of ${parameter}`);
      checkNumber(p.se, true, () => `se of ${parameter}`);
      const kinds = new Set<string>();
      for (const i of p.intervals) {
        const interval = `${i.interval} interval of ${parameter}`;
        checkUnique(kinds, i.interval, () => interval);
        checkNumber(i.lower, true, () => `lower limit of ${interval}`);
        checkNumber(i.upper, true, () => `upper limit of ${interval}`);
      }
      if (p.tests !== undefined) validateTests(p.tests, parameter);
    }
  }
}

/**
 * Throws unless `tests` (of `parameter`, as named in messages) are storable:
 * a non-empty array (a parameter without tests has no field), unique test
 * names, a known status, and with status `ok` a finite statistic, a p-value
 * in [0, 1] and a boolean `reject`, without it null for all three.
 */
function validateTests(tests: readonly TestRecord[], parameter: string): void {
  if (!Array.isArray(tests) || tests.length === 0) {
    throw new TypeError(
      `tests of ${parameter} is ${Array.isArray(tests) ? "empty" : JSON.stringify(tests)}: ` +
        "expected a non-empty array (leave the field out when the parameter has no tests)",
    );
  }
  const names = new Set<string>();
  for (const t of tests) {
    const test = `${t.test} test of ${parameter}`;
    if (typeof t.test !== "string" || t.test === "") {
      throw new TypeError(`test name ${JSON.stringify(t.test)} of ${parameter} is not a name`);
    }
    checkUnique(names, t.test, () => test);
    if (!TEST_STATUSES.includes(t.status)) {
      throw new TypeError(
        `status of ${test} is ${JSON.stringify(t.status)}: expected one of ` +
          TEST_STATUSES.join(", "),
      );
    }
    checkNumber(t.statistic, true, () => `statistic of ${test}`);
    checkNumber(t.pValue, true, () => `p-value of ${test}`);
    if (t.pValue !== null && !(t.pValue >= 0 && t.pValue <= 1)) {
      throw new RangeError(`p-value of ${test} is ${t.pValue}: expected a value in [0, 1]`);
    }
    if (t.reject !== null && typeof t.reject !== "boolean") {
      throw new TypeError(
        `reject of ${test} is ${JSON.stringify(t.reject)}: expected true, false or null`,
      );
    }
    const given = [t.statistic, t.pValue, t.reject].filter((v) => v !== null).length;
    if (t.status === "ok" ? given < 3 : given > 0) {
      throw new TypeError(
        t.status === "ok"
          ? `${test} has status ok but a null statistic, p-value or reject: an ok test has all three`
          : `${test} has status ${t.status} but a statistic, p-value or reject: only an ok test ` +
            "has them (use null)",
      );
    }
  }
}
