// A study file in the user's own folder, outside the repository and with no deno.json, importing
// vcsim by absolute path: it type-checks there and runs through the CLI, whether started with
// `deno run <vcsim>/lib/cli/study.ts` or `deno task --config <vcsim>/deno.json study`; and the
// README's library example runs from an empty folder.
import assert from "node:assert";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStore, storeDigest } from "../../lib/store/mod.ts";
import { tempDir } from "../_temp_dir.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const MOD = join(ROOT, "mod.ts");
/** A child process that has not ended by then is stopped and fails the test. */
const TIMEOUT_MS = 120_000;
const PERMISSIONS = ["--allow-read", "--allow-write", "--allow-run", "--allow-env"];

const STUDY = `// A user's study: vcsim by absolute path, a helper module of its own.
import { defineStudy, nested } from ${JSON.stringify(MOD)};
import { groupCounts, truthOf } from "./helper.ts";

export default defineStudy({
  name: "user-folder",
  factors: { n_group1: groupCounts },
  generate: (c, stream) => nested(stream, { nGroup1: Number(c.n_group1), nGroup2: 3, nRep: 4 }),
  truth: truthOf,
  formula: "y ~ 1 + (1|group1/group2)",
  methods: ["reml"],
  intervals: ["wald"],
  reps: 50,
  seed: 7,
});
`;

const HELPER = `import type { Condition } from ${JSON.stringify(MOD)};

export const groupCounts: number[] = [4, 6];

export function truthOf(_c: Condition): Record<string, number> {
  return { group1: 4, "group1:group2": 9, Residual: 16 };
}
`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno ...args` in `cwd`, as a user would type it there. */
async function deno(args: string[], cwd: string): Promise<Run> {
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

/** A fresh folder outside the repository, with no Deno or npm configuration in it or above it. */
async function userFolder(): Promise<string> {
  const dir = await Deno.realPath(await tempDir({ prefix: "vcsim-user-" }));
  assert.ok(!dir.startsWith(ROOT + "/"), `${dir} is inside the repository`);
  for (let d = dir;; d = dirname(d)) {
    for (const name of ["deno.json", "deno.jsonc", "package.json"]) {
      assert.ok(!existsSync(join(d, name)), `${join(d, name)} would configure the user's folder`);
    }
    if (dirname(d) === d) break;
  }
  return dir;
}

/** Runs `body` in a fresh user's folder holding `files`, then removes the folder. */
async function inFolder(files: Record<string, string>, body: (dir: string) => Promise<void>) {
  const dir = await userFolder();
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(join(dir, name), text);
    }
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const STUDY_FILES = { "my_study.ts": STUDY, "helper.ts": HELPER };

/** The stored replicate count, `reps` and hashed sources of the store under `out`. */
function stored(out: string) {
  const store = openStore(join(out, "results.sqlite"), { readOnly: true });
  try {
    const manifest = store.readManifest()!;
    const sources = Object.keys((manifest.config as { sources: object }).sources);
    return { count: store.replicateCount(), reps: manifest.reps, sources };
  } finally {
    store.close();
  }
}

Deno.test("a study in the user's own folder type-checks there, with no deno.json", async () => {
  await inFolder(STUDY_FILES, async (dir) => {
    const r = await deno(["check", "my_study.ts"], dir);
    assert.equal(r.code, 0, r.stderr);
    // Checking neither needs nor leaves configuration in the user's folder.
    const left = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(left, ["helper.ts", "my_study.ts"]);
  });
});

Deno.test("a study in the user's own folder runs there through the CLI and deno task", async () => {
  await inFolder(STUDY_FILES, async (dir) => {
    const study = join(dir, "my_study.ts");
    const cli = join(ROOT, "lib", "cli", "study.ts");
    const out = join(dir, "out");
    const run = await deno(["run", ...PERMISSIONS, cli, study, "--out", out, "--reps", "3"], dir);
    assert.equal(run.code, 0, run.stderr);
    // `deno task --config` runs in vcsim's folder: the user's paths must be absolute.
    const task = await deno(
      ["task", "--quiet", "--config", join(ROOT, "deno.json"), "study", study]
        .concat(["--out", join(dir, "task"), "--reps", "3"]),
      dir,
    );
    assert.equal(task.code, 0, task.stderr);
    for (const name of ["out", "task"]) {
      // 2 conditions x 3 replicates; the helper is hashed with the study, vcsim's modules not.
      const s = stored(join(dir, name));
      assert.deepEqual([s.count, s.reps, s.sources], [6, 3, ["helper.ts", "my_study.ts"]], name);
    }
    // Either way, the same results.
    assert.equal(
      await storeDigest(join(dir, "task", "results.sqlite")),
      await storeDigest(join(out, "results.sqlite")),
    );
  });
});

