import assert from "node:assert";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { toyManifest } from "./_records.ts";
import {
  type FitRecord,
  mergeStores,
  openStore,
  type ReplicateRecord,
  SCHEMA_VERSION,
  storeDigest,
} from "../../lib/store/mod.ts";
import { tempDir } from "../_temp_dir.ts";

const CONDITIONS = [
  { condition: "n=5;sd=1", params: { n: 5, sd: 1 } },
  { condition: "n=10;sd=1", params: { n: 10, sd: 1 } },
];

const manifest = toyManifest;

function fit(method: string, seed: number): FitRecord {
  return {
    method,
    status: "ok",
    converged: true,
    singular: seed % 2 === 0,
    evaluations: 17 + seed,
    fitMs: 1.25 * seed,
    message: null,
    parameters: ["group1", "Residual"].map((parameter, i) => ({
      parameter,
      truth: i + 1,
      estimate: 0.1 + seed / 3 + i,
      se: i === 0 ? null : Math.PI / (seed + 1),
      intervals: [
        { interval: "wald", lower: -seed / 7, upper: seed / 7 + 1e-300, status: "ok" },
        { interval: "profile", lower: null, upper: null, status: "undefined" },
      ],
    })),
  };
}

function record(condition: string, rep: number, timing = 1): ReplicateRecord {
  return {
    condition,
    rep,
    status: "ok",
    message: null,
    generateMs: 0.5 * timing,
    totalMs: 3.75 * timing,
    fits: [fit("REML", rep + 1), fit("ML", rep + 2)],
  };
}

function allRecords(timing = 1): ReplicateRecord[] {
  return CONDITIONS.flatMap(({ condition }) =>
    [0, 1, 2].map((rep) => record(condition, rep, timing))
  );
}

