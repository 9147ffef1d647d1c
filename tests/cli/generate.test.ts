// Runs lib/cli/generate.ts as `deno task generate` does (deno run
// --allow-read --allow-write), from the repository root.
import assert from "node:assert";
import { nested } from "../../lib/generate/nested.ts";
import { crossed } from "../../lib/generate/crossed.ts";
import { deriveStream } from "../../lib/rng/derive_stream.ts";
import { writeCsv } from "../../lib/data/csv_write.ts";
import { assertOneLineError, ROOT as root, runCli } from "./_run_cli.ts";
import { tempDir } from "../_temp_dir.ts";
const fixture = JSON.parse(
  await Deno.readTextFile(new URL("tests/fixtures/numpy/numpy_randomstate.json", root)),
);

const run = (...args: string[]) => runCli("generate", ["--allow-read", "--allow-write"], args);

Deno.test("--rng numpy with the default seed writes the notebook's nested data", async () => {
  const dir = await tempDir();
  try {
    const file = `${dir}/nested.csv`;
    const r = await run("nested", "--rng", "numpy", "--out", file);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    const lines = (await Deno.readTextFile(file)).trimEnd().split("\n");
    assert.equal(lines[0], "y,group1,group2");
    assert.equal(lines.length, 40001);
    // Row 0 and rows 2-4 of the fixture are exact (see tests/generate/notebook.test.ts).
    for (const i of [0, 2, 3, 4]) {
      const w = fixture.notebook_nested_first_rows[i];
      assert.equal(lines[i + 1], `${w.y},${w.group1},${w.group2}`);
    }
    assert.equal(lines[40000].split(",").slice(1).join(","), "199,19");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("seedrandom stream is deriveStream(seed, ['generate', design]); stdout without --out", async () => {
  const r = await run(
    "crossed",
    "--seed",
    "17",
    "--n-group1",
    "6",
    "--n-group2",
    "4",
    "--n-rep",
    "2",
  );
  assert.equal(r.code, 0, r.stderr);
  const want = writeCsv(crossed(deriveStream(17, ["generate", "crossed"]), {
    nGroup1: 6,
    nGroup2: 4,
    nRep: 2,
  }));
  assert.equal(r.stdout, want);
});

Deno.test("design options with the notebook names, extensions and covariates", async () => {
  const r = await run(
    "nested",
    "--seed",
    "abc",
    "--n-group1",
    "5",
    "--n-group2-range",
    "1,3",
    "--n-rep-range",
    "2:4",
    "--group1-sd",
    "1.5",
    "--group2-sd",
    "0.5",
    "--unexplained-sd",
    "2",
    "--intercept",
    "10",
    "--error-dist",
    "t:5",
    "--group1-dist",
    "skewed:4",
    "--covariate",
    "x:0.25",
    "--covariate",
    "w:-1:t:6",
  );
  assert.equal(r.code, 0, r.stderr);
  const want = writeCsv(nested(deriveStream("abc", ["generate", "nested"]), {
    nGroup1: 5,
    nGroup2Range: [1, 3],
    nRepRange: [2, 4],
    group1Sd: 1.5,
    group2Sd: 0.5,
    unexplainedSd: 2,
    intercept: 10,
    errorDist: { kind: "t", df: 5 },
    group1Dist: { kind: "skewed", df: 4 },
    covariates: [{ name: "x", slope: 0.25 }, { name: "w", slope: -1, dist: { kind: "t", df: 6 } }],
  }));
  assert.equal(r.stdout, want);
  assert.ok(r.stdout.startsWith("y,group1,group2,x,w\n"));
});

Deno.test("crossed balanced layout flags", async () => {
  const r = await run(
    "crossed",
    "--layout",
    "balanced",
    "--n-group1",
    "4",
    "--n-group2",
    "5",
    "--empty-cell-fraction",
    "0.25",
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trimEnd().split("\n").length, 1 + 4 * 15);
});

Deno.test("errors: one line on stderr, exit status 1, no stack trace", async () => {
  const cases: [string[], RegExp][] = [
    [
      ["nested", "--group1-sd", "-1"],
      /group1Sd \(group1_sd\) must be a finite number >= 0, got -1/,
    ],
    [["nested", "--n-group1", "abc"], /--n-group1.*abc/],
    [["nested", "--n-group1", "0"], /nGroup1 \(n_group1\).*0/],
    [["crossed", "--n-rep", "2.5"], /--n-rep.*2\.5/],
    [["mixed"], /mixed/],
    [[], /design/],
    [["nested", "--bogus"], /--bogus/],
    [["nested", "--rng", "numpy", "--seed", "x"], /--seed.*"x"/],
    [["nested", "--rng", "mt"], /mt/],
    [["nested", "--error-dist", "cauchy:1"], /"cauchy"/],
    [["nested", "--layout", "balanced"], /--layout applies only to the crossed design/],
    [["crossed", "--n-group2-range", "1,2"], /only to the nested design/],
    [["crossed", "--empty-cell-fraction", "0.5"], /balanced/],
    [["nested", "--out", "/nonexistent-dir/x.csv"], /nonexistent-dir/],
  ];
  for (const [args, message] of cases) {
    assertOneLineError(await run(...args), message, args.join(" "));
  }
});

Deno.test("--help prints usage with the notebook names and exits 0", async () => {
  const r = await run("--help");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /--n-group1/);
  assert.match(r.stdout, /unexplained_sd/);
});
