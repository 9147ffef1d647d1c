/**
 * Finds and loads a study: a built-in name (`nested` -> studies/nested.ts)
 * or a path to a user's module whose default export is a study definition.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { defineStudy, type StudyDefinition } from "./study.ts";

const BUILT_IN = new URL("../../studies/", import.meta.url);

/**
 * The module URL of a study: a built-in name (hyphens for the file's
 * underscores, `one-way` -> studies/one_way.ts) or a path, resolved against
 * the working directory. Throws a TypeError naming the built-in studies for
 * an unknown name, and one naming the path for a missing file.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { pathToFileURL } from "node:url";
 * import { resolveStudy } from "./load_study.ts";
 * assert.match(resolveStudy("one-way"), /^file:\/\/.*\/studies\/one_way\.ts$/);
 * const dir = Deno.makeTempDirSync();
 * const path = `${dir}/my study.ts`;
 * Deno.writeTextFileSync(path, "export default {};\n");
 * assert.equal(resolveStudy(path), pathToFileURL(path).href);
 * assert.throws(() => resolveStudy("one-wya"), /no study named "one-wya": built-in studies are /);
 * assert.throws(() => resolveStudy("missing/study.ts"), /study file not found: missing\/study/);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function resolveStudy(nameOrPath: string): string {
  if (/^[\w-]+$/.test(nameOrPath)) {
    // Built-in files are snake_case; study names may use hyphens (one-way).
    const url = new URL(`${nameOrPath.replaceAll("-", "_")}.ts`, BUILT_IN);
    if (existsSync(url)) return url.href;
    if (!existsSync(nameOrPath)) {
      const known = [...Deno.readDirSync(BUILT_IN)].filter((e) => e.name.endsWith(".ts")).map((e) =>
        e.name.slice(0, -3).replaceAll("_", "-")
      ).sort();
      throw new TypeError(
        `no study named "${nameOrPath}": built-in studies are ${
          known.join(", ")
        }, or give a path to a .ts file`,
      );
    }
  }
  const path = resolve(nameOrPath);
  if (!existsSync(path)) throw new TypeError(`study file not found: ${nameOrPath}`);
  return pathToFileURL(path).href;
}

const VCSIM_ROOT = new URL("../../", import.meta.url).href;
// Deno colours the locations in its module errors: ESC [ ... m.
// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const LOCATION = /((?:file|https?):\/\/[^\s"'()]+:\d+:\d+)/;

/** Text with file: URLs shown as paths. */
function asPaths(text: string): string {
  return text.replace(/file:\/\/[^\s"'()]+/g, (url) => {
    try {
      return fileURLToPath(url);
    } catch {
      return url;
    }
  });
}

/** Whether a stack location is in vcsim's own code (lib/ or mod.ts). */
const inVcsim = (location: string): boolean =>
  location.startsWith(`${VCSIM_ROOT}lib/`) || location.startsWith(`${VCSIM_ROOT}mod.ts:`);

/**
 * Where an import error happened: the `at <url>:line:col` line Deno puts in
 * the message of a syntax, type-stripping or resolution error, else the
 * first stack frame outside vcsim's own code (the user's throwing line).
 */
function errorLocation(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const inMessage = e.message.replace(ANSI, "").split("\n").slice(1)
    .map((line) => /^\s*at\s+(\S+:\d+:\d+)\s*$/.exec(line)?.[1]).find((l) => l !== undefined);
  if (inMessage) return inMessage;
  if (LOCATION.test(e.message.split("\n")[0])) return undefined; // already on the first line
  // Only frames raised inside the import, above the loader's own frame.
  const frames = (e.stack ?? "").replace(ANSI, "").split("\n").slice(1);
  const loader = frames.findIndex((f) => f.includes(import.meta.url));
  return frames.slice(0, loader < 0 ? frames.length : loader).map((f) => LOCATION.exec(f)?.[1])
    .find((l) => l !== undefined && !inVcsim(l));
}

/**
 * The one-line error of a study that failed to load, with its location
 * unless `options.locate` is false (an error not raised inside the module).
 */
function loadError(where: string, e: unknown, options: { locate?: boolean } = {}): Error {
  const first = (e instanceof Error ? e.message : String(e)).replace(ANSI, "").split("\n")[0]
    .trim().replace(/\.$/, "");
  const location = options.locate === false ? undefined : errorLocation(e);
  const message = `cannot load study ${where}: ${asPaths(first)}${
    location ? ` (at ${asPaths(location)})` : ""
  }`;
  if (e instanceof RangeError) return new RangeError(message, { cause: e });
  if (e instanceof TypeError) return new TypeError(message, { cause: e });
  return new Error(message, { cause: e });
}

/**
 * Imports a study module and checks its default export. Any failure is one
 * line, `cannot load study <path>: <reason>`, keeping the location Deno or
 * the stack gives (`broken.ts:3:13` for a syntax error, the failing import
 * for a missing module, the throwing line for an error raised on import),
 * with the original error as its `cause`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { pathToFileURL } from "node:url";
 * import { loadStudy } from "./load_study.ts";
 * const dir = Deno.makeTempDirSync();
 * const path = `${dir}/empty.ts`;
 * Deno.writeTextFileSync(path, "export const x = 1;\n");
 * await assert.rejects(loadStudy(pathToFileURL(path).href), /empty\.ts: it has no default export/);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function loadStudy(url: string): Promise<StudyDefinition> {
  const where = url.startsWith("file:") ? fileURLToPath(url) : url;
  let mod: Record<string, unknown>;
  try {
    mod = await import(url);
  } catch (e) {
    throw loadError(where, e);
  }
  if (mod.default === undefined) {
    throw new TypeError(
      `cannot load study ${where}: it has no default export; end it with export default defineStudy({...})`,
    );
  }
  try {
    return defineStudy(mod.default as StudyDefinition);
  } catch (e) {
    throw loadError(where, e, { locate: false });
  }
}
