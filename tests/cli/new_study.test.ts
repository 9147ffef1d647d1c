// `deno task new-study <path>` writes a starter study that type-checks and runs from its folder.
import assert from "node:assert";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { assertOneLineError, ROOT, runCli } from "./_run_cli.ts";
import { openStore } from "../../lib/store/mod.ts";
import { loadStudy } from "../../lib/study/load_study.ts";
import { tempDir } from "../_temp_dir.ts";

const TIMEOUT_MS = 120_000;

/** Runs `deno ...args` in `cwd`. */
async function deno(args: string[], cwd: string | URL) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/** Runs `body` with a fresh temporary folder, then removes it. */
async function inTempDir(body: (dir: string) => Promise<void>) {
  const dir = await Deno.realPath(await tempDir({ prefix: "vcsim-new-study-" }));
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("new-study writes a starter study that checks and runs 2 replicates", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "studies", "my_first_study.ts");
    // The task itself, with its permissions (deno.json: --allow-read --allow-write).
    const r = await deno(["task", "--quiet", "new-study", path], ROOT);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, new RegExp(`^wrote ${path}\n`));
    const text = Deno.readTextFileSync(path);
    const mod = new URL("mod.ts", ROOT).href;
    assert.ok(text.includes(`import { defineStudy, nested } from "${mod}";`), text);
    assert.ok(text.includes(join(fileURLToPath(ROOT), "README.md")), "points at the README");
    assert.match(text, /Only vcsim's built-in methods are shown here/);
    assert.doesNotMatch(text, /TODO/);

    const study = await loadStudy(pathToFileURL(path).href);
    assert.equal(study.name, "my-first-study");
    assert.equal(study.formula, "y ~ 1 + (1|group1/group2)");
    assert.deepEqual([study.methods, study.intervals, study.reps], [
      ["reml", "anova"],
      ["wald", "profile"],
      200,
    ]);
    assert.deepEqual(
      study.truth({ n_group1: 5, group1_sd: 2 }),
      { group1: 4, "group1:group2": 9, Residual: 16, "(Intercept)": 0 },
    );

    // It type-checks from its own folder (no deno.json there) and is formatted as deno fmt would.
    const checked = await deno(["check", path], join(dir, "studies"));
    assert.equal(checked.code, 0, checked.stderr);
    const formatted = await deno(["fmt", "--check", path], join(dir, "studies"));
    assert.equal(formatted.code, 0, formatted.stderr);

    // It runs as its header says: deno task study <path>, in vcsim's folder.
    const out = join(dir, "out");
    const run = await deno(["task", "--quiet", "study", path, "--out", out, "--reps", "2"], ROOT);
    assert.equal(run.code, 0, run.stderr);
    const store = openStore(join(out, "results.sqlite"), { readOnly: true });
    try {
      assert.equal(store.replicateCount(), 4 * 2); // 2 x 2 conditions, 2 replicates each
      assert.equal(store.readManifest()!.study, "my-first-study");
    } finally {
      store.close();
    }
  });
});

Deno.test("new-study refuses an existing file and a path that is not .ts", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "mine.ts");
    Deno.writeTextFileSync(path, "// mine\n");
    const newStudy = (p: string) => runCli("new_study", ["--allow-read", "--allow-write"], [p]);
    assertOneLineError(
      await newStudy(path),
      new RegExp(`^error: study file already exists: ${path}$`),
      "existing",
    );
    assert.equal(Deno.readTextFileSync(path), "// mine\n");
    const js = join(dir, "mine.js");
    assertOneLineError(
      await newStudy(js),
      new RegExp(`^error: study file must end in \\.ts, got ${js}$`),
      "not .ts",
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["mine.ts"]);
  });
});
