// The tests table: test records round-trip (a parameter without tests reads back without the
// field), bad test records are refused by name, stores of schema version 1 (before tests) open
// read-only as stores without tests and are upgraded when opened for writing, merges carry tests,
// and the digest of a store without tests is the one vcsim gave before tests existed.
import assert from "node:assert";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  mergeStores,
  openStore,
  type ReplicateRecord,
  SCHEMA_VERSION,
  storeDigest,
  type TestRecord,
} from "../../lib/store/mod.ts";
import { toyManifest, toyRecord, writeSchema1Store } from "./_records.ts";
import { tempDir } from "../_temp_dir.ts";

async function withDir(body: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await tempDir({ prefix: "vcsim-tests-table-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Three tests of every group1 parameter: one rejects, one does not, one is undefined. */
function tests(rep: number): TestRecord[] {
  return [
    { test: "rlrt", statistic: 3.5 + rep, pValue: 0.03125, reject: true, status: "ok" },
    { test: "lrt", statistic: -0, pValue: 1, reject: false, status: "ok" },
    { test: "f", statistic: null, pValue: null, reject: null, status: "undefined" },
  ];
}

/** {@linkcode toyRecord} with {@linkcode tests} on group1 (Residual has none). */
function tested(condition: string, rep: number, timing = 1): ReplicateRecord {
  const base = toyRecord(condition, rep);
  return {
    ...base,
    totalMs: base.totalMs * timing,
    fits: base.fits.map((f) => ({
      ...f,
      fitMs: f.fitMs * timing,
      parameters: f.parameters.map((p) =>
        p.parameter === "group1" ? { ...p, tests: tests(rep) } : p
      ),
    })),
  };
}

/** A record whose first test of REML group1 is `test`. */
function withTest(test: Partial<TestRecord> | TestRecord[]): ReplicateRecord {
  const base = tested("a", 0);
  const [reml, ...rest] = base.fits;
  const [group1, residual] = reml.parameters;
  const list = Array.isArray(test) ? test : [{ ...group1.tests![0], ...test }];
  return {
    ...base,
    fits: [{ ...reml, parameters: [{ ...group1, tests: list }, residual] }, ...rest],
  };
}

const CONDITIONS = [{ condition: "a", params: { n: 5 } }, { condition: "b", params: { n: 10 } }];

function storeAt(path: string, records: ReplicateRecord[], shard: string | null = null): void {
  const store = openStore(path);
  try {
    store.writeManifest(toyManifest({ shard }));
    store.registerConditions(CONDITIONS);
    store.writeReplicates(records);
  } finally {
    store.close();
  }
}

const tablesOf = (db: DatabaseSync, schema = "main") =>
  db.prepare(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' ORDER BY name`).all()
    .map((r) => String(r.name));

Deno.test("test records round-trip; a parameter without tests reads back without the field", () => {
  const store = openStore(":memory:");
  try {
    const record = tested("a", 2);
    store.writeReplicates([record, toyRecord("b", 0)]);
    const back = store.readReplicate("a", 2)!;
    assert.deepStrictEqual(back, record);
    // Order as written (rlrt before lrt), -0 kept, booleans back as booleans.
    assert.deepStrictEqual(back.fits[0].parameters[0].tests, tests(2));
    assert.ok(Object.is(back.fits[0].parameters[0].tests![1].statistic, -0));
    assert.strictEqual("tests" in back.fits[0].parameters[1], false);
    const plain = store.readReplicate("b", 0)!;
    assert.deepStrictEqual(plain, toyRecord("b", 0));
    assert.strictEqual(plain.fits.some((f) => f.parameters.some((p) => "tests" in p)), false);
    const rows = store.db.prepare(
      "SELECT method, parameter, test, ordinal, statistic, p_value, reject, status FROM tests " +
        "WHERE condition = 'a' AND method = 'REML' ORDER BY ordinal",
    ).all().map((r) => ({ ...r }));
    assert.deepStrictEqual(rows, [
      {
        method: "REML",
        parameter: "group1",
        test: "rlrt",
        ordinal: 0,
        statistic: 5.5,
        p_value: 0.03125,
        reject: 1,
        status: "ok",
      },
      {
        method: "REML",
        parameter: "group1",
        test: "lrt",
        ordinal: 1,
        statistic: -0,
        p_value: 1,
        reject: 0,
        status: "ok",
      },
      {
        method: "REML",
        parameter: "group1",
        test: "f",
        ordinal: 2,
        statistic: null,
        p_value: null,
        reject: null,
        status: "undefined",
      },
    ]);
    assert.deepStrictEqual([...store.iterateReplicates()], [record, toyRecord("b", 0)]);
  } finally {
    store.close();
  }
});

Deno.test("bad test records are refused by name, and their batch is not stored", () => {
  const store = openStore(":memory:");
  try {
    const at = 'test of parameter group1 of fit REML of replicate 0 of condition "a"';
    const refuse = (test: Partial<TestRecord> | TestRecord[], error: RegExp, name = "Error") =>
      assert.throws(() => store.writeReplicates([tested("b", 1), withTest(test)]), (e: Error) => {
        assert.match(e.message, error);
        assert.strictEqual(e.name, name);
        assert.doesNotMatch(e.message, /\.$/);
        return true;
      });
    const twice = [tests(0)[0], tests(0)[1], { ...tests(0)[2], test: "rlrt" }];
    refuse(twice, new RegExp(`^rlrt ${at} appears twice$`), "RangeError");
    refuse(
      { statistic: NaN },
      new RegExp(`^statistic of rlrt ${at} is NaN: .*use null`),
      "RangeError",
    );
    refuse({ pValue: Infinity }, /^p-value of rlrt .* is Infinity/, "RangeError");
    refuse(
      { pValue: 1.5 },
      new RegExp(`^p-value of rlrt ${at} is 1\\.5: expected a value in \\[0, 1\\]$`),
      "RangeError",
    );
    refuse({ pValue: -0.01 }, /p-value of rlrt .* is -0\.01/, "RangeError");
    refuse(
      // @ts-expect-error: reject is a boolean
      { reject: 1 },
      new RegExp(`^reject of rlrt ${at} is 1: expected true, false or null$`),
      "TypeError",
    );
    refuse(
      // @ts-expect-error: not a status
      { status: "skipped" },
      /^status of rlrt .* is "skipped": expected one of ok, undefined, not-applicable, failed$/,
      "TypeError",
    );
    refuse(
      { pValue: null },
      /^rlrt .* has status ok but a null .*: an ok test has all three$/,
      "TypeError",
    );
    refuse(
      { status: "failed" },
      /^rlrt .* has status failed but a statistic, p-value or reject: only an ok test/,
      "TypeError",
    );
    refuse(
      { status: "not-applicable", statistic: null, pValue: null, reject: false },
      /has status not-applicable but/,
      "TypeError",
    );
    refuse(
      [],
      /^tests of parameter group1 of fit REML .* is empty: expected a non-empty array \(leave/,
      "TypeError",
    );
    refuse(
      [{ ...tests(0)[0], test: "" }],
      /^test name "" of parameter group1 .* is not a name$/,
      "TypeError",
    );
    assert.strictEqual(store.replicateCount(), 0);
    assert.strictEqual(store.db.prepare("SELECT COUNT(*) AS n FROM tests").get()?.n, 0);
    // Every status but ok with all three null is fine; so is ok at the p-value's limits.
    store.writeReplicates([
      withTest([
        { test: "a", statistic: 0, pValue: 0, reject: true, status: "ok" },
        { test: "b", statistic: null, pValue: null, reject: null, status: "failed" },
        { test: "c", statistic: null, pValue: null, reject: null, status: "not-applicable" },
      ]),
    ]);
    assert.strictEqual(store.db.prepare("SELECT COUNT(*) AS n FROM tests").get()?.n, 3 + 3);
  } finally {
    store.close();
  }
});

Deno.test("a store of schema version 1 opens read-only as a store without tests", () =>
  withDir(async (dir) => {
    assert.strictEqual(SCHEMA_VERSION, 2);
    const path = join(dir, "results.sqlite");
    writeSchema1Store(path, [toyRecord("a", 0)], { conditions: [CONDITIONS[0]] });
    const before = Deno.readFileSync(path);
    const store = openStore(path, { readOnly: true });
    try {
      assert.deepStrictEqual(store.readReplicate("a", 0), toyRecord("a", 0));
      assert.deepStrictEqual([...store.iterateReplicates()], [toyRecord("a", 0)]);
      // Queries of the tests table read the connection's empty TEMP table.
      assert.strictEqual(store.db.prepare("SELECT COUNT(*) AS n FROM tests").get()?.n, 0);
      assert.deepStrictEqual(tablesOf(store.db, "temp"), ["tests"]);
      assert.strictEqual(tablesOf(store.db).includes("tests"), false);
      assert.strictEqual(store.db.prepare("PRAGMA user_version").get()?.user_version, 1);
      // Its digest is that of the same content written by this version.
      const current = openStore(":memory:");
      current.writeManifest(toyManifest());
      current.registerConditions([CONDITIONS[0]]);
      current.writeReplicates([toyRecord("a", 0)]);
      assert.strictEqual(await storeDigest(store), await storeDigest(current));
      current.close();
    } finally {
      store.close();
    }
    assert.deepStrictEqual(Deno.readFileSync(path), before);
    assert.deepStrictEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["results.sqlite"]);
    // Unchanged, it still lacks the table; merging it carries its replicates.
    const merged = join(dir, "merged.sqlite");
    const other = join(dir, "other.sqlite");
    storeAt(other, [tested("a", 1)]);
    assert.deepStrictEqual(mergeStores([path, other], merged).replicates, 2);
    const out = openStore(merged, { readOnly: true });
    try {
      assert.deepStrictEqual([...out.iterateReplicates()], [toyRecord("a", 0), tested("a", 1)]);
    } finally {
      out.close();
    }
  }));

Deno.test("a store of schema version 1 opened for writing gains the tests table", () =>
  withDir((dir) => {
    const path = join(dir, "results.sqlite");
    writeSchema1Store(path, [toyRecord("a", 0)], { conditions: [CONDITIONS[0]] });
    let store = openStore(path);
    try {
      assert.strictEqual(store.db.prepare("PRAGMA user_version").get()?.user_version, 2);
      assert.ok(tablesOf(store.db).includes("tests"));
      store.writeReplicates([tested("a", 1)]);
      store.close();
      store = openStore(path, { readOnly: true });
      assert.deepStrictEqual(tablesOf(store.db, "temp"), []);
      assert.deepStrictEqual(store.readReplicate("a", 0), toyRecord("a", 0));
      assert.deepStrictEqual(store.readReplicate("a", 1), tested("a", 1));
    } finally {
      store.close();
    }
    // A version 2 store without the tests table is incomplete, as one without any other is.
    const db = new DatabaseSync(path);
    db.exec("DROP TABLE tests");
    db.close();
    assert.throws(
      () => openStore(path, { readOnly: true }),
      new RegExp(`^TypeError: ${path} is not a vcsim results store: table tests is missing$`),
    );
    assert.ok(existsSync(path));
  }));

Deno.test("merging shards with tests gives the digest of one store with every replicate", () =>
  withDir(async (dir) => {
    const all = CONDITIONS.flatMap(({ condition }) =>
      [0, 1, 2].map((rep) => tested(condition, rep))
    );
    // A replicate without tests among them (e.g. a failed one) stays without.
    all.push(toyRecord("b", 3));
    const single = join(dir, "single.sqlite");
    storeAt(single, all);
    const shuffled = all.map((r) => tested(r.condition, r.rep, 3)).reverse();
    shuffled[0] = { ...toyRecord("b", 3), totalMs: 99 };
    const shard0 = join(dir, "shard0.sqlite"), shard1 = join(dir, "shard1.sqlite");
    storeAt(shard0, shuffled.filter((_, i) => i % 2 === 0), "0/2");
    storeAt(shard1, shuffled.filter((_, i) => i % 2 === 1), "1/2");
    const merged = join(dir, "merged.sqlite");
    assert.deepStrictEqual(mergeStores([shard0, shard1], merged), {
      replicates: all.length,
      missing: [],
      duplicates: 0,
    });
    assert.strictEqual(await storeDigest(merged), await storeDigest(single));
    const count = (path: string) => {
      const s = openStore(path, { readOnly: true });
      try {
        return s.db.prepare("SELECT COUNT(*) AS n FROM tests").get()?.n;
      } finally {
        s.close();
      }
    };
    // 6 tested replicates x 2 fits x 3 tests of group1.
    assert.strictEqual(count(merged), 36);
    assert.strictEqual(count(single), 36);

    // A changed test, or a test dropped, changes the digest; so does a duplicate that differs.
    const changed = join(dir, "changed.sqlite");
    storeAt(changed, [...all.slice(1), withTest({ pValue: 0.5 })]);
    assert.notStrictEqual(await storeDigest(changed), await storeDigest(single));
    const dropped = join(dir, "dropped.sqlite");
    storeAt(dropped, [...all.slice(1), toyRecord("a", 0)]);
    assert.notStrictEqual(await storeDigest(dropped), await storeDigest(single));
    assert.throws(
      () => mergeStores([single, dropped], join(dir, "conflict.sqlite")),
      /replicate 0 of condition "a" differs between the inputs/,
    );
  }));

Deno.test("the digest of a store without tests is the one vcsim gave before tests", async () => {
  // Pinned with the store of commit b804599 (before the tests table) on the same content.
  const store = openStore(":memory:");
  try {
    store.writeManifest(toyManifest());
    store.registerConditions(CONDITIONS);
    store.writeReplicates([toyRecord("a", 0), toyRecord("a", 1), toyRecord("b", 0)]);
    assert.strictEqual(
      await storeDigest(store),
      "86a9884c04d9938dc030fc439cfdc8863c96fda9398e562da51630c4175d5ac8",
    );
  } finally {
    store.close();
  }
});
