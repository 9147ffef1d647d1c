// Runs lib/cli/report.ts as `deno task report` does, on the fixed store of tests/report.
import assert from "node:assert";
import { dirname, join } from "node:path";
import { parse } from "../../lib/_deps/csv_parse.ts";
import { assertOneLineError, runCli } from "./_run_cli.ts";
import { fixedRecords, fixedStore } from "../report/_fixed_store.ts";
import { testsStore } from "../report/_tests_store.ts";
import { openStore } from "../../lib/store/store.ts";
import { acquireStoreLock } from "../../lib/store/store_lock.ts";
import { tempDir } from "../_temp_dir.ts";

const report = (...args: string[]) => runCli("report", ["--allow-read", "--allow-write"], args);

async function storeDir(): Promise<string> {
  const dir = await tempDir();
  fixedStore(join(dir, "results.sqlite")).close();
  return dir;
}

Deno.test("report: prints the table and writes every format next to the store", async () => {
  const dir = await storeDir();
  const r = await report(dir, "--target-mcse", "0.05");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^estimates of group terms and Residual are variances \(not SDs\)/);
  assert.match(r.stdout, /^a=1 {2}\(5 replicates\)$/m);
  // REML group1 Wald (tests/report/terminal_table.test.ts): over all, over defined, undefined.
  assert.match(r.stdout, /^ {2}REML +group1 +wald +20\.0 \(17\.9\)\* +33\.3 \(27\.2\)\* +40\.0 /m);
  for (const line of r.stdout.split("\n")) assert.ok(line.length <= 100, line);
  // Planning: REML group1 Wald coverage p = 0.2 needs 0.2 * 0.8 / 0.05^2 = 64.
  assert.match(
    r.stdout,
    /^replicates needed for a coverage MCSE of at most 0\.05 \(5 percentage points\):$/m,
  );
  assert.match(r.stdout, /^ {2}a=1 {2}REML group1 coverage wald: 64 \(p = 0\.2000\)$/m);
  // A coverage target plans coverage only: bias is not in its units.
  assert.doesNotMatch(r.stdout, / bias: \d/);
  for (
    const name of ["measures.csv", "replicates.csv", "report.json", "report.md", "report.html"]
  ) {
    assert.match(r.stderr, new RegExp(`wrote .*${name.replace(".", "\\.")}\n`));
    assert.ok((await Deno.stat(join(dir, name))).size > 0, name);
  }
  const long = parse(await Deno.readTextFile(join(dir, "replicates.csv")), { columns: true });
  assert.equal(long.length, 22);
  const json = JSON.parse(await Deno.readTextFile(join(dir, "report.json")));
  assert.equal(json.manifest.study, "fixed");
  const html = await Deno.readTextFile(join(dir, "report.html"));
  assert.match(html, /<html/i);
  // The study's ADEMP text, recorded in the manifest, heads the HTML report.
  assert.match(html, /Check every measure against hand computation\./);
});

Deno.test("report: a store with tests shows them in the table and every file", async () => {
  const dir = await tempDir();
  testsStore(join(dir, "results.sqlite")).close();
  const r = await report(dir);
  assert.equal(r.code, 0, r.stderr);
  for (const line of r.stdout.split("\n")) assert.ok(line.length <= 100, line);
  // sd=0;n=5 REML lrt (tests/report/rejection.test.ts): 1 of 4 ok tests rejects, 1 of 5 not ok.
  assert.match(
    r.stdout,
    /^ {2}tests +parameter +test +truth +kind +n +reject % \(MCSE\) +not ok%$/m,
  );
  assert.match(r.stdout, /^ {2}REML +group1 +lrt +0 +size +4 +25\.0 \(21\.7\) +20\.0$/m);
  const measures: Record<string, string>[] = parse(
    await Deno.readTextFile(join(dir, "measures.csv")),
    { columns: true },
  );
  assert.ok(measures.some((m) => m.test === "lrt" && m.kind === "size"));
  const long = await Deno.readTextFile(join(dir, "replicates.csv"));
  assert.match(long.split("\n")[0], /,test_lrt_statistic,test_lrt_p_value,test_lrt_reject,/);
  const json = JSON.parse(await Deno.readTextFile(join(dir, "report.json")));
  assert.ok(json.rows.some((row: { measure: string }) => row.measure === "rejection"));
  assert.match(await Deno.readTextFile(join(dir, "report.md")), /\| test \| truth \| kind \|/);
  assert.match(await Deno.readTextFile(join(dir, "report.html")), /<h3>Tests: rejection rates/);
});

