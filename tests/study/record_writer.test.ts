// The runner's record writer: batches, refused records stored as failures, and checkpoints of the
// write-ahead log at most once per `checkpointMs` after a batch, and on close when anything was
// written since the last one.
import assert from "node:assert";
import { join } from "node:path";
import { openStore, type ResultStore } from "../../lib/store/mod.ts";
import { RecordWriter } from "../../lib/study/record_writer.ts";
import { toyManifest, toyRecord } from "../store/_records.ts";
import { tempDir } from "../_temp_dir.ts";

/** An in-memory store whose checkpoints are counted. */
function countedStore(): { store: ResultStore; checkpoints: () => number } {
  const store = openStore(":memory:");
  let checkpoints = 0;
  const checkpoint = store.checkpoint.bind(store);
  store.checkpoint = () => {
    checkpoints++;
    checkpoint();
  };
  return { store, checkpoints: () => checkpoints };
}

Deno.test("a long checkpoint interval checkpoints only on close, and only after writes", () => {
  const { store, checkpoints } = countedStore();
  const writer = new RecordWriter(store, { batch: 2, checkpointMs: 1e9 });
  for (let rep = 0; rep < 6; rep++) writer.accept(toyRecord("a", rep));
  assert.deepStrictEqual([writer.done, store.replicateCount(), checkpoints()], [6, 6, 0]);
  writer.flush(); // nothing pending
  writer.close();
  assert.strictEqual(checkpoints(), 1);
  store.close();

  const idle = countedStore();
  new RecordWriter(idle.store, { checkpointMs: 0 }).close();
  assert.strictEqual(idle.checkpoints(), 0, "nothing written, nothing to checkpoint");
  idle.store.close();
});

Deno.test("with no checkpoint interval every written batch is checkpointed, once", () => {
  const { store, checkpoints } = countedStore();
  const writer = new RecordWriter(store, { batch: 2, checkpointMs: 0 });
  for (let rep = 0; rep < 5; rep++) writer.accept(toyRecord("a", rep));
  assert.strictEqual(checkpoints(), 2);
  writer.flush();
  writer.flush(); // nothing new since the last checkpoint
  assert.strictEqual(checkpoints(), 3);
  writer.close();
  assert.deepStrictEqual([store.replicateCount(), checkpoints()], [5, 3]);
  store.close();
});

Deno.test("after a checkpointed batch the .sqlite file alone holds every written record", async () => {
  const dir = await tempDir({ prefix: "vcsim-record-writer-" });
  const path = join(dir, "results.sqlite"), copy = join(dir, "copy.sqlite");
  const store = openStore(path);
  store.writeManifest(toyManifest());
  store.registerConditions([{ condition: "a", params: {} }]);
  const writer = new RecordWriter(store, { batch: 4, checkpointMs: 0 });
  try {
    for (let rep = 0; rep < 8; rep++) writer.accept(toyRecord("a", rep));
    Deno.copyFileSync(path, copy); // without its log
  } finally {
    writer.close();
    store.close();
  }
  const alone = openStore(copy, { readOnly: true });
  try {
    assert.strictEqual(alone.replicateCount(), 8);
  } finally {
    alone.close();
  }
});

Deno.test("a refused record is stored as a failure in its place; the rest of its batch is kept", () => {
  const { store } = countedStore();
  const writer = new RecordWriter(store, { batch: 3, checkpointMs: 0 });
  const good = toyRecord("a", 1), [fit] = good.fits, [parameter] = fit.parameters;
  const bad = { ...good, fits: [{ ...fit, parameters: [{ ...parameter, estimate: NaN }] }] };
  for (const record of [toyRecord("a", 0), bad, toyRecord("a", 2)]) writer.accept(record);
  writer.close();
  assert.deepStrictEqual([writer.done, writer.failed, store.replicateCount()], [3, 1, 3]);
  const stored = store.readReplicate("a", 1)!;
  assert.strictEqual(stored.status, "error");
  assert.match(stored.message!, /^cannot be stored: /);
  store.close();
});

Deno.test("with skipStored a replicate the store already holds is counted and left as it is", () => {
  const { store } = countedStore();
  store.writeReplicates([toyRecord("a", 1)]); // another writer's
  const before = store.readReplicate("a", 1);
  const writer = new RecordWriter(store, { batch: 3, skipStored: true });
  for (let rep = 0; rep < 3; rep++) writer.accept(toyRecord("a", rep));
  writer.close();
  assert.deepStrictEqual([writer.done, writer.failed, store.replicateCount()], [3, 0, 3]);
  assert.deepStrictEqual(store.readReplicate("a", 1), before);
  // Without it, the second copy is refused and stored as a failure in its place: refused too.
  const strict = new RecordWriter(store, { batch: 1 });
  assert.throws(() => strict.accept(toyRecord("a", 2)), /already stored/);
  strict.close();
  store.close();
});

Deno.test("a full store stores no record as failed: the writer throws and a rerun stores them", () => {
  const { store } = countedStore();
  store.writeReplicates([toyRecord("a", 0)]);
  // SQLite's own "disk full" (SQLITE_FULL): the file may not grow by a page.
  const pages = Number(store.db.prepare("PRAGMA page_count").get()!.page_count);
  store.db.exec(`PRAGMA max_page_count = ${pages}`);
  const writer = new RecordWriter(store, { batch: 50 });
  const records = Array.from({ length: 200 }, (_, i) => toyRecord("a", i + 1));
  assert.throws(
    () => records.forEach((r) => writer.accept(r)),
    (e) =>
      e instanceof Error && e.message === "the records cannot be stored: database or disk is full",
  );
  writer.close();
  assert.deepStrictEqual([writer.done, writer.failed, store.replicateCount()], [0, 0, 1]);
  store.db.exec(`PRAGMA max_page_count = ${100 * pages}`);
  const rerun = new RecordWriter(store, { batch: 50 });
  records.forEach((r) => rerun.accept(r));
  rerun.close();
  assert.deepStrictEqual([rerun.failed, store.replicateCount()], [0, 201]);
  store.close();
});

Deno.test("a checkpoint interval that is not a number of ms >= 0 is refused", () => {
  const store = openStore(":memory:");
  try {
    for (const checkpointMs of [-1, NaN]) {
      assert.throws(
        () => new RecordWriter(store, { checkpointMs }),
        (e) =>
          e instanceof RangeError &&
          /checkpointMs is -?\w+; expected a number of ms >= 0/.test(e.message),
      );
    }
  } finally {
    store.close();
  }
});
