/**
 * The local source files of a study module: the module itself and every
 * local module it imports, transitively, each with the SHA-256 of its
 * bytes, for the configuration hash.
 *
 * Imports are found by scanning the source text for `import ... from "s"`,
 * `export ... from "s"`, `import "s"` and `import("s")` with a literal `s`.
 * Only relative, absolute-path and `file:` specifiers are followed; bare
 * (import-map), `npm:`, `jsr:`, `node:` and `http(s):` specifiers are
 * skipped, and so is vcsim's own code (`lib/` and `mod.ts`), which its
 * version covers. A scanned specifier naming no file (say, inside a
 * comment) is skipped: a real import of a missing file fails on loading.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { basename, dirname, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const VCSIM_ROOT = new URL("../../", import.meta.url);
const SCANNED = /\.[cm]?[jt]sx?$/;
const SPECIFIERS = [
  /\b(?:import|export)\b[^'"`;]*?\bfrom\s*(["'])([^"'\n]+)\1/g,
  /\bimport\s*(["'])([^"'\n]+)\1/g,
  /\bimport\s*\(\s*(["'])([^"'\n]+)\1\s*[,)]/g,
];

/** Whether a module URL is vcsim's own code. */
function inVcsim(url: URL): boolean {
  return url.pathname.startsWith(new URL("lib/", VCSIM_ROOT).pathname) ||
    url.pathname === new URL("mod.ts", VCSIM_ROOT).pathname;
}

/** The local modules `source` (the text of `from`) imports, resolved. */
function localImports(source: string, from: URL): URL[] {
  const found: URL[] = [];
  for (const pattern of SPECIFIERS) {
    for (const match of source.matchAll(pattern)) {
      const specifier = match[2];
      if (!/^(?:\.{1,2}\/|\/|file:)/.test(specifier)) continue;
      const url = new URL(specifier, from);
      url.search = "";
      url.hash = "";
      if (url.protocol === "file:" && !inVcsim(url) && existsSync(url)) found.push(url);
    }
  }
  return found;
}

/**
 * `{ "<path relative to the study's directory>": "<sha256 hex>" }` for the
 * study module at `moduleUrl` (a `file:` URL) and the local modules it
 * imports, transitively, in sorted order of path. Cycles are followed once.
 *
 * @throws {TypeError} when `moduleUrl` is not a `file:` URL.
 */
export function _moduleSources(moduleUrl: string | URL): Record<string, string> {
  const root = new URL(moduleUrl);
  if (root.protocol !== "file:") {
    throw new TypeError(
      `the study module must be a file: URL so its sources can be hashed, got ${root.href}`,
    );
  }
  const base = dirname(fileURLToPath(root));
  const sources: Record<string, string> = {};
  const seen = new Set<string>();
  const queue = [root];
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    const path = fileURLToPath(url);
    const bytes = Deno.readFileSync(path);
    const key = url === root ? basename(path) : relative(base, path).split(sep).join("/");
    sources[key] = createHash("sha256").update(bytes).digest("hex");
    if (SCANNED.test(path)) queue.push(...localImports(new TextDecoder().decode(bytes), url));
  }
  return Object.fromEntries(Object.entries(sources).sort(([a], [b]) => a < b ? -1 : 1));
}
