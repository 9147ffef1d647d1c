// Merging is atomic and names bad inputs: the output appears complete or not at all, even when
// the merging process is killed with SIGKILL midway.
import assert from "node:assert";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { mergeStores, openStore, storeDigest } from "../../lib/store/mod.ts";
import { toyManifest, writeToyStore } from "./_records.ts";
import { tempDir } from "../_temp_dir.ts";

const ROOT = new URL("../../", import.meta.url);
const CONDITIONS = ["a", "b", "c", "d"];
const DEADLINE_MS = 120_000;

async function withDir(body: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await tempDir({ prefix: "vcsim-merge-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

/** Two shards of `reps` replicates per condition, and the digest of a single store of them all. */
async function shards(dir: string, reps: number): Promise<{ inputs: string[]; digest: string }> {
  const all = CONDITIONS.flatMap((c) =>
    [...Array(reps).keys()].map((r): [string, number] => [c, r])
  );
  const inputs = [0, 1].map((i) => join(dir, `shard${i}.sqlite`));
  inputs.forEach((path, i) =>
    writeToyStore(path, {
      conditions: CONDITIONS,
      reps: all.filter((_, k) => k % 2 === i),
      manifest: toyManifest({ reps, shard: `${i}/2` }),
    })
  );
  const single = join(dir, "single", "results.sqlite");
  writeToyStore(single, { conditions: CONDITIONS, reps: all, manifest: toyManifest({ reps }) });
  return { inputs, digest: await storeDigest(single) };
}

function mergeProcess(inputs: string[], out: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-read",
      "--allow-write",
      "lib/cli/merge.ts",
      ...inputs,
      "--out",
      out,
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
}

/**
 * Polls (no fixed sleep) until the file `path` holds `bytes` or more, or the child exits; true
 * when the file grew first.
 */
async function grownBeforeExit(
  path: string,
  bytes: number,
  child: Deno.ChildProcess,
): Promise<boolean> {
  let exited = false;
  child.status.then(() => exited = true);
  const size = () => {
    try {
      return Deno.statSync(path).size;
    } catch {
      return -1;
    }
  };
  const deadline = Date.now() + DEADLINE_MS;
  while (!exited) {
    if (size() >= bytes) return true;
    if (Date.now() > deadline) throw new Error(`${path} did not grow before the deadline`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return false;
}

Deno.test("a merge killed with SIGKILL leaves no output; the next merge completes it", () =>
  withDir(async (dir) => {
    const { inputs, digest } = await shards(dir, 3000);
    const out = join(dir, "merged", "results.sqlite");
    let stray: string | null = null;
    // A merge that finishes before the kill lands proves atomicity too (its output is complete),
    // but not the kill: try again, a few times at most.
    for (let attempt = 1; stray === null; attempt++) {
      const child = mergeProcess(inputs, out);
      const temp = `${out}.tmp-${child.pid}`;
      // Kill it midway through copying replicates: once its log holds a megabyte of them.
      if (await grownBeforeExit(`${temp}-wal`, 1 << 20, child)) {
        try {
          child.kill("SIGKILL");
        } catch {
          // It exited meanwhile.
        }
      }
      const status = await child.status;
      const stderr = await new Response(child.stderr).text();
      if (!existsSync(out)) {
        assert.strictEqual(status.signal, "SIGKILL", stderr);
        assert.ok(existsSync(temp), "the killed merge's temporary file");
        stray = temp;
        break;
      }
      // Finished first: never a partial output.
      assert.strictEqual(await storeDigest(out), digest);
      if (attempt === 5) throw new Error("every merge finished before it could be killed");
      Deno.removeSync(out);
    }
    assert.ok(names(join(dir, "merged")).every((n) => n.startsWith("results.sqlite.tmp-")));

    const rerun = mergeProcess(inputs, out);
    const status = await rerun.status;
    assert.strictEqual(status.code, 0, await new Response(rerun.stderr).text());
    assert.strictEqual(await storeDigest(out), digest);
    // The stray temporary file of the killed merge is ignored, not used or removed.
    assert.ok(existsSync(stray));
    assert.ok(!names(join(dir, "merged")).includes(`results.sqlite.tmp-${rerun.pid}`));
  }));

Deno.test("a stray temporary file under this process's pid is overwritten", () =>
  withDir(async (dir) => {
    const { inputs, digest } = await shards(dir, 5);
    const out = join(dir, "results.sqlite");
    Deno.writeTextFileSync(`${out}.tmp-${Deno.pid}`, "left by a dead process of the same pid");
    Deno.writeTextFileSync(`${out}.tmp-${Deno.pid}-wal`, "junk");
    const result = mergeStores(inputs, out);
    assert.deepStrictEqual(result, { replicates: 20, missing: [], duplicates: 0 });
    assert.strictEqual(await storeDigest(out), digest);
    assert.deepStrictEqual(names(dir), [
      "results.sqlite",
      "shard0.sqlite",
      "shard1.sqlite",
      "single",
    ]);
  }));

Deno.test("bad inputs are refused by name, leaving no output and no temporary file", () =>
  withDir(async (dir) => {
    const { inputs } = await shards(dir, 200);
    const out = join(dir, "out", "results.sqlite");
    const refuse = (bad: string, message: RegExp) => {
      const inputBytes = Deno.readFileSync(bad);
      assert.throws(() => mergeStores([inputs[0], bad], out), (error: Error) => {
        assert.ok(error.message.includes(bad), `${error.message} names ${bad}`);
        assert.match(error.message, message);
        return true;
      });
      assert.ok(!existsSync(out));
      assert.deepStrictEqual(existsSync(join(dir, "out")) ? names(join(dir, "out")) : [], []);
      assert.deepStrictEqual(Deno.readFileSync(bad), inputBytes);
    };

    const text = join(dir, "notes.sqlite");
    Deno.writeTextFileSync(text, "not a database, just some text\n".repeat(50));
    refuse(text, /notes\.sqlite is not a vcsim results store: file is not a database$/);

    const bare = join(dir, "bare.sqlite");
    openStore(bare).close();
    refuse(bare, /bare\.sqlite has no manifest: it was not written by a vcsim study run$/);

    // Half a store: pages past the end are gone.
    const truncated = join(dir, "truncated.sqlite");
    Deno.copyFileSync(inputs[1], truncated);
    Deno.truncateSync(truncated, Math.floor(Deno.statSync(truncated).size / 2));
    refuse(truncated, /truncated\.sqlite is corrupt: /);

    // Overwritten pages in the middle, which plain reading might not notice.
    const damaged = join(dir, "damaged.sqlite");
    Deno.copyFileSync(inputs[1], damaged);
    const file = Deno.openSync(damaged, { write: true });
    file.seekSync(8 * 4096, Deno.SeekMode.Start);
    file.writeSync(new Uint8Array(6 * 4096).fill(0xab));
    file.close();
    refuse(damaged, /damaged\.sqlite is corrupt: /);
  }));