Deno.test("report: --target-bias-mcse plans bias relative to |truth|, or in EmpSEs at 0", async () => {
  const dir = await storeDir();
  const r = await report(dir, "--format", "table", "--target-bias-mcse", "0.5");
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^replicates needed for a bias MCSE of at most 0\.5 x \|truth\| \(x EmpSE where the truth is 0\):$/m,
  );
  // REML group1 of a=1 (tests/report/_fixed_store.ts): estimates 1.5, 2.5, 3.0, 0.0, so EmpSE^2
  // = 5.25/3 = 1.75 and MCSE(bias)/|truth| = sqrt(1.75/4)/2 = 0.3307; 5 attempted x
  // (0.3307/0.5)^2 = 2.19, so 3. (Intercept), truth 0: MCSE(bias)/EmpSE = 1/sqrt(4) = 0.5, so 5.
  assert.match(
    r.stdout,
    /^ {2}a=1 {2}REML group1 bias: 3 \(MCSE now 0\.3307 x \|truth\|, EmpSE = 1\.323\)$/m,
  );
  assert.match(r.stdout, /^ {2}a=1 {2}REML \(Intercept\) bias: 5 \(MCSE now 0\.5 x EmpSE, /m);
  assert.doesNotMatch(r.stdout, /coverage wald:/);
  assertOneLineError(
    await report(dir, "--target-bias-mcse", "-1"),
    /--target-bias-mcse must be a positive number, got -1/,
    "bias target",
  );
});

Deno.test("report: a store whose replicates all failed lists the failures, not 'no replicates'", async () => {
  const dir = await tempDir();
  const store = openStore(join(dir, "results.sqlite"));
  store.writeManifest({
    study: "my-own-study",
    config: {},
    configHash: "0",
    seed: 1,
    reps: 2,
    shard: null,
    versions: {},
    createdAt: "2024-01-01T00:00:00.000Z",
    timings: {},
  });
  store.registerConditions([{ condition: "n=4", params: { n: 4 } }]);
  store.writeReplicates([0, 1].map((rep) => ({
    condition: "n=4",
    rep,
    status: "error" as const,
    message: `boom (replay key 'n=4:${rep}')`,
    generateMs: 0,
    totalMs: 0,
    fits: [],
  })));
  store.close();
  const r = await report(dir, "--format", "table");
  assert.equal(r.code, 0, r.stderr);
  // Not a built-in study: the manifest has no path, so the command names a placeholder.
  assert.equal(
    r.stdout,
    "no estimates to report: every stored replicate, or every fit of it, failed\n" +
      "failures, stored with their messages:\n" +
      "  2 x boom; replay one with: deno task study <study file> --replay 'n=4:0'\n",
  );
});

Deno.test("report: --format and --out choose what is written where", async () => {
  const dir = await storeDir();
  const out = join(dir, "out");
  const r = await report(join(dir, "results.sqlite"), "--format", "json,md", "--out", out);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  assert.deepEqual([...Deno.readDirSync(out)].map((e) => e.name).sort(), [
    "report.json",
    "report.md",
  ]);
});

Deno.test("report: bad inputs are one-line errors with status 1", async () => {
  const dir = await storeDir();
  assertOneLineError(await report(join(dir, "nope")), /no such store or directory/, "missing");
  assertOneLineError(
    await report(dir, "--format", "table,pdf"),
    /unknown format "pdf": expected some of table, csv, json, md, html/,
    "format",
  );
  assertOneLineError(
    await report(dir, "--target-mcse", "0"),
    /--target-mcse must be a positive number/,
    "target",
  );
  const empty = await tempDir();
  Deno.writeTextFileSync(join(empty, "results.shard-1-of-2.sqlite"), "");
  assertOneLineError(
    await report(empty),
    /has no results\.sqlite, only 1 shard stores: merge them/,
    "shards",
  );
});

