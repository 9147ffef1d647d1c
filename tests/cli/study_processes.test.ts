// The study CLI as real processes: a second run on a store in use is refused without touching
// it; killing the `deno task` wrapper stops its writer and leaves no process behind; a
// --target-mcse search interrupted in round 2 resumes to the store of an uninterrupted one.
// Linux only: it reads /proc and pauses processes with SIGSTOP.
import assert from "node:assert";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { ROOT, STUDY_RUN } from "./_run_cli.ts";
import { reference, storeIn, studyPath, studyUrl, tempDir } from "../study/_tiny.ts";
import { runStudy } from "../../lib/study/runner.ts";
import { storeDigest } from "../../lib/store/digest.ts";
import { acquireStoreLock } from "../../lib/store/store_lock.ts";

const LINUX = Deno.build.os === "linux";
const SLOW = studyPath("tiny_slow");
const TARGET_SLOW = studyPath("tiny_target_slow");
/** Environment variable marking every process a test starts (workers inherit it). */
const TAG = "VCSIM_PROCESS_TEST_TAG";

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `ok` every `every` ms until it holds; throws after `ms`. */
async function waitFor(what: string, ok: () => boolean, ms = 30_000, every = 25): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`not ${what} within ${ms / 1000} s`);
    await delay(every);
  }
}

/** Stored replicates of the store at `path`, read-only; 0 while it does not exist yet. */
function storedCount(path: string): number {
  try {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      return Number(db.prepare("SELECT COUNT(*) AS n FROM replicates").get()?.n ?? 0);
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

/** A started process, its output read as it comes. */
interface Started {
  readonly pid: number;
  readonly child: Deno.ChildProcess;
  /** Stderr so far. */
  stderr(): string;
  /** Status and output, once the process and every other holder of its pipes have ended. */
  readonly done: Promise<
    { code: number; signal: Deno.Signal | null; stdout: string; stderr: string }
  >;
}

/** Starts `deno ...args` from the repository root. */
function start(args: string[], env: Record<string, string> = {}): Started {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "", err = "";
  const read = async (stream: ReadableStream<Uint8Array>, add: (text: string) => void) => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) add(text);
  };
  const done = Promise.all([
    child.status,
    read(child.stdout, (t) => out += t),
    read(child.stderr, (t) => err += t),
  ]).then(([s]) => ({ code: s.code, signal: s.signal, stdout: out, stderr: err }));
  return { pid: child.pid, child, stderr: () => err, done };
}

/** Starts the study CLI as the brief's `deno run` command. */
const study = (...args: string[]): Started => start([...STUDY_RUN, ...args]);

/** Kills `p` (SIGKILL) if it still runs and waits for it: cleanup after a failure. */
async function reap(p: Started): Promise<void> {
  try {
    p.child.kill("SIGKILL");
  } catch { /* already ended */ }
  await p.done.catch(() => {});
}

/** Fields of /proc/<pid>/stat after the command name (state, ppid, ...), or null once gone. */
function procStat(pid: number | string, task = ""): string[] | null {
  try {
    const text = Deno.readTextFileSync(`/proc/${pid}${task}/stat`);
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** Whether every thread of process `pid` is stopped (SIGSTOP). */
function stopped(pid: number): boolean {
  const tasks = [...Deno.readDirSync(`/proc/${pid}/task`)];
  return tasks.every((t) => procStat(pid, `/task/${t.name}`)?.[0] === "T");
}

/** Pids of live processes whose environment holds TAG=`tag`, with their command lines. */
function tagged(tag: string): { pid: number; cmdline: string }[] {
  const found = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const env = Deno.readTextFileSync(`/proc/${entry.name}/environ`).split("\0");
      if (!env.includes(`${TAG}=${tag}`)) continue;
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).replaceAll("\0", " ");
      found.push({ pid: Number(entry.name), cmdline });
    } catch { /* gone, or not ours */ }
  }
  return found;
}

