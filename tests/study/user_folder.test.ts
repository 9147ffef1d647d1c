// A study file in the user's own folder, outside the repository and with no deno.json, importing
// vcsim by absolute path: it type-checks there and runs through the CLI, whether started with
// `deno run <vcsim>/lib/cli/study.ts` or `deno task --config <vcsim>/deno.json study`; and the
// README's library example runs from an empty folder.
import assert from "node:assert";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStore, storeDigest } from "../../lib/store/mod.ts";

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
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "vcsim-user-" }));
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