/** Bytes, modification time and directory listing: what a report must leave untouched. */
function snapshot(dir: string) {
  const path = join(dir, "results.sqlite");
  return {
    bytes: Deno.readFileSync(path),
    mtime: Deno.statSync(path).mtime?.getTime(),
    names: [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
  };
}

Deno.test("report: opens its store read-only and leaves it exactly as it was", async () => {
  const dir = await storeDir();
  const before = snapshot(dir);
  assert.deepEqual(before.names, ["results.sqlite"]);
  const out = await tempDir();
  const r = await report(dir, "--out", out);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(snapshot(dir), before);
  // Next to the store too: only the report's files are added.
  const again = await report(dir, "--format", "json");
  assert.equal(again.code, 0, again.stderr);
  const after = snapshot(dir);
  assert.deepEqual(after.names, ["report.json", "results.sqlite"]);
  assert.deepEqual({ ...after, names: before.names }, before);
});

Deno.test("report: warns about missing replicates and lists them in report.json", async () => {
  const dir = await storeDir();
  const r = await report(dir, "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  // The fixed store: 5 replicates per condition; a=1 has all 5, a=0 only reps 0 and 1.
  const warning =
    "warning: 3 replicates are missing (of 5 per condition); measures use the 7 stored";
  assert.deepEqual(r.stderr.split("\n").filter((l) => l.startsWith("warning")), [warning]);
  const json = JSON.parse(await Deno.readTextFile(join(dir, "report.json")));
  assert.deepEqual(json.missing, {
    count: 3,
    examples: [2, 3, 4].map((rep) => ({ condition: "a=0", rep })),
  });
  assert.equal(json.manifest.study, "fixed");

  // Complete: no warning, and a zero count.
  const complete = await tempDir();
  const store = fixedStore(join(complete, "results.sqlite"));
  store.updateManifest({ reps: 2 });
  store.close();
  const c = await report(complete, "--format", "json");
  assert.equal(c.code, 0, c.stderr);
  assert.doesNotMatch(c.stderr, /warning/);
  const full = JSON.parse(await Deno.readTextFile(join(complete, "report.json")));
  assert.deepEqual(full.missing, { count: 0, examples: [] });
});

Deno.test("report: a store whose run stopped early counts what that run set out to store", async () => {
  // A run killed before its end (or still going) has not yet set the manifest's reps, the
  // replicates stored in full (0 here); it recorded what it asked for as it started.
  const dir = await tempDir();
  const store = fixedStore(join(dir, "results.sqlite"));
  store.updateManifest({ reps: 0, timings: { requestedReps: 5 } });
  store.close();
  const r = await report(dir, "--format", "json,md,html");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stderr.split("\n").filter((l) => l.startsWith("warning")), [
    "warning: 3 replicates are missing (of 5 per condition); measures use the 7 stored",
  ]);
  const json = JSON.parse(await Deno.readTextFile(join(dir, "report.json")));
  assert.equal(json.missing.count, 3);
  const md = await Deno.readTextFile(join(dir, "report.md"));
  assert.match(md, /^Seed 1; 5 replicates per condition \(7 stored, 3 missing\)\.$/m);
  const html = await Deno.readTextFile(join(dir, "report.html"));
  assert.match(
    html,
    /<th>Replicates<\/th><td>5 per condition; 7 stored(, \d+ failed)?; 3 missing</,
  );
});

Deno.test("report: a shard's store counts as missing only the replicates of its own share", async () => {
  // The fixed store as shard i of 2: a=1 (position 0) has reps 0-4, a=0 (position 1) reps 0
  // and 1. Shard 1 of 2 holds a=1's 0, 2, 4 and a=0's 1, 3; shard 2 a=1's 1, 3 and a=0's 0, 2, 4.
  for (const [shard, missing] of [["1/2", [3]], ["2/2", [2, 4]]] as const) {
    const dir = await tempDir();
    const store = fixedStore(join(dir, "results.sqlite"));
    store.updateManifest({ shard });
    store.close();
    const r = await report(dir, "--format", "json,md");
    assert.equal(r.code, 0, r.stderr);
    const count = missing.length === 1 ? "1 replicate is" : `${missing.length} replicates are`;
    assert.deepEqual(r.stderr.split("\n").filter((l) => l.startsWith("warning")), [
      `warning: ${count} missing (shard ${shard}'s share of 5 per condition); ` +
      "measures use the 7 stored",
    ], shard);
    const json = JSON.parse(await Deno.readTextFile(join(dir, "report.json")));
    assert.deepEqual(json.missing, {
      count: missing.length,
      examples: missing.map((rep) => ({ condition: "a=0", rep })),
    }, shard);
    const md = await Deno.readTextFile(join(dir, "report.md"));
    const header = `Seed 1; 5 replicates per condition (7 stored, ${missing.length} missing); ` +
      `shard ${shard}.`;
    assert.ok(md.split("\n").includes(header), `${shard}: ${md.slice(0, 300)}`);
  }
});

Deno.test("report: says when a run still holds the store, not when its holder is gone", async () => {
  const dir = await storeDir();
  const path = join(dir, "results.sqlite");
  const running =
    /^warning: a run is still writing this store \(process (\d+)[^)]* since [^)]+\); this report covers the 7 replicates stored when it began$/m;
  const lock = acquireStoreLock(path);
  try {
    const r = await report(dir, "--format", "json");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.match(running)?.[1], String(Deno.pid), r.stderr);
  } finally {
    lock.release();
  }
  const done = await report(dir, "--format", "json");
  assert.equal(done.code, 0, done.stderr);
  assert.doesNotMatch(done.stderr, /still writing/);
  // A lock file left by a run killed with SIGKILL: it names a process, but nobody holds it.
  await Deno.writeTextFile(
    `${path}.lock`,
    JSON.stringify({ pid: 2 ** 22 + 1, hostname: "h", startedAt: "2024-01-01T00:00:00Z" }),
  );
  const killed = await report(dir, "--format", "json");
  assert.equal(killed.code, 0, killed.stderr);
  assert.doesNotMatch(killed.stderr, /still writing/);
  assert.match(killed.stderr, /^warning: 3 replicates are missing/m);
});

