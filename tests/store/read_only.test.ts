// Read-only opening: nothing created or written, foreign files refused by name, stores being
// written (or left by a killed writer) read through their log; checkpoints make the .sqlite
// file alone complete.
import assert from "node:assert";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { openStore } from "../../lib/store/mod.ts";
import { toyManifest, toyRecord, writeToyStore } from "./_records.ts";
import { tempDir } from "../_temp_dir.ts";

const STORE_MODULE = new URL("../../lib/store/mod.ts", import.meta.url).href;
const RECORDS_MODULE = new URL("./_records.ts", import.meta.url).href;
const DEADLINE_MS = 60_000;

async function withDir(body: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await tempDir({ prefix: "vcsim-read-only-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

/** Bytes and modification time of `path`, to prove it untouched. */
function fingerprint(path: string): { bytes: Uint8Array; mtime: number | undefined } {
  return { bytes: Deno.readFileSync(path), mtime: Deno.statSync(path).mtime?.getTime() };
}

function smallStore(path: string, reps = 4): void {
  writeToyStore(path, {
    conditions: ["a", "b"],
    reps: ["a", "b"].flatMap((c) => [...Array(reps).keys()].map((r): [string, number] => [c, r])),
  });
}

Deno.test("a cleanly closed store opens read-only without a trace", () =>
  withDir((dir) => {
    const path = join(dir, "results.sqlite");
    smallStore(path);
    assert.deepStrictEqual(names(dir), ["results.sqlite"]);
    const before = fingerprint(path);
    const store = openStore(path, { readOnly: true });
    try {
      assert.strictEqual(store.readOnly, true);
      assert.strictEqual(store.readManifest()?.study, "toy");
      assert.strictEqual(store.replicateCount(), 8);
      assert.deepStrictEqual(store.readReplicate("b", 3), toyRecord("b", 3));
      for (
        const write of [
          () => store.writeManifest(toyManifest()),
          () => store.updateManifest({ reps: 9 }),
          () => store.registerConditions([{ condition: "c", params: {} }]),
          () => store.writeReplicates([toyRecord("c", 0)]),
        ]
      ) {
        assert.throws(
          write,
          new RegExp(`cannot write to .*results\\.sqlite: it is open read-only`),
        );
      }
      assert.throws(() => store.checkpoint(), /cannot checkpoint .*: it is open read-only/);
    } finally {
      store.close();
    }
    store.close();
    assert.deepStrictEqual(names(dir), ["results.sqlite"]);
    assert.deepStrictEqual(fingerprint(path), before);
  }));

Deno.test("a store being written by another connection is read through its log", () =>
  withDir((dir) => {
    const path = join(dir, "results.sqlite");
    const writer = openStore(path);
    try {
      writer.writeManifest(toyManifest());
      writer.registerConditions([{ condition: "a", params: {} }]);
      writer.writeReplicates([toyRecord("a", 0)]);
      const reader = openStore(path, { readOnly: true });
      try {
        assert.strictEqual(reader.replicateCount(), 1);
        writer.writeReplicates([toyRecord("a", 1)]);
        assert.strictEqual(reader.replicateCount(), 2);
        assert.deepStrictEqual(reader.readReplicate("a", 1), toyRecord("a", 1));
      } finally {
        reader.close();
      }
      // The reader leaves the writer's log alone.
      assert.ok(existsSync(`${path}-wal`));
      writer.writeReplicates([toyRecord("a", 2)]);
    } finally {
      writer.close();
    }
    assert.deepStrictEqual(names(dir), ["results.sqlite"]);
    const reader = openStore(path, { readOnly: true });
    assert.strictEqual(reader.replicateCount(), 3);
    reader.close();
  }));

/** A `deno eval` child that writes `count` replicates into `path`, says "written" and waits. */
async function writingChild(path: string, count: number): Promise<Deno.ChildProcess> {
  const code = `
    import { openStore } from ${JSON.stringify(STORE_MODULE)};
    import { toyManifest, toyRecord } from ${JSON.stringify(RECORDS_MODULE)};
    const store = openStore(${JSON.stringify(path)});
    store.writeManifest(toyManifest());
    store.registerConditions([{ condition: "a", params: {} }]);
    store.writeReplicates([...Array(${count}).keys()].map((rep) => toyRecord("a", rep)));
    console.log("written");
    setInterval(() => {}, 1 << 30);
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  const deadline = Date.now() + DEADLINE_MS;
  try {
    while (!seen.includes("written\n")) {
      if (Date.now() > deadline) throw new Error(`the writer did not finish in time: ${seen}`);
      const { value, done } = await reader.read();
      if (done) throw new Error(`the writer exited: ${await new Response(child.stderr).text()}`);
      seen += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    child.kill("SIGKILL");
    await child.status;
    throw error;
  } finally {
    reader.releaseLock();
  }
  return child;
}

Deno.test("a live writer in another process, then its store after SIGKILL, read read-only", () =>
  withDir(async (dir) => {
    const path = join(dir, "results.sqlite");
    const child = await writingChild(path, 50);
    try {
      const store = openStore(path, { readOnly: true });
      try {
        assert.strictEqual(store.replicateCount(), 50);
        assert.deepStrictEqual(store.readReplicate("a", 49), toyRecord("a", 49));
      } finally {
        store.close();
      }
    } finally {
      child.kill("SIGKILL");
      await child.status;
      await child.stdout.cancel();
      await child.stderr.cancel();
    }
    // Killed: the log was never checkpointed, yet nothing written is lost to a reader.
    assert.ok(Deno.statSync(`${path}-wal`).size > 0);
    const walBefore = fingerprint(`${path}-wal`);
    const store = openStore(path, { readOnly: true });
    try {
      assert.strictEqual(store.replicateCount(), 50);
    } finally {
      store.close();
    }
    assert.deepStrictEqual(fingerprint(`${path}-wal`), walBefore);
    // The next writer (a resumed run) takes the log over and checkpoints it on close.
    openStore(path).close();
    assert.deepStrictEqual(names(dir), ["results.sqlite"]);
  }));

Deno.test("checkpoint makes the .sqlite file alone complete; close truncates the log", () =>
  withDir((dir) => {
    const path = join(dir, "results.sqlite"), copy = join(dir, "copy.sqlite");
    const writer = openStore(path);
    try {
      writer.writeManifest(toyManifest());
      writer.registerConditions([{ condition: "a", params: {} }]);
      writer.writeReplicates([...Array(20).keys()].map((rep) => toyRecord("a", rep)));
      writer.checkpoint();
      Deno.copyFileSync(path, copy);
    } finally {
      writer.close();
    }
    assert.deepStrictEqual(names(dir), ["copy.sqlite", "results.sqlite"]);
    const store = openStore(copy, { readOnly: true });
    try {
      assert.strictEqual(store.replicateCount(), 20);
    } finally {
      store.close();
    }
  }));

Deno.test("files that are not vcsim stores are refused by name, and left as they were", () =>
  withDir((dir) => {
    const refuse = (path: string, message: string, options = { readOnly: true }) => {
      const before = existsSync(path) && !Deno.statSync(path).isDirectory
        ? fingerprint(path)
        : null;
      const listing = names(dir);
      assert.throws(
        () => openStore(path, options),
        (error: Error) => {
          assert.strictEqual(error.message, message);
          return true;
        },
      );
      assert.deepStrictEqual(names(dir), listing, path);
      if (before) assert.deepStrictEqual(fingerprint(path), before, path);
    };
    const text = join(dir, "x.sqlite");
    Deno.writeTextFileSync(text, "name,value\n".repeat(100));
    refuse(text, `${text} is not a vcsim results store: file is not a database`);
    refuse(text, `${text} is not a vcsim results store: file is not a database`, {
      readOnly: false,
    });

    const empty = join(dir, "empty.sqlite");
    Deno.writeFileSync(empty, new Uint8Array());
    refuse(empty, `${empty} is not a vcsim results store: it has no vcsim tables`);

    const foreign = join(dir, "foreign.sqlite");
    const db = new DatabaseSync(foreign);
    db.exec("PRAGMA journal_mode = WAL; CREATE TABLE runs (id INTEGER); CREATE TABLE notes (t)");
    db.close();
    const message = `${foreign} is not a vcsim results store: it holds other tables (runs, notes)`;
    refuse(foreign, message);
    refuse(foreign, message, { readOnly: false });

    const partial = join(dir, "partial.sqlite");
    smallStore(partial);
    const drop = new DatabaseSync(partial);
    drop.exec("DROP TABLE intervals; DROP TABLE fits");
    drop.close();
    refuse(partial, `${partial} is not a vcsim results store: tables fits, intervals are missing`);

    const bare = join(dir, "bare.sqlite");
    openStore(bare).close();
    refuse(bare, `${bare} has no manifest: it was not written by a vcsim study run`);
    openStore(bare).close(); // a writer may open it: the run writes the manifest next

    const newer = join(dir, "newer.sqlite");
    smallStore(newer);
    const bump = new DatabaseSync(newer);
    bump.exec("PRAGMA user_version = 3");
    bump.close();
    const tooNew = `${newer} has store schema version 3, newer than this vcsim supports (2): ` +
      "use a newer vcsim";
    refuse(newer, tooNew);
    refuse(newer, tooNew, { readOnly: false });

    refuse(join(dir, "none.sqlite"), `cannot open ${join(dir, "none.sqlite")}: no such store`);
    Deno.mkdirSync(join(dir, "sub.sqlite"));
    refuse(
      join(dir, "sub.sqlite"),
      `${join(dir, "sub.sqlite")} is not a vcsim results store: it is a directory`,
    );
  }));
