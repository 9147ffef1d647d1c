/**
 * Files written whole or not at all. A report's files are rewritten on
 * every `report` run: writing them in place, a run that is killed or fails
 * midway (a full disk, a store that cannot be read to its end) leaves the
 * previous file cut off at the point reached, which still reads as a
 * shorter CSV or a page. Each file is written to `<path>.tmp-<pid>` beside
 * it and renamed onto `path` once complete: the rename replaces the old
 * file in one step, so `path` holds the old contents or the new, never a
 * part. On error the temporary file is removed; a process killed midway
 * leaves it behind, and the old `path` intact. On Linux the next write of
 * `path` removes such leftovers of processes that no longer run.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";

/** Removes `<path>.tmp-<pid>` files of processes that are gone (Linux only: /proc tells). */
function removeLeftovers(path: string): void {
  if (Deno.build.os !== "linux") return;
  const prefix = `${basename(path)}.tmp-`;
  const dir = dirname(path);
  try {
    for (const entry of Deno.readDirSync(dir)) {
      const pid = entry.name.startsWith(prefix) ? entry.name.slice(prefix.length) : "";
      if (!entry.isFile || !/^[1-9][0-9]*$/.test(pid) || pid === String(Deno.pid)) continue;
      try {
        Deno.statSync(`/proc/${pid}`);
      } catch {
        Deno.removeSync(join(dir, entry.name));
      }
    }
  } catch { /* an unreadable folder, or a file removed meanwhile: left as it is */ }
}

/**
 * Calls `write` with a file open at a temporary path beside `path`, then
 * renames it onto `path`. If `write` throws, the temporary file is removed,
 * `path` is left as it was and the error is rethrown.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { join } from "node:path";
 * import { writeFileWhole } from "./_whole_file.ts";
 * const dir = Deno.makeTempDirSync();
 * const path = join(dir, "a.txt");
 * const encode = (text: string) => new TextEncoder().encode(text);
 * writeFileWhole(path, (file) => file.writeSync(encode("old")));
 * assert.throws(() =>
 *   writeFileWhole(path, (file) => {
 *     file.writeSync(encode("ne"));
 *     throw new Error("disk full");
 *   }), /disk full/);
 * assert.equal(Deno.readTextFileSync(path), "old");
 * assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["a.txt"]);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function writeFileWhole(path: string, write: (file: Deno.FsFile) => void): void {
  removeLeftovers(path);
  const temp = `${path}.tmp-${Deno.pid}`;
  let done = false;
  try {
    // createNew is not used: a stray file of this name is a dead process's (pids are reused).
    const file = Deno.openSync(temp, { write: true, create: true, truncate: true });
    try {
      write(file);
    } finally {
      file.close();
    }
    Deno.renameSync(temp, path);
    done = true;
  } finally {
    if (!done) {
      try {
        Deno.removeSync(temp);
      } catch { /* never made, or already gone */ }
    }
  }
}

/** Writes `text` to `path` with {@linkcode writeFileWhole}. */
export function writeTextFileWhole(path: string, text: string): void {
  const bytes = new TextEncoder().encode(text);
  writeFileWhole(path, (file) => {
    for (let off = 0; off < bytes.length;) off += file.writeSync(bytes.subarray(off));
  });
}