/** The names of the report's temporary copies (vcsim-report-*) in the system's temporary folder. */
function reportCopies(): string[] {
  const tmp = dirname(Deno.makeTempDirSync());
  return [...Deno.readDirSync(tmp)].map((e) => e.name).filter((n) => n.startsWith("vcsim-report-"));
}

Deno.test("report: a store a run is writing is reported from one copy, taken as the report began", async () => {
  // A run's lock and its open connection, with a replicate in the write-ahead log only: the
  // copy holds it, every file counts the same 8 replicates, and the copy is gone after.
  const dir = await storeDir();
  const path = join(dir, "results.sqlite");
  const before = reportCopies();
  const lock = acquireStoreLock(path);
  const writer = openStore(path);
  try {
    const [extra] = fixedRecords().filter((r) => r.condition === "a=0");
    writer.writeReplicates([{ ...extra, rep: 2 }]);
    const r = await report(dir, "--format", "json,md,html");
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^warning: 2 replicates are missing \(of 5 per condition\); .* 8 stored$/m,
    );
    assert.match(r.stderr, /this report covers the 8 replicates stored when it began$/m);
    const json = JSON.parse(await Deno.readTextFile(join(dir, "report.json")));
    assert.equal(json.missing.count, 2);
    const md = await Deno.readTextFile(join(dir, "report.md"));
    assert.match(md, /^Seed 1; 5 replicates per condition \(8 stored, 2 missing\)\.$/m);
    const html = await Deno.readTextFile(join(dir, "report.html"));
    assert.match(
      html,
      /<th>Replicates<\/th><td>5 per condition; 8 stored(, \d+ failed)?; 2 missing</,
    );
  } finally {
    writer.close();
    lock.release();
  }
  assert.deepEqual(reportCopies(), before);
});

Deno.test("report: reads a store while a writer has it open, through the writer's log", async () => {
  const dir = await storeDir();
  const path = join(dir, "results.sqlite");
  const writer = openStore(path);
  try {
    const [extra] = fixedRecords().filter((r) => r.condition === "a=0");
    writer.writeReplicates([{ ...extra, rep: 2 }]);
    const r = await report(dir, "--format", "json");
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^warning: 2 replicates are missing \(of 5 per condition\); .* 8 stored$/m,
    );
  } finally {
    writer.close();
  }
  assert.deepEqual(snapshot(dir).names, ["report.json", "results.sqlite"]);
});

Deno.test("report: a file that is not a store, or has no manifest, is a one-line error", async () => {
  const dir = await tempDir();
  const path = join(dir, "results.sqlite");
  Deno.writeTextFileSync(path, "condition,rep\n".repeat(40));
  assertOneLineError(
    await report(dir),
    new RegExp(`${path} is not a vcsim results store: file is not a database$`),
    "text",
  );
  Deno.removeSync(path);
  openStore(path).close();
  assertOneLineError(
    await report(path),
    new RegExp(`${path} has no manifest: it was not written by a vcsim study run$`),
    "bare",
  );
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["results.sqlite"]);
});

Deno.test("report: a store left by a killed writer is read, log and all, and not recovered", async () => {
  // A crash-consistent copy of a store whose writer is still open: its log is not checkpointed.
  const source = await storeDir();
  const dir = await tempDir();
  const writer = openStore(join(source, "results.sqlite"));
  try {
    const [extra] = fixedRecords().filter((r) => r.condition === "a=0");
    writer.writeReplicates([{ ...extra, rep: 2 }, { ...extra, rep: 3 }]);
    for (const suffix of ["", "-wal", "-shm"]) {
      Deno.copyFileSync(
        join(source, `results.sqlite${suffix}`),
        join(dir, `results.sqlite${suffix}`),
      );
    }
  } finally {
    writer.close();
  }
  // The -shm file is SQLite's shared memory, not data: readers may update it.
  const read = () =>
    ["results.sqlite", "results.sqlite-wal"].map((n) => Deno.readFileSync(join(dir, n)));
  const before = { data: read(), ...snapshot(dir) };
  assert.ok(Deno.statSync(join(dir, "results.sqlite-wal")).size > 0);
  const r = await report(dir, "--format", "json", "--out", join(dir, "out"));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^warning: 1 replicate is missing \(of 5 per condition\); .* 9 stored$/m);
  // Recovering (checkpointing the log into the file) would be a write: the report does none.
  assert.deepEqual({ ...snapshot(dir), data: read() }, {
    ...before,
    names: ["out", "results.sqlite", "results.sqlite-shm", "results.sqlite-wal"],
  });
});
