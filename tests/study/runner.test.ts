// The runner's guarantees: results independent of worker count, shards,
// interruptions and crashing workers; resume extends, changed designs are refused.
import assert from "node:assert";
import { DatabaseSync } from "node:sqlite";
import { runStudy, storePath } from "../../lib/study/runner.ts";
import { canonicalReplicate, mergeStores, openStore, storeDigest } from "../../lib/store/mod.ts";
import type { ReplicateRecord } from "../../lib/store/records.ts";
import { missingReplicates, plannedReps } from "../../lib/store/missing_replicates.ts";
import { reference, storeIn, studyPath, studyUrl, tempDir } from "./_tiny.ts";
import { evalScript } from "../_eval_script.ts";

const TINY = studyUrl("tiny");

function records(path: string): ReplicateRecord[] {
  const store = openStore(path);
  try {
    return [...store.iterateReplicates()];
  } finally {
    store.close();
  }
}

Deno.test("the digest is the same with 1, 2 and 4 workers", async () => {
  const { digest } = await reference("tiny");
  for (const workers of [1, 4]) {
    const dir = await tempDir();
    const run = await runStudy(TINY, { outDir: dir, workers });
    assert.equal(run.done, 24);
    assert.equal(run.failed, 0);
    assert.equal(run.workers, Math.min(workers, 3)); // 24 replicates are 3 chunks of 8
    assert.equal(await storeDigest(storeIn(dir)), digest, `${workers} workers`);
  }
});

Deno.test("a store whose path holds a comma (which workers cannot be granted) gets the same digest", async () => {
  // Workers then hand their records to the runner, which stores them.
  const { digest } = await reference("tiny");
  const dir = `${await tempDir()}/a,b`;
  const run = await runStudy(TINY, { outDir: dir, workers: 2 });
  assert.deepEqual([run.done, run.failed], [24, 0]);
  assert.equal(await storeDigest(storeIn(dir)), digest);
});

Deno.test("3 shards merged give the single run's digest", async () => {
  const { digest } = await reference("tiny");
  const dir = await tempDir();
  const paths: string[] = [];
  let total = 0;
  for (let index = 1; index <= 3; index++) {
    const shard = { index, count: 3 };
    const run = await runStudy(TINY, { outDir: dir, shard, workers: 1 });
    assert.equal(run.storePath, storePath(dir, shard));
    total += run.done;
    paths.push(run.storePath);
  }
  assert.equal(total, 24);
  const merged = `${dir}/merged.sqlite`;
  const result = mergeStores(paths, merged);
  assert.deepEqual(result, { replicates: 24, missing: [], duplicates: 0 });
  assert.equal(await storeDigest(merged), digest);
});

Deno.test("rerunning a finished study does nothing; raising reps extends it", async () => {
  const { digest } = await reference("tiny");
  const dir = await tempDir();
  const first = await runStudy(TINY, { outDir: dir, reps: 5, workers: 2 });
  assert.equal(first.done, 10);
  const again = await runStudy(TINY, { outDir: dir, reps: 5, workers: 2 });
  assert.deepEqual([again.total, again.done, again.alreadyStored, again.workers], [0, 0, 10, 0]);
  const more = await runStudy(TINY, { outDir: dir, reps: 12, workers: 2 });
  assert.deepEqual([more.total, more.done, more.alreadyStored], [14, 14, 10]);
  assert.equal(await storeDigest(storeIn(dir)), digest);
});

Deno.test("a changed design is refused, unless fresh", async () => {
  const dir = await tempDir();
  await runStudy(TINY, { outDir: dir, reps: 2, workers: 1 });
  const changed = studyUrl("tiny_changed");
  await assert.rejects(
    () => runStudy(changed, { outDir: dir, reps: 2, workers: 1 }),
    (e: Error) =>
      /holds a different design of "tiny".*: discard it, or write to another directory$/.test(
        e.message,
      ) && !/\n/.test(e.message),
  );
  await assert.rejects(
    () => runStudy(TINY, { outDir: dir, seed: 99, workers: 1 }),
    /discard it, or write to another directory/,
  );
  const run = await runStudy(changed, { outDir: dir, reps: 2, workers: 1, fresh: true });
  assert.deepEqual([run.alreadyStored, run.done], [0, 4]);
  const conditions = records(storeIn(dir)).map((r) => r.condition);
  assert.deepEqual([...new Set(conditions)], ["n_group1=4", "n_group1=8"]);
});

Deno.test("invalid reps and workers are refused before anything runs", async () => {
  const dir = await tempDir();
  await assert.rejects(
    () => runStudy(TINY, { outDir: dir, reps: 0 }),
    /reps must be a positive integer, got 0/,
  );
  await assert.rejects(
    () => runStudy(TINY, { outDir: dir, workers: 0 }),
    /workers must be a positive integer/,
  );
  await assert.rejects(
    () => runStudy(TINY, { outDir: dir, workers: 1.5 }),
    /workers must be a positive integer/,
  );
});

Deno.test("an already aborted signal runs nothing and reports an interruption", async () => {
  const dir = await tempDir();
  const run = await runStudy(TINY, { outDir: dir, signal: AbortSignal.abort(), workers: 2 });
  assert.deepEqual([run.interrupted, run.done, run.total], [true, 0, 24]);
  // What the run set out to store is recorded, so a report counts all 24 as missing.
  const store = openStore(storeIn(dir));
  try {
    assert.equal(store.readManifest()?.reps, 0);
    assert.equal(plannedReps(store.readManifest()), 12); // 2 conditions x 12 replicates
    assert.equal(missingReplicates(store).length, 24);
  } finally {
    store.close();
  }
});

