// loadStudy's errors: one line, `cannot load study <path>: <reason>`, with the location.
import assert from "node:assert";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadStudy } from "../../lib/study/load_study.ts";
import { tempDir } from "../_temp_dir.ts";

const MOD = new URL("../../mod.ts", import.meta.url).href;

/** Writes `files` into a fresh temporary directory and returns its path. */
async function writeFiles(files: Record<string, string>): Promise<string> {
  const dir = await tempDir({ prefix: "vcsim-load-" });
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(join(dir, name), text);
  return dir;
}

/** The error loading `dir/name` rejects with, checked to be one line naming the file. */
async function loadError(dir: string, name: string): Promise<Error> {
  const path = join(dir, name);
  let error: unknown;
  try {
    await loadStudy(pathToFileURL(path).href);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof Error, `loading ${name} should fail`);
  assert.ok(
    error.message.startsWith(`cannot load study ${path}: `),
    `message names the study: ${error.message}`,
  );
  assert.ok(!error.message.includes("\n"), `one line: ${JSON.stringify(error.message)}`);
  assert.ok(!error.message.includes("\x1b["), `no terminal colours: ${error.message}`);
  assert.ok(error.cause !== undefined || /no default export/.test(error.message));
  return error;
}

const STUDY = (fields: string) =>
  `import { defineStudy } from "${MOD}";\n` +
  `export default defineStudy({\n${fields}\n});\n`;

const GOOD_FIELDS = `  name: "ok", factors: { n: [5] }, generate: () => { throw 0; },
  truth: () => ({ g: 1 }), formula: "y ~ (1|g)", methods: ["reml"], intervals: [],
  reps: 2, seed: 1,`;

Deno.test("a syntax error keeps file:line:column", async () => {
  // Line 3 is the first field line: a doubled comma.
  const dir = await writeFiles({ "broken.ts": STUDY(`  name: "x",,\n${GOOD_FIELDS}`) });
  const e = await loadError(dir, "broken.ts");
  assert.match(e.message, /SyntaxError: Unexpected token/);
  assert.ok(e.message.includes(`(at ${join(dir, "broken.ts")}:3:`), e.message);
});

Deno.test("a TypeScript syntax error keeps file:line:column", async () => {
  const dir = await writeFiles({
    "typed.ts": `export const n: number = 1;\nexport function f(a: ) { return a; }\n`,
  });
  const e = await loadError(dir, "typed.ts");
  assert.ok(e.message.includes(`typed.ts:2:`), e.message);
});

Deno.test("a missing import names the import and the importing file", async () => {
  const dir = await writeFiles({
    "uses_helper.ts": `import { h } from "./helper.ts";\nexport default h;\n`,
    "helper.ts": `import "./nothere.ts";\nexport const h = 1;\n`,
  });
  const e = await loadError(dir, "uses_helper.ts");
  assert.ok(e.message.includes(`"${join(dir, "nothere.ts")}"`), e.message);
  assert.ok(e.message.includes(`(at ${join(dir, "helper.ts")}:1:`), e.message);
  assert.ok(!e.message.includes("file://"), e.message);
});

Deno.test("an error thrown on import keeps its message and the throwing line", async () => {
  const dir = await writeFiles({
    "throws.ts": `import { defineStudy } from "${MOD}";\nthrow new RangeError("no data here");\n`,
    "deep.ts": `import "./deeper.ts";\nexport default 1;\n`,
    "deeper.ts": `export const x = 1;\n\nthrow new Error("helper failed");\n`,
  });
  const e = await loadError(dir, "throws.ts");
  assert.ok(e instanceof RangeError);
  assert.equal(
    e.message,
    `cannot load study ${join(dir, "throws.ts")}: no data here (at ${join(dir, "throws.ts")}:2:7)`,
  );
  const deep = await loadError(dir, "deep.ts");
  assert.ok(deep.message.includes(`helper failed (at ${join(dir, "deeper.ts")}:3:`), deep.message);
});

Deno.test("a missing default export says so", async () => {
  const dir = await writeFiles({ "none.ts": `export const study = 1;\n` });
  const e = await loadError(dir, "none.ts");
  assert.equal(
    e.message,
    `cannot load study ${join(dir, "none.ts")}: it has no default export; ` +
      "end it with export default defineStudy({...})",
  );
});

Deno.test("an invalid study names the problem and the line calling defineStudy", async () => {
  const dir = await writeFiles({ "bad.ts": STUDY(`${GOOD_FIELDS}\n  interval: 3,`) });
  const e = await loadError(dir, "bad.ts");
  assert.ok(e instanceof TypeError);
  assert.match(e.message, /: unknown field "interval" in study "ok": known fields are name, /);
  assert.ok(e.message.endsWith(`(at ${join(dir, "bad.ts")}:2:16)`), e.message);
});

Deno.test("a default export that skipped defineStudy is checked too", async () => {
  const dir = await writeFiles({ "plain.ts": `export default { name: "p q" };\n` });
  const e = await loadError(dir, "plain.ts");
  assert.equal(
    e.message,
    `cannot load study ${join(dir, "plain.ts")}: study name must be a word (letters, digits, ` +
      '_ . -), got "p q"',
  );
});
