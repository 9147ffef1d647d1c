// Runs lib/cli/report.ts as `deno task report` does, on the fixed store of tests/report.
import assert from "node:assert";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { assertOneLineError, runCli } from "./_run_cli.ts";
import { fixedStore } from "../report/_fixed_store.ts";

const report = (...args: string[]) => runCli("report", ["--allow-read", "--allow-write"], args);

async function storeDir(): Promise<string> {
  const dir = await Deno.makeTempDir();
  fixedStore(join(dir, "results.sqlite")).close();
  return dir;
}

Deno.test("report: prints the table and writes every format next to the store", async () => {
  const dir = await storeDir();
  const r = await report(dir, "--target-mcse", "0.05");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^a=1 {2}\(5 replicates\)$/m);
  assert.match(r.stdout, /20\.0 \(17\.9\)\*/);
  for (const line of r.stdout.split("\n")) assert.ok(line.length <= 100, line);
  // Planning: REML group1 Wald coverage p = 0.2 needs 0.2 * 0.8 / 0.05^2 = 64.
  assert.match(r.stdout, /^ {2}a=1 {2}REML group1 coverage wald: 64 \(p = 0\.2000\)$/m);
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
  const empty = await Deno.makeTempDir();
  Deno.writeTextFileSync(join(empty, "results.shard-1-of-2.sqlite"), "");
  assertOneLineError(
    await report(empty),
    /has no results\.sqlite, only 1 shard stores: merge them/,
    "shards",
  );
});
