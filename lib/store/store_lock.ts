/**
 * One writer per store: an exclusive OS advisory lock on `<store>.lock`.
 * The operating system drops the lock when its holder exits, however it
 * exits, so a lock "left" by a killed process is simply taken over.
 *
 * @module
 */

import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";

/** An exclusive lock on a store, from {@linkcode acquireStoreLock}. */
export interface StoreLock {
  /** The lock file, `<storePath>.lock`. */
  readonly path: string;
  /**
   * Unlocks and closes the lock file, removing it when it still names this
   * process. Calling it again does nothing.
   */
  release(): void;
  /** Same as {@linkcode StoreLock.release}, for `using`. */
  [Symbol.dispose](): void;
}

/** Who holds a lock, as recorded in the lock file. */
interface Holder {
  pid: number;
  hostname: string;
  startedAt: string;
}

// A lock file unlinked by its holder between our open and our lock is retried this often.
const ATTEMPTS = 20;

/**
 * Takes the exclusive lock of the store at `storePath` (creating its
 * directory and `<storePath>.lock` when needed) and records this process
 * (pid, host, start time) in the lock file. Throws, naming the holder, when
 * another process, or another lock of this process, holds the store; a
 * holder that died without releasing holds nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { join } from "node:path";
 * import { acquireStoreLock } from "./store_lock.ts";
 *
 * const dir = Deno.makeTempDirSync();
 * const store = join(dir, "results.sqlite");
 * const lock = acquireStoreLock(store);
 * assert.throws(() => acquireStoreLock(store), /results\.sqlite is in use by process \d+ on host/);
 * lock.release();
 * lock.release(); // idempotent
 * acquireStoreLock(store).release(); // free again
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function acquireStoreLock(storePath: string): StoreLock {
  if (typeof storePath !== "string" || storePath === "" || storePath === ":memory:") {
    throw new TypeError(
      `storePath is ${JSON.stringify(storePath)}: expected the path of a store file`,
    );
  }
  const path = `${storePath}.lock`;
  fileSystem(`cannot create the store's folder ${dirname(path)}`, () => {
    mkdirSync(dirname(path), { recursive: true });
  });
  const file = fileSystem(`cannot create the store's lock file ${path}`, () => tryLock(path));
  if (!file) throw new Error(refusal(storePath, readHolder(path)));
  try {
    writeHolder(file, { pid: Deno.pid, hostname: hostName(), startedAt: new Date().toISOString() });
  } catch (error) {
    file.close();
    throw error;
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    try {
      // Cosmetic, and safe while we hold the lock: acquirers check they locked the file at `path`.
      if (readHolder(path)?.pid === Deno.pid && sameFile(file, path)) Deno.removeSync(path);
    } catch {
      // The OS lock, not the file's presence, is what counts.
    } finally {
      try {
        file.unlockSync();
      } finally {
        file.close();
      }
    }
  };
  return { path, release, [Symbol.dispose]: release };
}

/** The process that holds a store's lock, from {@linkcode storeWriter}. */
export interface StoreWriter {
  /** Its process id, or null when it has not yet recorded itself. */
  readonly pid: number | null;
  readonly hostname: string;
  /** ISO time it took the lock. */
  readonly startedAt: string;
}

/**
 * The process writing the store at `storePath` now, as its lock file
 * records it, or null when no process holds the lock: no lock file, or one
 * left by a process that has exited (a run killed with SIGKILL). It probes
 * with a shared lock, released at once, so it never waits and writes
 * nothing; a run starting in that same instant is refused as if the store
 * were in use, and can be started again.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { join } from "node:path";
 * import { acquireStoreLock, storeWriter } from "./store_lock.ts";
 *
 * const dir = Deno.makeTempDirSync();
 * const store = join(dir, "results.sqlite");
 * assert.equal(storeWriter(store), null);
 * const lock = acquireStoreLock(store);
 * assert.equal(storeWriter(store)?.pid, Deno.pid);
 * lock.release();
 * assert.equal(storeWriter(store), null);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function storeWriter(storePath: string): StoreWriter | null {
  const path = `${storePath}.lock`;
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  try {
    if (file.tryLockSync(false)) {
      file.unlockSync();
      return null;
    }
  } finally {
    file.close();
  }
  return readHolder(path) ?? { pid: null, hostname: "unknown", startedAt: "an unknown time" };
}

/**
 * Runs `work`, rewording a file-system error from it (Node's `EROFS:
 * read-only file system, mkdir '...'`, Deno's `Read-only file system (os
 * error 30): open '...'`) as `what: read-only file system`, and a file
 * where a folder must go as such; Deno's refusals for want of a
 * permission flag, which name the flag, and other errors pass unchanged.
 */
