// What a run asks for and what its store says: reps below what is stored
// are refused, the manifest's reps is what is stored, huge reps cost
// nothing up front, workers are capped, seeds are kept exactly, a store of
// another vcsim version is extended only when asked, warnings are kept.
import assert from "node:assert";
import { availableParallelism } from "node:os";
import { type RunStart, runStudy } from "../../lib/study/runner.ts";
import { openStore, storeDigest } from "../../lib/store/mod.ts";
import { seedArg } from "../../lib/cli/_command.ts";
import { reference, storeIn, studyUrl, tempDir } from "./_tiny.ts";

const TINY = studyUrl("tiny");

function manifestOf(dir: string) {
  const store = openStore(storeIn(dir), { readOnly: true });
  try {
    return store.readManifest()!;
  } finally {
    store.close();
  }
}

Deno.test("fewer reps than stored are refused; without reps the stored count is kept", async () => {
  const dir = await tempDir();
  const first = await runStudy(TINY, { outDir: dir, reps: 6, workers: 1 });
  assert.deepEqual([first.done, first.reps, manifestOf(dir).reps], [12, 6, 6]);
  await assert.rejects(
    () => runStudy(TINY, { outDir: dir, reps: 4, workers: 1 }),
    /already holds 6 replicates of some condition; reps 4 is fewer: ask for at least 6/,
  );
  // Without reps: the study's 12, then (had more been stored) what is stored.
  const run = await runStudy(TINY, { outDir: dir, workers: 1 });
  assert.deepEqual([run.alreadyStored, run.done, run.reps], [12, 12, 12]);
  assert.equal(manifestOf(dir).reps, 12);
  assert.equal(await storeDigest(storeIn(dir)), (await reference("tiny")).digest);
  const more = await runStudy(TINY, { outDir: dir, reps: 14, workers: 1 });
  assert.equal(more.reps, 14);
  const again = await runStudy(TINY, { outDir: dir, workers: 1 });
  assert.deepEqual([again.total, again.reps], [0, 14]);
});

Deno.test("an interrupted run's manifest counts the replicates stored in full", async () => {
  const dir = await tempDir();
  const controller = new AbortController();
  // 150 slow replicates per condition, run condition by condition: stopped at the first
  // stored batch, the first condition is partly stored and the second not at all.
  const run = await runStudy(studyUrl("tiny_slow"), {
    outDir: dir,
    workers: 1,
    onProgress: (p) => p.done > 0 && controller.abort(),
    signal: controller.signal,
  });
  assert.equal(run.interrupted, true);
  assert.ok(run.done > 0 && run.done < 150, `${run.done} stored`);
  assert.deepEqual([run.reps, manifestOf(dir).reps], [0, 0]);
});

Deno.test("a billion replicates are planned without allocating them", async () => {
  const dir = await tempDir();
  let start: RunStart | null = null;
  const controller = new AbortController();
  const before = Deno.memoryUsage().rss;
  const run = await runStudy(TINY, {
    outDir: dir,
    reps: 1e9,
    workers: 1,
    onStart: (s) => {
      start = s;
      controller.abort();
    },
    signal: controller.signal,
  });
  assert.equal(start!.total, 2e9);
  assert.equal(run.interrupted, true);
  // Far less than a task object per replicate would take (2e9 x ~50 bytes).
  assert.ok(Deno.memoryUsage().rss - before < 200 * 1024 * 1024);
});

Deno.test("workers are capped at twice the cores, with a note", async () => {
  const dir = await tempDir();
  let start: RunStart | null = null;
  const many = availableParallelism() * 2 + 5;
  await runStudy(TINY, { outDir: dir, reps: 1, workers: many, onStart: (s) => start = s });
  assert.match(
    start!.notes.join("\n"),
    new RegExp(`^${many} workers capped at ${2 * availableParallelism()}`),
  );
});

Deno.test("seeds beyond 2^53 are refused as numbers and kept exactly as text", async () => {
  const dir = await tempDir();
  await assert.rejects(
    () => runStudy(TINY, { outDir: dir, seed: 2 ** 60, workers: 1 }),
    /seed \d+ is beyond 2\^53 and cannot be kept exactly: give it as a string/,
  );
  assert.equal(seedArg("12345678901234567890"), "12345678901234567890");
  assert.equal(seedArg("3123"), 3123);
  assert.equal(seedArg("abc"), "abc");
});

Deno.test("a store of another vcsim version is extended only when asked", async () => {
  const dir = await tempDir();
  await runStudy(TINY, { outDir: dir, reps: 2, workers: 1 });
  // Pretend an older vcsim wrote it: same design, other version, so another hash.
  const store = openStore(storeIn(dir));
  const manifest = store.readManifest()!;
  const config = manifest.config as { versions: Record<string, string> };
  store.writeManifest({
    ...manifest,
    config: { ...config, versions: { ...config.versions, vcsim: "0.0.9" } },
    configHash: "0".repeat(64),
  });
  store.close();
  await assert.rejects(
    () => runStudy(TINY, { outDir: dir, reps: 3, workers: 1 }),
    /was written by vcsim 0\.0\.9 and this is vcsim .*, and results may differ between versions: extending it must be asked for explicitly/,
  );
  let start: RunStart | null = null;
  const run = await runStudy(TINY, {
    outDir: dir,
    reps: 3,
    workers: 1,
    allowVersionChange: true,
    onStart: (s) => start = s,
  });
  assert.equal(run.done, 2);
  assert.match(start!.notes.join("\n"), /extending a store written by vcsim 0\.0\.9 with vcsim/);
  const runs = manifestOf(dir).timings.runs as { versions: { vcsim: string } }[];
  assert.equal(runs.length, 2);
  assert.equal(manifestOf(dir).configHash, "0".repeat(64));
});

Deno.test("parameters without a truth are a warning at the start, kept in the manifest", async () => {
  const dir = await tempDir();
  let start: RunStart | null = null;
  await runStudy(studyUrl("tiny_no_truth"), {
    outDir: dir,
    reps: 1,
    workers: 1,
    onStart: (s) => start = s,
  });
  assert.equal(start!.warnings.length, 1);
  assert.match(start!.warnings[0], /group1:group2/);
  assert.deepEqual((manifestOf(dir) as { warnings?: string[] }).warnings, start!.warnings);
});