/**
 * Runs fixture `name` and checks that every replicate is stored, `failed`
 * ones as errors whose message matches, and all others exactly as in the
 * tiny study's reference run (same streams, same data).
 */
async function checkFailures(name: string, failed: string[], message: RegExp) {
  const ref = new Map(
    records(storeIn((await reference("tiny")).dir)).map((r) => [`${r.condition}:${r.rep}`, r]),
  );
  const dir = await tempDir();
  const run = await runStudy(studyUrl(name), { outDir: dir, workers: 2 });
  assert.equal(run.interrupted, false);
  assert.equal(run.done, 24);
  assert.equal(run.failed, failed.length);
  const stored = records(storeIn(dir));
  assert.equal(stored.length, 24);
  for (const r of stored) {
    const id = `${r.condition}:${r.rep}`;
    if (failed.includes(id)) {
      assert.equal(r.status, "error", id);
      assert.match(r.message ?? "", message);
      assert.deepEqual(r.fits, []);
    } else {
      assert.equal(canonicalReplicate(r), canonicalReplicate(ref.get(id)!), id);
    }
  }
}

Deno.test("a throwing generator stores that replicate as an error with its message", async () => {
  await checkFailures(
    "tiny_throw",
    ["n_group1=6:5"],
    /^planned failure of replicate 5 \(replay key 'n_group1=6:5'\)$/,
  );
});

Deno.test("a worker that closes itself mid-batch loses no replicate", async () => {
  await checkFailures(
    "tiny_close",
    ["n_group1=4:3"],
    /^worker died: close\(\) in study code \(replay key 'n_group1=4:3'\)$/,
  );
});

Deno.test("a worker that calls Deno.exit mid-batch loses no replicate", async () => {
  await checkFailures(
    "tiny_exit",
    ["n_group1=6:7"],
    /^worker died: Deno\.exit in study code \(replay key 'n_group1=6:7'\)$/,
  );
});

Deno.test("an unhandled rejection fails exactly the replicate whose code left it", async () => {
  await checkFailures(
    "tiny_reject",
    ["n_group1=6:2"],
    /^unhandled rejection in study code: stray rejection \(replay key 'n_group1=6:2'\)$/,
  );
});

/** Stored replicates of the store at `path`, read-only; 0 while it does not exist yet. */
function storedCount(path: string): number {
  try {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      return Number(db.prepare("SELECT COUNT(*) AS n FROM replicates").get()?.n ?? 0);
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

/** Starts the study CLI on tiny_slow into `dir` and waits until something is stored. */
async function startSlow(dir: string): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-run",
      "lib/cli/study.ts",
      studyPath("tiny_slow"),
      "--out",
      dir,
      "--workers",
      "1",
    ],
    cwd: new URL("../../", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const deadline = Date.now() + 30_000;
  while (storedCount(storeIn(dir)) === 0) {
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await child.output();
      throw new Error("the study stored nothing within 30 s");
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}

Deno.test("kill -9 mid-run: the store stays readable and the rerun completes it identically", async () => {
  const dir = await tempDir();
  const child = await startSlow(dir);
  child.kill("SIGKILL");
  const status = await child.output();
  assert.equal(status.signal, "SIGKILL");
  const stored = storedCount(storeIn(dir));
  assert.ok(stored > 0 && stored < 300, `${stored} stored`);
  // The killed run's request stands in the manifest: a report counts the rest as missing.
  const killed = openStore(storeIn(dir), { readOnly: true });
  try {
    assert.equal(missingReplicates(killed).length, 300 - stored);
  } finally {
    killed.close();
  }
  const run = await runStudy(studyUrl("tiny_slow"), { outDir: dir, workers: 2 });
  assert.deepEqual([run.alreadyStored, run.done], [stored, 300 - stored]);
  assert.equal(await storeDigest(storeIn(dir)), (await reference("tiny_slow")).digest);
});

Deno.test("Ctrl-C: stored work is kept, exit 130 with how to resume", async () => {
  const dir = await tempDir();
  const child = await startSlow(dir);
  child.kill("SIGINT");
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 130, stderr);
  const stored = storedCount(storeIn(dir));
  assert.match(
    stderr,
    new RegExp(
      `^interrupted \\(SIGINT\\): ${stored} of 300 replicates stored; rerun the same command to resume$`,
      "m",
    ),
  );
  assert.ok(stored < 300);
  assert.equal(new TextDecoder().decode(out.stdout), "");
});

Deno.test("a script that calls runStudy exits by itself when the run is done", async () => {
  const dir = await tempDir();
  const script = `
    import { runStudy } from ${
    JSON.stringify(new URL("../../lib/study/runner.ts", import.meta.url).href)
  };
    const run = await runStudy(${JSON.stringify(TINY)}, { outDir: ${
    JSON.stringify(dir)
  }, reps: 2 });
    console.log(run.done);
  `;
  // Nothing may keep the script's event loop alive (an open pipe, a message port).
  const out = await evalScript(script);
  assert.equal(out.signal, null, "the script did not exit by itself");
  assert.equal(out.stdout.trim(), "4");
});
