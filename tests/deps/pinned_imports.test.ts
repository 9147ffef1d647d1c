// vcsim's npm dependencies are imported in one place, lib/_deps/, each by an exact version that
// deno.lock resolves, so its modules resolve for any importer, with or without a deno.json; every
// other import is relative or node:.
import assert from "node:assert";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { SEEDRANDOM_VERSION } from "../../lib/_deps/seedrandom.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DEPS = "lib/_deps/";
const NPM = "npm" + ":";

/** The import specifiers of TypeScript source (comments left out), with `@ts-types` targets. */
function specifiers(source: string): string[] {
  const types = [...source.matchAll(/^\s*\/\/\s*@ts-types="([^"]+)"/gm)].map((m) => m[1]);
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const patterns = [
    /\b(?:import|export)\b[^'"`;]*?\bfrom\s*(["'])([^"'\n]+)\1/g,
    /\bimport\s*(["'])([^"'\n]+)\1/g,
    /\bimport\s*\(\s*(["'])([^"'\n]+)\1\s*[,)]/g,
  ];
  const found = patterns.flatMap((p) => [...code.matchAll(p)].map((m) => m[2]));
  return [...types, ...found].filter((s) => !s.includes("${")); // templates of test files
}

/** `path` relative to the repository, and its specifiers, for every module vcsim ships or tests. */
function sources(): [string, string[]][] {
  const files: string[] = ["mod.ts"];
  const walk = (dir: string) => {
    for (const e of Deno.readDirSync(join(ROOT, dir))) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory) walk(path);
      else if (/\.[cm]?[jt]sx?$/.test(e.name)) files.push(path);
    }
  };
  for (const dir of ["lib", "studies", "bench", "tests"]) walk(dir);
  return files.map((f) => [f, specifiers(Deno.readTextFileSync(join(ROOT, f)))]);
}

Deno.test("outside lib/_deps/, imports are relative or node:", () => {
  const strays = sources().flatMap(([file, specs]) =>
    file.startsWith(DEPS) ? [] : specs.filter((s) => !/^(?:\.{1,2}\/|node:)/.test(s))
      .map((s) => `${file}: ${s}`)
  );
  assert.deepEqual(strays, []);
});

Deno.test("lib/_deps/ pins each package once, by an exact version deno.lock resolves", () => {
  const lock = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.lock")));
  const owner = new Map<string, string>();
  for (const [file, specs] of sources().filter(([f]) => f.startsWith(DEPS))) {
    for (const s of specs) {
      const m = /^npm:((?:@[^/@]+\/)?[^/@]+)@(\d+\.\d+\.\d+)(?:\/.*)?$/.exec(s);
      assert.ok(m, `${file}: ${s} is not npm:<package>@<exact version>`);
      const [, name, version] = m;
      assert.ok(`${NPM}${name}@${version}` in lock.specifiers, `${file}: ${s} is not in deno.lock`);
      assert.ok((owner.get(name) ?? file) === file, `${name} is pinned in ${owner.get(name)} too`);
      owner.set(name, file);
    }
  }
  assert.ok(owner.has("seedrandom"), relative(ROOT, DEPS));
});

Deno.test("SEEDRANDOM_VERSION is the version lib/_deps/seedrandom.ts imports", () => {
  const specs = specifiers(Deno.readTextFileSync(join(ROOT, DEPS, "seedrandom.ts")));
  assert.ok(specs.includes(`${NPM}seedrandom@${SEEDRANDOM_VERSION}`), specs.join(", "));
});

Deno.test("deno.json maps no bare specifiers: vcsim's modules must resolve without it", () => {
  const config = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json")));
  assert.equal(config.imports, undefined);
});