function fileSystem<T>(what: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    // Deno's refusals for want of a permission flag say so themselves.
    if (!(error instanceof Error) || error.message.startsWith("Requires ")) throw error;
    const code = (error as { code?: unknown }).code;
    const reason = code === "ENOTDIR"
      ? "part of its path is a file"
      : code === "EEXIST"
      ? "a file of that name exists"
      : (/^E[A-Z]+: ([^,]+),/.exec(error.message)?.[1] ??
        /^(.+?) \(os error \d+\)/.exec(error.message)?.[1]?.toLowerCase());
    if (reason === undefined) throw error;
    throw new Error(`${what}: ${reason}`, { cause: error });
  }
}

/**
 * Opens (creating) the lock file `path` and locks it exclusively without
 * waiting; null when held elsewhere. A lock taken on a file its previous
 * holder unlinked meanwhile is worthless: it is given up and retried.
 */
function tryLock(path: string): Deno.FsFile | null {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const file = Deno.openSync(path, { read: true, write: true, create: true });
    let locked = false;
    try {
      locked = file.tryLockSync(true);
    } finally {
      if (!locked) file.close();
    }
    if (!locked) return null;
    if (sameFile(file, path)) return file;
    file.close();
  }
  throw new Error(`cannot lock ${path}: other processes keep replacing it`);
}

/** Whether the open `file` is still the one at `path`. */
function sameFile(file: Deno.FsFile, path: string): boolean {
  let current: Deno.FileInfo;
  try {
    current = Deno.statSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
  const ours = file.statSync();
  // Without inode numbers (Windows), trust the path: nothing better is available.
  if (ours.ino === null || current.ino === null) return true;
  return ours.ino === current.ino && ours.dev === current.dev;
}

function writeHolder(file: Deno.FsFile, holder: Holder): void {
  file.truncateSync(0);
  file.seekSync(0, Deno.SeekMode.Start);
  const bytes = new TextEncoder().encode(JSON.stringify(holder) + "\n");
  let written = 0;
  while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
}

/** The holder recorded at `path`, or null when unreadable, empty or not ours. */
function readHolder(path: string): Holder | null {
  try {
    const value = JSON.parse(Deno.readTextFileSync(path)) as Partial<Holder>;
    if (typeof value?.pid !== "number") return null;
    return {
      pid: value.pid,
      hostname: typeof value.hostname === "string" ? value.hostname : "unknown",
      startedAt: typeof value.startedAt === "string" ? value.startedAt : "an unknown time",
    };
  } catch {
    return null;
  }
}

/**
 * A lock's holder in words: `process <pid> on host <host> since <time>`, or
 * "another process" when it has not yet recorded itself.
 */
export function describeWriter(writer: StoreWriter | null): string {
  return writer?.pid == null
    ? "another process"
    : `process ${writer.pid} on host ${writer.hostname} since ${writer.startedAt}`;
}

/** Why the store at `storePath` cannot be locked, naming `holder` when known. */
function refusal(storePath: string, holder: Holder | null): string {
  return `${storePath} is in use by ${describeWriter(holder)}: wait for it to finish or stop it`;
}

/**
 * The host name, without prompting for a permission: node:os when sys
 * access is granted (the study and plan tasks grant `--allow-sys=hostname`),
 * else "unknown". (Linux's /proc/sys/kernel/hostname is no way round: Deno
 * lets a script read it only with all permissions, which grant sys access.)
 */
function hostName(): string {
  const granted = Deno.permissions.querySync({ name: "sys", kind: "hostname" }).state === "granted";
  return granted ? hostname() : "unknown";
}
