// The configuration hash covers the study's whole source, its local imports and versions.
import assert from "node:assert";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { VERSION } from "../../lib/version.ts";
import { loadStudy } from "../../lib/study/load_study.ts";
import { compareConfigs, studyConfig } from "../../lib/study/study_config.ts";
import { tempDir } from "../_temp_dir.ts";

const MOD = new URL("../../mod.ts", import.meta.url).href;

const STUDY = `// A study with local helpers.
import { defineStudy, nested } from "${MOD}";
import { groups } from "./helper.ts";
import data from "./data/truth.json" with { type: "json" };
// A commented-out import of a file that does not exist is skipped: import "./ghost.ts";

export default defineStudy({
  name: "local",
  factors: { n: groups },
  generate: (c, stream) => nested(stream, { nGroup1: Number(c.n) }),
  truth: () => data,
  formula: "y ~ 1 + (1|group1/group2)",
  methods: ["reml"],
  intervals: ["wald"],
  reps: 3,
  seed: 5,
});
`;

const FILES: Record<string, string> = {
  "study/local.ts": STUDY,
  // helper.ts and cycle.ts import each other.
  "study/helper.ts": `import { unit } from "./cycle.ts";\nexport const groups = [4 * unit, 6];\n`,
  "study/cycle.ts": `export * from "./helper.ts";\nexport { rows } from "../shared/rows.ts";\n` +
    `export const unit = 1;\n`,
  "shared/rows.ts": `import "${MOD}";\nexport const rows = 3;\n`,
  "study/data/truth.json": `{ "group1": 4, "group1:group2": 9, "Residual": 16 }\n`,
};

/** A fresh copy of FILES; returns the study's file URL and a path maker. */
async function makeStudy(): Promise<{ url: string; path: (name: string) => string }> {
  const dir = await tempDir({ prefix: "vcsim-config-" });
  const path = (name: string) => join(dir, name);
  for (const [name, text] of Object.entries(FILES)) {
    await Deno.mkdir(join(path(name), ".."), { recursive: true });
    await Deno.writeTextFile(path(name), text);
  }
  return { url: pathToFileURL(path("study/local.ts")).href, path };
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

async function configOf(url: string, seed?: number) {
  return studyConfig(await loadStudy(url), {
    moduleUrl: url,
    ...(seed === undefined ? {} : { seed }),
  });
}

Deno.test("sources list the study and its local imports, transitively, and not vcsim", async () => {
  const { url } = await makeStudy();
  const { config } = await configOf(url);
  // The expected hashes are the SHA-256 of the texts this test wrote.
  assert.deepEqual(config.sources, {
    "../shared/rows.ts": sha256(FILES["shared/rows.ts"]),
    "cycle.ts": sha256(FILES["study/cycle.ts"]),
    "data/truth.json": sha256(FILES["study/data/truth.json"]),
    "helper.ts": sha256(FILES["study/helper.ts"]),
    "local.ts": sha256(FILES["study/local.ts"]),
  });
  assert.equal(config.seed, 5);
});

Deno.test("editing a local helper changes the hash", async () => {
  const { url, path } = await makeStudy();
  const before = await configOf(url);
  await Deno.writeTextFile(path("shared/rows.ts"), FILES["shared/rows.ts"].replace("3", "4"));
  const after = await configOf(url);
  assert.notEqual(after.hash, before.hash);
  assert.notEqual(
    after.config.sources["../shared/rows.ts"],
    before.config.sources["../shared/rows.ts"],
  );
  assert.equal(compareConfigs(before.config, after.config), "design");
});

Deno.test("editing only a comment of the study changes the hash", async () => {
  const { url, path } = await makeStudy();
  const before = await configOf(url);
  await Deno.writeTextFile(
    path("study/local.ts"),
    STUDY.replace("local helpers", "local helpers!"),
  );
  assert.notEqual((await configOf(url)).hash, before.hash);
});

Deno.test("the same files in another directory give the same hash", async () => {
  const a = await makeStudy(), b = await makeStudy();
  assert.equal((await configOf(a.url)).hash, (await configOf(b.url)).hash);
});

Deno.test("the seed enters the hash", async () => {
  const { url } = await makeStudy();
  const base = await configOf(url);
  assert.equal((await configOf(url, 5)).hash, base.hash);
  const other = await configOf(url, 6);
  assert.notEqual(other.hash, base.hash);
  assert.equal(other.config.seed, 6);
});

Deno.test("versions of vcsim and seedrandom are recorded and hashed", async () => {
  const { url } = await makeStudy();
  const { config, hash } = await configOf(url);
  // Reference: deno.json's version and the seedrandom version deno.lock resolves.
  assert.deepEqual(Object.keys(config.versions), ["vcsim", "seedrandom"]);
  assert.equal(config.versions.vcsim, VERSION);
  const lock = JSON.parse(Deno.readTextFileSync(new URL("../../deno.lock", import.meta.url)));
  const locked = Object.entries(lock.specifiers).filter(([s]) => s.startsWith("npm:seedrandom@"));
  assert.deepEqual(locked.map(([, v]) => v), [config.versions.seedrandom]);
  // The hash is the SHA-256 of the configuration's JSON with sorted keys, versions included.
  const sorted = (v: unknown): unknown =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
        Object.entries(v).sort(([x], [y]) => x < y ? -1 : 1).map((
          [k, w],
        ) => [k, sorted(w)]),
      )
      : Array.isArray(v)
      ? v.map(sorted)
      : v;
  assert.equal(hash, sha256(JSON.stringify(sorted(config))));
  const bumped = { ...config, versions: { ...config.versions, vcsim: "99.0.0" } };
  assert.notEqual(sha256(JSON.stringify(sorted(bumped))), hash);
});

Deno.test("compareConfigs tells versions from design", async () => {
  const { url } = await makeStudy();
  const { config } = await configOf(url);
  const stored = JSON.parse(JSON.stringify(config)); // as read back from a manifest
  assert.equal(compareConfigs(stored, config), "same");
  const reordered = Object.fromEntries(Object.entries(stored).reverse());
  assert.equal(compareConfigs(reordered as unknown as typeof config, config), "same");
  assert.equal(
    compareConfigs({ ...stored, versions: { ...stored.versions, vcsim: "0.0.1" } }, config),
    "versions",
  );
  assert.equal(compareConfigs({ ...stored, methods: ["ml"] }, config), "design");
  assert.equal(
    compareConfigs({ ...stored, methods: ["ml"], versions: { vcsim: "0.0.1" } }, config),
    "design",
  );
});

Deno.test("a study module that is not a file: URL is refused", async () => {
  const { url } = await makeStudy();
  const study = await loadStudy(url);
  assert.throws(
    () => studyConfig(study, { moduleUrl: "https://example.com/local.ts" }),
    (e: unknown) =>
      e instanceof TypeError &&
      e.message ===
        "the study module must be a file: URL so its sources can be hashed, got https://example.com/local.ts",
  );
});