/** Whether the store's lock can be taken (it is released at once). */
function lockFree(store: string): boolean {
  try {
    acquireStoreLock(store).release();
    return true;
  } catch (e) {
    if (e instanceof Error && /is in use by/.test(e.message)) return false;
    throw e;
  }
}

/** Name, size, modification time and SHA-256 of every file in `dir`. */
async function snapshot(dir: string): Promise<string[]> {
  const files = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    const info = Deno.statSync(path);
    const hash = await crypto.subtle.digest("SHA-256", Deno.readFileSync(path));
    const hex = [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
    files.push(`${entry.name} ${info.size} ${info.mtime?.getTime()} ${hex}`);
  }
  return files.sort();
}

Deno.test({
  name: "a second run on a store in use is refused, naming the holder, and touches nothing",
  ignore: !LINUX,
  async fn() {
    const ref = reference("tiny_slow"); // computed meanwhile, in this process
    ref.catch(() => {}); // awaited below; a failure before that must not become unhandled
    const dir = await tempDir();
    const store = storeIn(dir);
    const tag = crypto.randomUUID();
    const a = start([...STUDY_RUN, SLOW, "--out", dir, "--workers", "1"], { [TAG]: tag });
    try {
      await waitFor("run A stored something", () => storedCount(store) > 0);
      // Paused, A (its runner and the worker that writes its records) holds its lock and writes
      // nothing: B's effect on the store is all there is.
      const pids = tagged(tag).map((p) => p.pid);
      assert.equal(pids.length, 2, "the runner and its worker");
      pids.forEach((pid) => Deno.kill(pid, "SIGSTOP"));
      try {
        await waitFor("run A stopped", () => pids.every(stopped));
        const before = await snapshot(dir);
        // --seed 99 is another design: --fresh would discard A's store if B got the lock.
        const refused = await Promise.all(
          [[], ["--fresh"], ["--fresh", "--seed", "99"]].map((extra) =>
            study(SLOW, "--out", dir, "--workers", "1", ...extra).done
          ),
        );
        for (const r of refused) {
          assert.equal(r.code, 1, r.stderr);
          assert.equal(r.stdout, "");
          assert.match(
            r.stderr,
            new RegExp(`^error: [^\\n]*results\\.sqlite is in use by process ${a.pid} [^\\n]*\\n$`),
          );
        }
        assert.deepEqual(await snapshot(dir), before);
      } finally {
        pids.forEach((pid) => Deno.kill(pid, "SIGCONT"));
      }
      const out = await a.done;
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stderr, /^study tiny-slow: .* 0 already stored, 300 to run$/m);
      assert.equal(storedCount(store), 300);
      const { digest } = await ref;
      assert.equal(await storeDigest(store), digest);
      // A released its lock: a third run takes it and has nothing to do.
      const again = await study(SLOW, "--out", dir).done;
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /0 workers, .* 300 already stored, 0 to run$/m);
      assert.equal(await storeDigest(store), digest);
    } finally {
      await reap(a);
      await ref.catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "kill -9 of the deno task wrapper: its writer stops, frees the store, leaves no process",
  ignore: !LINUX,
  async fn() {
    const ref = reference("tiny_slow");
    ref.catch(() => {});
    const dir = await tempDir();
    const store = storeIn(dir);
    const tag = crypto.randomUUID();
    const wrapper = start(["task", "study", SLOW, "--out", dir, "--workers", "1"], { [TAG]: tag });
    try {
      await waitFor("the task stored something", () => storedCount(store) > 0);
      const writer = JSON.parse(Deno.readTextFileSync(`${store}.lock`)).pid as number;
      assert.equal(procStat(writer)?.[1], String(wrapper.pid), "the writer is the wrapper's child");
      // The tag finds the writer and its worker: what is checked below is not vacuous.
      const running = tagged(tag);
      assert.ok(running.some((p) => p.pid === writer), JSON.stringify(running));
      assert.ok(running.some((p) => p.cmdline.includes("lib/study/worker.ts")));

      wrapper.child.kill("SIGKILL");
      await waitFor("the store's lock free", () => lockFree(store), 20_000, 50);
      const stored = storedCount(store);
      await delay(1000); // a measurement, not a synchronisation: nothing may be written now
      assert.equal(storedCount(store), stored);
      assert.ok(stored > 0 && stored < 300, `${stored} stored`);
      await waitFor(
        "every process of the task ended",
        () => tagged(tag).length === 0,
        20_000,
        100,
      );
      const out = await wrapper.done;
      assert.equal(out.signal, "SIGKILL");
      assert.match(
        out.stderr,
        new RegExp(`^interrupted \\(the parent process ended\\): ${stored} of 300 replicates`, "m"),
      );

      const run = await runStudy(studyUrl("tiny_slow"), { outDir: dir, workers: 2 });
      assert.deepEqual([run.alreadyStored, run.done], [stored, 300 - stored]);
      assert.equal(await storeDigest(store), (await ref).digest);
    } finally {
      for (const p of tagged(tag)) {
        try {
          Deno.kill(p.pid, "SIGKILL");
        } catch { /* gone */ }
      }
      await reap(wrapper);
      await ref.catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "--target-mcse interrupted in round 2 resumes to the uninterrupted run's store",
  ignore: !LINUX,
  async fn() {
    const args = (dir: string) =>
      [TARGET_SLOW, "--out", dir, "--target-mcse", "0.06", "--workers", "2"] as const;
    const whole = await tempDir(), cut = await tempDir();
    const uninterrupted = study(...args(whole));
    const first = study(...args(cut));
    let resumed: Started | null = null;
    try {
      await waitFor(
        "round 1 done",
        () => /^target MCSE 0\.06: round 1, 12 reps, .* -> 100 reps$/m.test(first.stderr()),
      );
      // Round 1 stored 24 replicates: one more is round 2 under way.
      await waitFor("round 2 stored something", () => storedCount(storeIn(cut)) > 24, 30_000, 10);
      first.child.kill("SIGINT");
      const stopped = await first.done;
      assert.equal(stopped.code, 130, stopped.stderr);
      const m = stopped.stderr.match(
        /^interrupted \(SIGINT\): (\d+) of 200 replicates stored; rerun the same command/m,
      );
      assert.ok(m, stopped.stderr);
      const stored = Number(m[1]);
      assert.ok(stored > 24 && stored < 200, `${stored} stored`);
      assert.equal(storedCount(storeIn(cut)), stored);

      resumed = study(...args(cut));
      const rest = await resumed.done;
      assert.equal(rest.code, 0, rest.stderr);
      // The search resumes at its recorded round 2, with what round 2 had stored.
      assert.match(
        rest.stderr,
        new RegExp(
          `^study tiny-target-slow: 2 conditions x 100 reps, .* ${stored} already stored, ` +
            `${200 - stored} to run$`,
          "m",
        ),
      );
      assert.doesNotMatch(rest.stderr, /round 1/);

      const all = await uninterrupted.done;
      assert.equal(all.code, 0, all.stderr);
      const lastRound = (stderr: string) =>
        stderr.split("\n").filter((l) => l.startsWith("target MCSE")).at(-1);
      assert.match(lastRound(all.stderr) ?? "", /: round 2, 100 reps, .*: target met$/);
      assert.equal(lastRound(rest.stderr), lastRound(all.stderr));
      assert.equal(rest.stdout, all.stdout);
      assert.equal(await storeDigest(storeIn(cut)), await storeDigest(storeIn(whole)));
    } finally {
      await Promise.all([uninterrupted, first, resumed].map((p) => p && reap(p)));
      for (const dir of [whole, cut]) await Deno.remove(dir, { recursive: true });
    }
  },
});