async function withDir(body: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await tempDir({ prefix: "vcsim-store-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function fullStore(path: string, records: ReplicateRecord[], m = manifest()): void {
  const store = openStore(path);
  store.writeManifest(m);
  store.registerConditions(CONDITIONS);
  store.writeReplicates(records);
  store.close();
}

Deno.test("a replicate round-trips exactly, nulls, -0 and order included", () =>
  withDir((dir) => {
    const store = openStore(join(dir, "nested", "deeper", "results.sqlite"));
    try {
      const written: ReplicateRecord = {
        condition: "n=5;sd=1",
        rep: 7,
        status: "ok",
        message: "warning: boundary",
        generateMs: 0.1 + 0.2,
        totalMs: 12,
        fits: [
          // Method and parameter names out of alphabetical order, to prove order is kept.
          {
            ...fit("REML", 3),
            parameters: [
              {
                parameter: "Residual",
                truth: null,
                estimate: -0,
                se: 5e-324,
                intervals: [
                  { interval: "wald", lower: -1.5, upper: 2.5, status: "ok" },
                  { interval: "boot", lower: null, upper: null, status: "failed" },
                  { interval: "profile", lower: null, upper: null, status: "not-applicable" },
                ],
              },
              { parameter: "group1", truth: 4, estimate: null, se: null, intervals: [] },
            ],
          },
          { ...fit("ANOVA", 2), message: "negative estimate", singular: true },
          {
            method: "ML",
            status: "error",
            converged: false,
            singular: false,
            evaluations: 0,
            fitMs: 0.001,
            message: "failed",
            parameters: [],
          },
        ],
      };
      store.writeReplicates([written, record("n=5;sd=1", 0)]);
      assert.deepStrictEqual(store.readReplicate("n=5;sd=1", 7), written);
      assert.deepStrictEqual(store.readReplicate("n=5;sd=1", 0), record("n=5;sd=1", 0));
      assert.strictEqual(store.readReplicate("n=5;sd=1", 1), null);
      assert.strictEqual(store.replicateCount(), 2);
    } finally {
      store.close();
    }
  }));

Deno.test("a duplicate replicate is refused and its whole batch rolled back", () =>
  withDir((dir) => {
    const store = openStore(join(dir, "results.sqlite"));
    try {
      store.writeReplicates([record("a", 0)]);
      assert.throws(
        () => store.writeReplicates([record("a", 1), record("a", 0)]),
        /replicate 0 of condition "a" is already stored/,
      );
      assert.throws(
        () => store.writeReplicates([record("b", 0), record("b", 0)]),
        /replicate 0 of condition "b" appears twice/,
      );
      assert.strictEqual(store.replicateCount(), 1);
      assert.strictEqual(store.readReplicate("a", 1), null);
      const rows = store.db.prepare("SELECT COUNT(*) AS n FROM fits").get();
      assert.strictEqual(rows?.n, 2);
      // The store stays usable after a rollback.
      store.writeReplicates([record("a", 1)]);
      assert.strictEqual(store.replicateCount(), 2);
    } finally {
      store.close();
    }
  }));

Deno.test("NaN and infinities are refused; null is the missing value", () =>
  withDir((dir) => {
    const store = openStore(join(dir, "results.sqlite"));
    try {
      const base = record("a", 0);
      const withEstimate = (estimate: number): ReplicateRecord => ({
        ...base,
        fits: [{
          ...base.fits[0],
          parameters: [{ ...base.fits[0].parameters[0], estimate }],
        }],
      });
      assert.throws(
        () => store.writeReplicates([record("a", 1), withEstimate(NaN)]),
        /estimate of parameter group1 of fit REML of replicate 0 of condition "a" is NaN.*use null/,
      );
      assert.throws(() => store.writeReplicates([withEstimate(Infinity)]), /is Infinity/);
      assert.throws(() => store.writeReplicates([{ ...base, totalMs: -Infinity }]), /-Infinity/);
      assert.strictEqual(store.replicateCount(), 0);
    } finally {
      store.close();
    }
  }));

Deno.test("completedReplicates, conditions and the manifest", () =>
  withDir((dir) => {
    const path = join(dir, "results.sqlite");
    let store = openStore(path);
    try {
      assert.strictEqual(store.readManifest(), null);
      assert.throws(() => store.updateManifest({ reps: 1 }), /has none/);
      store.writeManifest(manifest());
      store.updateManifest({ reps: 9, timings: { runs: [{ workers: 2 }] } });
      assert.deepStrictEqual(
        store.readManifest(),
        manifest({ reps: 9, timings: { runs: [{ workers: 2 }] } }),
      );
      store.registerConditions([CONDITIONS[1]]);
      store.registerConditions([...CONDITIONS, { condition: "c", params: { x: [1] } }]);
      assert.deepStrictEqual(store.conditions(), [
        { ...CONDITIONS[1], position: 0 },
        { ...CONDITIONS[0], position: 1 },
        { condition: "c", params: { x: [1] }, position: 2 },
      ]);
      store.writeReplicates([record("a", 2), record("a", 0), record("b", 5)]);
      store.close();
      // Reopening keeps everything.
      store = openStore(path);
      assert.deepStrictEqual(
        store.completedReplicates(),
        new Map([["a", new Set([0, 2])], ["b", new Set([5])]]),
      );
      assert.strictEqual(store.readManifest()?.reps, 9);
      assert.strictEqual(store.db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
      assert.strictEqual(
        store.db.prepare("PRAGMA user_version").get()?.user_version,
        SCHEMA_VERSION,
      );
    } finally {
      store.close();
    }
  }));

Deno.test("iterateReplicates goes by condition position, then replicate", () =>
  withDir((dir) => {
    const store = openStore(join(dir, "results.sqlite"));
    try {
      store.registerConditions([{ condition: "z", params: {} }, { condition: "a", params: {} }]);
      store.writeReplicates([
        record("a", 1),
        record("orphan", 0),
        record("z", 10),
        record("a", 0),
        record("z", 2),
      ]);
      const order = [...store.iterateReplicates()].map((r) => `${r.condition}/${r.rep}`);
      assert.deepStrictEqual(order, ["z/2", "z/10", "a/0", "a/1", "orphan/0"]);
      assert.deepStrictEqual([...store.iterateReplicates()][2], record("a", 0));
    } finally {
      store.close();
    }
  }));

Deno.test("merging two shards gives the digest of one store with every replicate", () =>
  withDir(async (dir) => {
    const records = allRecords();
    const single = join(dir, "single.sqlite");
    fullStore(single, records, manifest({ timings: { runs: [{ workers: 4 }] } }));

    // Shards split differently, written in another order, with other timings.
    const shardRecords = allRecords(2).reverse();
    const shard0 = join(dir, "shard0.sqlite"), shard1 = join(dir, "shard1.sqlite");
    fullStore(
      shard0,
      shardRecords.filter((_, i) => i % 2 === 0),
      manifest({ shard: "0/2", createdAt: "x", timings: { runs: [{ workers: 1 }] } }),
    );
    fullStore(
      shard1,
      shardRecords.filter((_, i) => i % 2 === 1),
      manifest({ shard: "1/2", createdAt: "y", timings: { runs: [{ workers: 2 }] } }),
    );
    assert.notStrictEqual(await storeDigest(shard0), await storeDigest(single));

    const merged = join(dir, "out", "merged.sqlite");
    const result = mergeStores([shard0, shard1], merged);
    assert.deepStrictEqual(result, { replicates: records.length, missing: [], duplicates: 0 });
    assert.strictEqual(await storeDigest(merged), await storeDigest(single));

    const store = openStore(merged);
    try {
      assert.strictEqual(store.readManifest()?.shard, null);
      assert.deepStrictEqual(store.readManifest()?.timings, {
        runs: [{ workers: 1 }, { workers: 2 }],
      });
      assert.strictEqual(await storeDigest(store), await storeDigest(single));
    } finally {
      store.close();
    }

    // A changed estimate changes the digest.
    const changed = join(dir, "changed.sqlite");
    fullStore(changed, [...records.slice(1), { ...records[0], fits: [records[0].fits[1]] }]);
    assert.notStrictEqual(await storeDigest(changed), await storeDigest(single));

    assert.throws(() => mergeStores([shard0, shard1], merged), /refusing to overwrite/);
  }));

Deno.test("merging lists missing replicates and counts identical duplicates", () =>
  withDir((dir) => {
    const records = allRecords();
    const a = join(dir, "a.sqlite"), b = join(dir, "b.sqlite"), c = join(dir, "c.sqlite");
    fullStore(a, records.slice(0, 3), manifest({ reps: 2 }));
    // Overlaps a on one replicate (other timings: still identical results).
    fullStore(b, [record(CONDITIONS[0].condition, 2, 5), records[4]]);
    const result = mergeStores([a, b], join(dir, "merged.sqlite"));
    assert.deepStrictEqual(result, {
      replicates: 4,
      missing: [
        { condition: CONDITIONS[1].condition, rep: 0 },
        { condition: CONDITIONS[1].condition, rep: 2 },
      ],
      duplicates: 1,
    });
    const merged = openStore(join(dir, "merged.sqlite"));
    assert.strictEqual(merged.readManifest()?.reps, 3);
    merged.close();

    // The same replicate with different results is refused, and no output is left behind.
    fullStore(c, [{ ...records[0], message: "different" }]);
    const out = join(dir, "conflict.sqlite");
    assert.throws(() => mergeStores([a, c], out), /replicate 0 of condition "n=5;sd=1" differs/);
    assert.strictEqual(
      [...Deno.readDirSync(dir)].some((e) => e.name.startsWith("conflict")),
      false,
    );
  }));

Deno.test("merging shards killed before their end counts what their runs set out to store", () =>
  withDir((dir) => {
    const records = allRecords();
    const a = join(dir, "a.sqlite"), b = join(dir, "b.sqlite");
    // Both runs were killed: neither set its reps (0), but each recorded, as it started, the 3
    // replicates per condition it set out to store.
    const killed = (shard: string) => manifest({ shard, reps: 0, timings: { requestedReps: 3 } });
    fullStore(a, records.filter((_, i) => i % 2 === 0), killed("0/2"));
    fullStore(b, [records[1]], killed("1/2"));
    const out = join(dir, "merged.sqlite");
    const result = mergeStores([b, a], out);
    assert.deepStrictEqual(result.missing, [
      { condition: CONDITIONS[1].condition, rep: 0 },
      { condition: CONDITIONS[1].condition, rep: 2 },
    ]);
    const merged = openStore(out);
    try {
      assert.strictEqual(merged.readManifest()?.reps, 0);
      assert.deepStrictEqual(merged.readManifest()?.timings, { runs: [], requestedReps: 3 });
    } finally {
      merged.close();
    }
  }));

Deno.test("merging stores of different designs is refused", () =>
  withDir((dir) => {
    const a = join(dir, "a.sqlite"), b = join(dir, "b.sqlite");
    fullStore(a, allRecords().slice(0, 1));
    fullStore(b, allRecords().slice(1, 2), manifest({ configHash: "def456" }));
    const out = join(dir, "merged.sqlite");
    assert.throws(
      () => mergeStores([a, b], out),
      (error: Error) => /a\.sqlite.*abc123.*b\.sqlite.*def456/.test(error.message),
    );
    assert.throws(() => mergeStores([a, join(dir, "none.sqlite")], out), /no such store/);
    assert.strictEqual([...Deno.readDirSync(dir)].some((e) => e.name.startsWith("merged")), false);
  }));

Deno.test("a new store has 8 KiB pages; a store made with 4 KiB pages keeps them and its results", () =>
  withDir(async (dir) => {
    const fresh = join(dir, "new.sqlite");
    fullStore(fresh, allRecords());
    const old = join(dir, "old.sqlite");
    const made = new DatabaseSync(old);
    made.exec("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL");
    made.close();
    fullStore(old, allRecords().slice(0, 3));
    const store = openStore(old);
    store.writeReplicates(allRecords().slice(3));
    store.close();
    const pageSize = (path: string) => {
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        return db.prepare("PRAGMA page_size").get()?.page_size;
      } finally {
        db.close();
      }
    };
    assert.deepEqual([pageSize(fresh), pageSize(old)], [8192, 4096]);
    assert.equal(await storeDigest(old), await storeDigest(fresh));
  }));
