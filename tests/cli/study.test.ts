// Runs lib/cli/study.ts and lib/cli/merge.ts as their deno tasks do.
import assert from "node:assert";
import { join } from "node:path";
import { runCli } from "./_run_cli.ts";
import { canonicalReplicate, openStore } from "../../lib/store/mod.ts";
import type { ReplicateRecord } from "../../lib/store/records.ts";
import type { MeasureRow } from "../../lib/report/measure_row.ts";
import { storeDigest } from "../../lib/store/digest.ts";
import { tempDir } from "../_temp_dir.ts";

const ENV = "--allow-env=SLURM_ARRAY_TASK_ID,SLURM_ARRAY_TASK_COUNT,SLURM_ARRAY_TASK_MIN," +
  "JOB_COMPLETION_INDEX,VCSIM_SHARD_COUNT";
const study = (...args: string[]) =>
  runCli("study", ["--allow-read", "--allow-write", "--allow-run", ENV], args);
const merge = (...args: string[]) => runCli("merge", ["--allow-read", "--allow-write"], args);
const TINY = "tests/fixtures/studies/tiny.ts";

/** One line `error: ...` on stderr, nothing on stdout, status 1. */
function assertOneLineError(r: { code: number; stdout: string; stderr: string }, pattern: RegExp) {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^error: [^\n]*\n$/);
  assert.match(r.stderr, pattern);
}

function readRecord(path: string, condition: string, rep: number): ReplicateRecord | null {
  const store = openStore(path);
  try {
    return store.readReplicate(condition, rep);
  } finally {
    store.close();
  }
}

Deno.test("study --json runs, then a rerun does no work and prints the same rows", async () => {
  const dir = await tempDir();
  const r = await study(TINY, "--out", dir, "--workers", "2", "--json");
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /^study tiny: 2 conditions x 12 reps, 2 workers, store .*results\.sqlite, 0 already stored, 24 to run\ndone in \d+\.\d s: store .*results\.sqlite; CSV, JSON, Markdown and HTML report: deno task report \S+\n$/,
  );
  const out = JSON.parse(r.stdout);
  assert.equal(out.study, "tiny");
  assert.equal(out.storePath, join(dir, "results.sqlite"));
  assert.deepEqual([out.run.done, out.run.failed, out.run.interrupted], [24, 0, false]);
  // Measure rows: 2 conditions x 2 methods x 4 parameters x (12 estimator + 8 Wald measures).
  assert.equal(out.rows.length, 2 * 2 * 4 * 21);
  const find = (measure: string) =>
    out.rows.find((x: MeasureRow) =>
      x.condition === "n_group1=4" && x.method === "REML" && x.parameter === "Residual" &&
      x.measure === measure
    );
  assert.deepEqual([find("attempted").value, find("used").value], [12, 12]);
  const coverage = find("coverage");
  assert.equal(coverage.interval, "wald");
  const p = coverage.value;
  assert.ok(Math.abs(coverage.mcse - Math.sqrt(p * (1 - p) / 12)) < 1e-12);

  const again = await study(TINY, "--out", dir, "--json");
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /0 workers, .* 24 already stored, 0 to run/);
  const second = JSON.parse(again.stdout);
  assert.equal(second.run.total, 0);
  assert.deepEqual(second.rows, out.rows);

  const text = await study(TINY, "--out", dir);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^estimates of group terms and Residual are variances \(not SDs\)/);
  assert.match(text.stdout, /^n_group1=4 {2}\(12 replicates\)$/m);
  assert.match(
    text.stdout,
    /^ {2}method +parameter +interval +cover% +cover% def +undef% +width$/m,
  );
  for (const line of text.stdout.split("\n")) assert.ok(line.length <= 100, line);
});

