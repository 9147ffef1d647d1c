/**
 * Finds and loads a study: a built-in name (`nested` -> studies/nested.ts)
 * or a path to a user's module whose default export is a study definition.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { defineStudy, type StudyDefinition } from "./study.ts";

const BUILT_IN = new URL("../../studies/", import.meta.url);

/** The module URL of a study name or path; throws naming what was tried. */
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

/** Imports a study module and checks its default export. */
export async function loadStudy(url: string): Promise<StudyDefinition> {
  const mod = await import(url);
  if (!mod.default) {
    throw new TypeError(`${url} has no default export: export default defineStudy({...})`);
  }
  return defineStudy(mod.default);
}
