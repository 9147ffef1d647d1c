// The store lock with real processes: a child holds it, the parent is refused by name, and a
// child killed with SIGKILL leaves nothing that blocks the next writer.
import assert from "node:assert";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { acquireStoreLock } from "../../lib/store/mod.ts";
import { tempDir } from "../_temp_dir.ts";

const LOCK_MODULE = new URL("../../lib/store/store_lock.ts", import.meta.url).href;
const DEADLINE_MS = 60_000;

async function withDir(body: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await tempDir({ prefix: "vcsim-lock-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A `deno eval` child that takes the lock of `store`, says "locked" and waits to be killed. */
async function lockingChild(store: string): Promise<Deno.ChildProcess> {
  const code = `
    import { acquireStoreLock } from ${JSON.stringify(LOCK_MODULE)};
    acquireStoreLock(${JSON.stringify(store)});
    console.log("locked");
    setInterval(() => {}, 1 << 30);
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Wait (with a deadline, not a fixed sleep) for the child to report the lock held.
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  const deadline = Date.now() + DEADLINE_MS;
  while (!seen.includes("locked\n")) {
    if (Date.now() > deadline) throw new Error(`the child did not lock in time: ${seen}`);
    const { value, done } = await reader.read();
    if (done) {
      const stderr = await new Response(child.stderr).text();
      throw new Error(`the child exited before locking: ${stderr}`);
    }
    seen += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return child;
}

async function killAndReap(child: Deno.ChildProcess): Promise<Deno.CommandStatus> {
  child.kill("SIGKILL");
  const status = await child.status;
  await child.stdout.cancel();
  await child.stderr.cancel();
  return status;
}

/** Polls until the lock can be taken, or the deadline passes; returns the lock. */
async function acquireWithin(store: string, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return acquireStoreLock(store);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

Deno.test("a store locked by another process is refused by its pid, and free after SIGKILL", () =>
  withDir(async (dir) => {
    const store = join(dir, "results", "nested", "results.sqlite");
    const child = await lockingChild(store);
    let status: Deno.CommandStatus | null = null;
    try {
      const record = JSON.parse(Deno.readTextFileSync(`${store}.lock`));
      assert.strictEqual(record.pid, child.pid);
      assert.strictEqual(typeof record.hostname, "string");
      assert.ok(!Number.isNaN(Date.parse(record.startedAt)), record.startedAt);
      assert.throws(
        () => acquireStoreLock(store),
        (error: Error) => {
          assert.strictEqual(
            error.message,
            `${store} is in use by process ${child.pid} on host ${record.hostname} since ` +
              `${record.startedAt}: wait for it to finish or stop it`,
          );
          return true;
        },
      );
      status = await killAndReap(child);
    } finally {
      if (!status) await killAndReap(child);
    }
    assert.strictEqual(status.signal, "SIGKILL");
    // The killed child never released: its lock file and record are still there.
    assert.strictEqual(JSON.parse(Deno.readTextFileSync(`${store}.lock`)).pid, child.pid);
    const lock = await acquireWithin(store, DEADLINE_MS);
    try {
      assert.strictEqual(JSON.parse(Deno.readTextFileSync(`${store}.lock`)).pid, Deno.pid);
    } finally {
      lock.release();
    }
    assert.strictEqual(existsSync(`${store}.lock`), false);
  }));

Deno.test("two locks of one store in one process conflict; release is idempotent", () =>
  withDir((dir) => {
    const store = join(dir, "results.sqlite");
    const lock = acquireStoreLock(store);
    assert.strictEqual(lock.path, `${store}.lock`);
    assert.throws(
      () => acquireStoreLock(store),
      new RegExp(`is in use by process ${Deno.pid} on host `),
    );
    // Another store is independent.
    acquireStoreLock(join(dir, "other.sqlite")).release();
    lock.release();
    assert.strictEqual(existsSync(lock.path), false);
    lock.release();
    {
      using again = acquireStoreLock(store);
      assert.ok(existsSync(again.path));
    }
    assert.strictEqual(existsSync(`${store}.lock`), false);
  }));

Deno.test("a lock file without a record, or with a stale one, is no obstacle by itself", () =>
  withDir((dir) => {
    const store = join(dir, "results.sqlite");
    Deno.writeTextFileSync(`${store}.lock`, "garbage");
    const lock = acquireStoreLock(store);
    // Held, but the record is gone (as when a holder has just locked): the message says so.
    Deno.writeTextFileSync(lock.path, "");
    assert.throws(
      () => acquireStoreLock(store),
      new RegExp(`^Error: ${store.replaceAll(".", "\\.")} is in use by another process: wait`),
    );
    // Release leaves a lock file that names another process alone (removal is cosmetic).
    const foreign = { pid: Deno.pid + 1, hostname: "elsewhere", startedAt: "then" };
    Deno.writeTextFileSync(lock.path, JSON.stringify(foreign));
    lock.release();
    assert.deepStrictEqual(JSON.parse(Deno.readTextFileSync(lock.path)), foreign);
    acquireStoreLock(store).release();
  }));

Deno.test("acquireStoreLock wants a store path", () => {
  for (const bad of ["", ":memory:", 3 as unknown as string]) {
    assert.throws(() => acquireStoreLock(bad), TypeError);
  }
});

Deno.test("a store whose folder cannot be made is refused naming the folder and why", async () => {
  const dir = await tempDir({ prefix: "vcsim-lock-" });
  const file = join(dir, "a-file");
  Deno.writeTextFileSync(file, "");
  // Node's wording was "EEXIST: file already exists, mkdir '...'" and "ENOTDIR: not a directory".
  assert.throws(
    () => acquireStoreLock(join(file, "results.sqlite")),
    { message: `cannot create the store's folder ${file}: a file of that name exists` },
  );
  assert.throws(
    () => acquireStoreLock(join(file, "sub", "results.sqlite")),
    {
      message: `cannot create the store's folder ${join(file, "sub")}: part of its path is a file`,
    },
  );
});

/** The permission flags of `deno task <name>` (deno.json), between `deno run` and the script. */
function taskPermissions(name: string): string[] {
  const config = JSON.parse(Deno.readTextFileSync(new URL("../../deno.json", import.meta.url)));
  const words = String(config.tasks[name]).split(/\s+/);
  return words.filter((w) => w.startsWith("--allow-"));
}

Deno.test("under the study and plan tasks' permissions a lock names this machine's host", () =>
  withDir(async (dir) => {
    const { hostname } = await import("node:os");
    for (const task of ["study", "plan"]) {
      const store = join(dir, task, "results.sqlite");
      const code = `import { acquireStoreLock } from ${JSON.stringify(LOCK_MODULE)};
        acquireStoreLock(${JSON.stringify(store)});
        console.log(Deno.readTextFileSync(${JSON.stringify(`${store}.lock`)}));`;
      const script = join(dir, `${task}.ts`);
      Deno.writeTextFileSync(script, code);
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--quiet", "--no-prompt", ...taskPermissions(task), script],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.strictEqual(out.code, 0, stderr);
      const record = JSON.parse(new TextDecoder().decode(out.stdout));
      assert.strictEqual(record.hostname, hostname(), task);
    }
  }));