Deno.test("study: a finished run leaves its store alone in its directory, no -wal or -shm", async () => {
  // The closing report reads the store on two connections at once (the measures here, the
  // paired comparisons in a Web Worker). SQLite removes its -wal and -shm files when the last
  // connection closes, and only a read-write one can: the CLI's must close last. Before it
  // did, the crossed study at 30 replicates left both files in 1 to 3 runs of 5.
  const dir = await tempDir();
  try {
    const r = await study("crossed", "--reps", "30", "--out", dir, "--json");
    assert.equal(r.code, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout).comparisons.length > 0);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["results.sqlite"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("study --target-mcse raises the replicates in rounds, deterministically", async () => {
  const runs = [];
  for (let k = 0; k < 2; k++) {
    const dir = await tempDir();
    const r = await study(TINY, "--out", dir, "--workers", "2", "--target-mcse", "0.06");
    assert.equal(r.code, 0, r.stderr);
    runs.push({ r, digest: await storeDigest(join(dir, "results.sqlite")) });
  }
  const { r } = runs[0];
  // Round 1: the study's 12 reps; the worst pilot coverage p needs p(1-p)/0.06^2 replicates,
  // at most 0.25/0.0036 = 70, so 100 after rounding up; at 100 every MCSE is at most
  // sqrt(0.25/100) = 0.05 <= 0.06.
  assert.match(
    r.stderr,
    /^target MCSE 0\.06: round 1, 12 reps, max coverage MCSE .* -> 100 reps$/m,
  );
  assert.match(
    r.stderr,
    /^target MCSE 0\.06: round 2, 100 reps, max coverage MCSE .*: target met$/m,
  );
  assert.match(r.stdout, /^n_group1=4 {2}\(100 replicates\)$/m);
  assert.equal(runs[1].digest, runs[0].digest);
  assert.equal(runs[1].r.stdout, r.stdout);
  assertOneLineError(
    await study(TINY, "--target-mcse", "0.01", "--shard", "1/2"),
    /--target-mcse needs the whole study/,
  );
});

Deno.test("study --target-bias-mcse: rounds to a bias MCSE relative to |truth|, or in EmpSEs", async () => {
  const dir = await tempDir();
  const r = await study(
    TINY,
    ...["--out", dir, "--workers", "2", "--target-mcse", "0.06", "--target-bias-mcse", "0.2"],
  );
  assert.equal(r.code, 0, r.stderr);
  // Round 1, 12 reps: (Intercept) has truth 0, so its bias MCSE is in EmpSE units, 1/sqrt(12) =
  // 0.289 > 0.2 (12 (0.289/0.2)^2 = 25 replicates); the coverage needs at most 70 (see above):
  // 100 after rounding up. At 100, 1/sqrt(100) = 0.1 and the coverage MCSEs at most 0.05.
  const head = "target MCSE coverage 0\\.06, bias 0\\.2 x \\|truth\\|";
  assert.match(
    r.stderr,
    new RegExp(
      `^${head}: round 1, 12 reps, max coverage MCSE [\\d.]+ \\(.*\\), ` +
        `max bias MCSE [\\d.]+ x (\\|truth\\||EmpSE) \\(.*\\) -> 100 reps$`,
      "m",
    ),
  );
  assert.match(r.stderr, new RegExp(`^${head}: round 2, 100 reps, .*: target met$`, "m"));
  assert.match(r.stdout, /^n_group1=4 {2}\(100 replicates\)$/m);
  assertOneLineError(
    await study(TINY, "--target-bias-mcse", "0"),
    /--target-bias-mcse must be a positive number, got 0/,
  );
  assertOneLineError(
    await study(TINY, "--target-bias-mcse", "0.1", "--shard", "1/2"),
    /--target-bias-mcse needs the whole study/,
  );
});

Deno.test("study: a run whose replicates all fail lists the message, count and replay", async () => {
  const dir = await tempDir();
  const fixture = "tests/fixtures/studies/tiny_all_fail.ts";
  const r = await study(fixture, "--out", dir, "--workers", "1");
  assert.equal(r.code, 0, r.stderr);
  // 2 conditions x 12 reps, every generate() throws: one message, 24 times; the first replay
  // key in store order is replicate 0 of the first condition.
  assert.equal(
    r.stdout,
    "no estimates to report: every stored replicate, or every fit of it, failed\n" +
      "failures, stored with their messages:\n" +
      "  24 x planned failure of every replicate; replay one with: " +
      `deno task study ${fixture} --replay 'n_group1=4:0'\n`,
  );
  assert.doesNotMatch(r.stdout + r.stderr, /no replicates stored/);
  // Listed once, in the table, not again on stderr; the closing line says where the store is.
  assert.doesNotMatch(r.stderr, /failures, stored/);
  assert.match(r.stderr, /^done in \d+\.\d s: store .*results\.sqlite; .*deno task report /m);
  // The replay command it prints reruns that replicate, which fails with the same message.
  const replay = await study(fixture, "--replay", "n_group1=4:0");
  assert.equal(replay.code, 0, replay.stderr);
  assert.match(JSON.parse(replay.stdout).message, /^planned failure of every replicate/);
});

Deno.test("study --replay reruns one replicate exactly as stored, writing nothing", async () => {
  const dir = await tempDir();
  assert.equal((await study(TINY, "--out", dir, "--reps", "3")).code, 0);
  const r = await study(TINY, "--out", join(dir, "none"), "--replay", "n_group1=6:2");
  assert.equal(r.code, 0, r.stderr);
  const replayed = JSON.parse(r.stdout) as ReplicateRecord;
  const stored = readRecord(join(dir, "results.sqlite"), "n_group1=6", 2)!;
  assert.equal(canonicalReplicate(replayed), canonicalReplicate(stored));
  await assert.rejects(() => Deno.stat(join(dir, "none")), Deno.errors.NotFound);
  assertOneLineError(
    await study(TINY, "--replay", "n_group1=5:2"),
    /no condition "n_group1=5": its conditions are n_group1=4, n_group1=6/,
  );
  assertOneLineError(
    await study(TINY, "--replay", "n_group1=4"),
    /replay key "n_group1=4" is not of the form/,
  );
});

Deno.test("study --replay of a replicate that kills or hangs its worker prints what happened", async () => {
  for (
    const [fixture, key, message] of [
      ["tiny_exit", "n_group1=6:7", /^worker died: Deno\.exit in study code/],
      ["tiny_hang", "n_group1=4:4", /^timed out after 3 s/],
    ] as const
  ) {
    const r = await study(`tests/fixtures/studies/${fixture}.ts`, "--replay", key);
    assert.equal(r.code, 0, r.stderr);
    const record = JSON.parse(r.stdout) as ReplicateRecord;
    assert.equal(record.status, "error");
    assert.match(record.message ?? "", message);
  }
});

Deno.test("study: bad inputs are one-line errors with status 1", async () => {
  assertOneLineError(
    await study("no-such-study"),
    /no study named "no-such-study": built-in studies are crossed, nested, one-way/,
  );
  assertOneLineError(await study("nested", "--shard", "3/2"), /shard "3\/2" is not of the form/);
  assertOneLineError(await study("nested", "--reps", "0"), /--reps must be a positive integer/);
  assertOneLineError(await study("nested", "--workers", "abc"), /expected an integer, got "abc"/);
  assertOneLineError(await study("nested", "--workers", "0"), /--workers must be a positive/);
  const dir = await tempDir();
  assert.equal((await study(TINY, "--out", dir, "--reps", "1")).code, 0);
  assertOneLineError(
    await study("tests/fixtures/studies/tiny_changed.ts", "--out", dir, "--reps", "1"),
    /holds a different design of "tiny" .*use --fresh/,
  );
});

Deno.test("merge: shards into one store; missing replicates are listed, status 0", async () => {
  const dir = await tempDir();
  for (const shard of ["1/2", "2/2"]) {
    const r = await study(TINY, "--out", dir, "--shard", shard, "--reps", "3", "--workers", "1");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`shard ${shard}, 1 worker, `));
  }
  const shards = [1, 2].map((i) => join(dir, `results.shard-${i}-of-2.sqlite`));
  const all = await merge(...shards, "--out", join(dir, "all.sqlite"));
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stderr, /merged 2 stores into .*all\.sqlite: 6 replicates\ncomplete/);
  const part = await merge(shards[0], "--out", join(dir, "part.sqlite"));
  assert.equal(part.code, 0, part.stderr);
  assert.match(part.stderr, /INCOMPLETE: 3 replicates are missing/);
  assert.match(part.stderr, /^ {2}n_group1=4:1$/m);
  assertOneLineError(
    await merge(shards[0], "--out", join(dir, "part.sqlite")),
    /refusing to overwrite/,
  );
  assertOneLineError(
    await merge(join(dir, "nope.sqlite"), "--out", join(dir, "x.sqlite")),
    /no such store/,
  );
});