/** The first TypeScript block of the README's section "As a library". */
function readmeLibraryExample(): string {
  const readme = Deno.readTextFileSync(join(ROOT, "README.md"));
  const section = readme.split(/^## /m).find((s) => s.startsWith("As a library\n"));
  const code = section && /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README.md has no ```ts block in its section "As a library"');
  return code;
}

Deno.test("the README's library example runs from an empty folder", async () => {
  const example = readmeLibraryExample();
  assert.match(example, /from "\.\/mod\.ts"/);
  // Only the import path changes: the example is written for vcsim's own folder.
  const code = example.replaceAll('from "./mod.ts"', `from ${JSON.stringify(MOD)}`);
  await inFolder({ "example.ts": code }, async (dir) => {
    const r = await deno(["run", "example.ts"], dir);
    assert.equal(r.code, 0, r.stderr);
    const checked = await deno(["check", "example.ts"], dir);
    assert.equal(checked.code, 0, checked.stderr);
  });
});

/** A user's study with an estimator and an interval kind of its own (`custom`), or without. */
const methodsStudy = (custom: boolean) =>
  `import { defineStudy, type IntervalPlugin, type MethodPlugin, nested } from ${
    JSON.stringify(MOD)
  };

/** ANOVA with negative estimates set to 0; it also takes 10 ms, so a run can be killed midway. */
const truncated: MethodPlugin = {
  name: "truncated",
  fit: (_frame, context) => {
    const until = performance.now() + 10;
    while (performance.now() < until) { /* work */ }
    const { variances } = context.fitBuiltIn("anova");
    return { variances: Object.fromEntries(Object.entries(variances).map(([k, v]) => [k, Math.max(0, v)])) };
  },
};

/** Estimate plus or minus 10%. */
const tenPercent: IntervalPlugin = {
  name: "ten-percent",
  intervals: (_frame, fit) =>
    Object.entries(fit.variances).map(([parameter, v]) => ({
      parameter, method: "ten-percent", lower: 0.9 * v, upper: 1.1 * v, status: "ok" as const,
    })),
};

export default defineStudy({
  name: "user-methods",
  factors: { n_group1: [4, 6] },
  generate: (c, stream) => nested(stream, { nGroup1: Number(c.n_group1), nGroup2: 3, nRep: 4 }),
  truth: () => ({ group1: 4, "group1:group2": 9, Residual: 16 }),
  formula: "y ~ 1 + (1|group1/group2)",
  methods: ${custom ? '["reml", truncated]' : '["reml"]'},
  intervals: ${custom ? '["wald", tenPercent]' : '["wald"]'},
  reps: 150,
  seed: 7,
});
`;

/** The REML fit records (timings and the custom interval left out) of the store under `out`. */
function remlFits(out: string): string[] {
  const store = openStore(join(out, "results.sqlite"), { readOnly: true });
  try {
    return [...store.iterateReplicates()].map((r) => {
      const { fitMs: _t, parameters, ...fit } = r.fits.find((f) => f.method === "REML")!;
      const wald = parameters.map((p) => ({
        ...p,
        intervals: p.intervals.filter((i) => i.interval === "wald"),
      }));
      return JSON.stringify({ rep: r.rep, condition: r.condition, fit, wald });
    });
  } finally {
    store.close();
  }
}

Deno.test("a user's own estimator and interval: checked, same store for 1 and 2 workers and after kill -9", async () => {
  const files = { "my_study.ts": methodsStudy(true), "plain.ts": methodsStudy(false) };
  await inFolder(files, async (dir) => {
    assert.equal((await deno(["check", "my_study.ts"], dir)).code, 0);
    const cli = join(ROOT, "lib", "cli", "study.ts");
    const run = (study: string, out: string, workers: number) =>
      deno(["run", ...PERMISSIONS, cli, study, "--out", out, "--workers", String(workers)], dir);
    for (const [out, workers] of [["one", 1], ["two", 2]] as const) {
      const r = await run("my_study.ts", join(dir, out), workers);
      assert.equal(r.code, 0, r.stderr);
    }
    const digest = await storeDigest(join(dir, "one", "results.sqlite"));
    assert.equal(await storeDigest(join(dir, "two", "results.sqlite")), digest);
    // kill -9 once something is stored, then resume.
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...PERMISSIONS,
        cli,
        "my_study.ts",
        "--out",
        join(dir, "cut"),
        "--workers",
        "1",
      ],
      cwd: dir,
      stdout: "null",
      stderr: "null",
    }).spawn();
    const path = join(dir, "cut", "results.sqlite");
    const deadline = Date.now() + 60_000;
    const count = () => {
      try {
        const s = openStore(path, { readOnly: true });
        try {
          return s.replicateCount();
        } finally {
          s.close();
        }
      } catch {
        return 0;
      }
    };
    while (count() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGKILL");
    await child.status;
    const before = count();
    assert.ok(before > 0 && before < 300, `${before} stored before the kill`);
    assert.equal((await run("my_study.ts", join(dir, "cut"), 2)).code, 0);
    assert.equal(await storeDigest(path), digest);
    // REML is the same with and without the user's method and interval in the study.
    assert.equal((await run("plain.ts", join(dir, "plain"), 2)).code, 0);
    assert.deepEqual(remlFits(join(dir, "one")), remlFits(join(dir, "plain")));
  });
});
