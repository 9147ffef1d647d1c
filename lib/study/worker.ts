/**
 * The study worker: a process of its own (so the runner can kill it
 * whatever it is doing, and cap its memory), started by the worker pool.
 * It loads the study module once, then runs the replicates it is sent and
 * writes each record back as soon as it is done, so a worker that dies
 * loses only the replicate it was working on.
 *
 * Each replicate gets a macrotask turn of its own before its record is
 * written: an unhandled rejection
 * or an uncaught error that its code leaves behind surfaces in that turn
 * and fails exactly that replicate, whatever the timing. Timers it leaves
 * pending are cancelled, so nothing it started can fire during another
 * replicate.
 *
 * With a `storePath`, the worker writes its records into that store itself,
 * in batched transactions (see record_writer.ts), and tells the runner only
 * which replicate it finished (`done`) and how many of them are stored so
 * far (`stored`, counts since it started, in the order finished): the
 * records do not cross to the runner, whose process then has next to
 * nothing to do. It opens the store before it loads the study, then gives
 * up its permission to write: study code can write no file, not even the
 * store, while the open connection goes on writing.
 *
 * Protocol: JSON lines. In, on stdin: `{ type: "init", studyUrl, seed,
 * announceMethods, storePath? }`, then `{ type: "run", tasks }`, and
 * `{ type: "finish" }`: store what is finished now. Out, on stdout, each
 * line prefixed with `FRAME` of _method_beacon.ts (other stdout lines are
 * study output, passed on): `{ type: "ready" }`, `{ type: "record", record }`
 * (without a store) or `{ type: "done", condition, rep }` and
 * `{ type: "stored", done, failed }` (with one),
 * `{ type: "idle" }`, `{ type: "fatal", message }`, `{ type: "exit",
 * reason, lost }` when study code ends the process (`Deno.exit`,
 * `close()`), `lost` naming the replicate it was running, and
 * `{ type: "method", name }`: the method running (null: none), as the
 * watchdog thread's answer to SIGUSR2 (see _watchdog.ts), or before each
 * method when `announceMethods` is set (systems without SIGUSR2) or the
 * name is too long for the beacon (the answer then has no name). End of
 * stdin ends the worker.
 *
 * @module
 */

import { runReplicate } from "./replicate.ts";
import { loadStudy } from "./load_study.ts";
import type { StudyDefinition } from "./study.ts";
import { type Condition, conditionKey } from "./design_grid.ts";
import type { ReplicateRecord } from "../store/records.ts";
import { errorText, failedReplicate } from "./_failure.ts";
import { trackTimers } from "./_timers.ts";
import { createBeacon, postLine, setMethod } from "./_method_beacon.ts";
import { openStore } from "../store/store.ts";
import { RecordWriter } from "./record_writer.ts";

/** One replicate to run. */
export interface WorkerTask {
  readonly condition: Condition;
  readonly rep: number;
  /** Methods whose fit is stored as failed without running them (they timed out before). */
  readonly skip?: Readonly<Record<string, string>>;
}

/** Messages the runner sends. */
export type ToWorker =
  | {
    type: "init";
    studyUrl: string;
    seed: number | string;
    announceMethods: boolean;
    storePath?: string;
  }
  | { type: "run"; tasks: WorkerTask[] }
  | { type: "finish" };

/** The replicate a dying worker was running. */
export interface LostTask {
  readonly condition: string;
  readonly rep: number;
}

/** Messages the worker sends. */
export type FromWorker =
  | { type: "ready" }
  | { type: "fatal"; message: string }
  | { type: "record"; record: ReplicateRecord }
  | { type: "done"; condition: string; rep: number }
  | { type: "stored"; done: number; failed: number }
  | { type: "method"; name?: string | null }
  | { type: "idle" }
  | { type: "exit"; reason: string; lost: LostTask | null };

/** The method running, for the watchdog thread, and the lock on stdout it shares. */
const beacon = createBeacon();

function post(message: FromWorker): void {
  postLine(beacon, () => message);
}

/** Tells the watchdog (or, when it cannot, the runner) which method is running. */
function announce(name: string | null): void {
  if (!setMethod(beacon, name) || (state.announceMethods && name !== null)) {
    post({ type: "method", name });
  }
}

/** Worker state: the study, and the replicate being run with what escaped it. */
const state = {
  study: null as StudyDefinition | null,
  seed: 0 as number | string,
  announceMethods: false,
  current: null as WorkerTask | null,
  /** Writes the records into the store, when the runner gave one. */
  writer: null as RecordWriter | null,
  stray: null as string | null,
  exiting: false,
};
// Made when the worker starts serving: its message channel would keep any other
// process that imports this module alive.
let timers: ReturnType<typeof trackTimers>;

/** Study code ending the process: say which replicate it was running. */
function announceExit(reason: string): void {
  if (state.exiting) return;
  state.exiting = true;
  const c = state.current;
  post({ type: "exit", reason, lost: c && { condition: conditionKey(c.condition), rep: c.rep } });
}

function guard(): void {
  globalThis.addEventListener("unload", () => {
    announceExit("Deno.exit in study code");
    try {
      if (Deno.ppid === RUNNER) state.writer?.flush();
    } catch { /* the runner reruns what is not stored */ }
  });
  const scope = globalThis as unknown as { close(): void };
  const close = scope.close.bind(scope);
  scope.close = () => {
    announceExit("close() in study code");
    close();
  };
  // Errors that escape study code fail the replicate they belong to; the worker lives on.
  const escaped = (what: string) => {
    if (state.current !== null && state.stray === null) state.stray = what;
  };
  globalThis.addEventListener("error", (e) => {
    e.preventDefault();
    escaped(`uncaught error in study code: ${errorText(e.error ?? e.message)}`);
  });
  globalThis.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    escaped(`unhandled rejection in study code: ${errorText(e.reason)}`);
  });
  // Ctrl-C reaches the whole process group: the runner decides what stops, after this process
  // has stored what it finished (the runner sends SIGINT itself when it stops).
  Deno.addSignalListener("SIGINT", () => storeFinished());
  // If the runner dies (kill -9), end this process even while study code hangs; say which
  // method is running when the runner asks.
  new Worker(new URL("./_watchdog.ts", import.meta.url), { type: "module" }).postMessage(beacon);
}

async function runOne(task: WorkerTask): Promise<ReplicateRecord | null> {
  state.current = task;
  state.stray = null;
  timers.open();
  const { study, seed } = state;
  let record: ReplicateRecord;
  try {
    record = await runReplicate(study!, {
      condition: task.condition,
      rep: task.rep,
      seed,
      skip: task.skip,
      onMethod: announce,
    });
  } catch (e) {
    // runReplicate turns study errors into records; this catches the rest.
    record = failedReplicate(
      { condition: conditionKey(task.condition), rep: task.rep },
      errorText(e),
    );
  }
  // Before its record: an answer naming a method always precedes that replicate's record.
  announce(null);
  // The replicate's own turn: what its code left behind surfaces now.
  await timers.turn();
  timers.close();
  if (state.exiting) return null;
  state.current = null;
  return state.stray === null ? record : failedReplicate(record, state.stray, record);
}

/** How long a finished record waits at most before the worker stores it, in ms. */
const FLUSH_MS = 500;
/** The runner that started this process: once it is gone, nothing more is stored. */
const RUNNER = Deno.ppid;

/**
 * Opens the store the records go to; a `stored` message follows each written
 * batch. Its timer is set outside any replicate, so it is never cancelled
 * as study code's.
 */
function openWriter(path: string): RecordWriter {
  const writer = new RecordWriter(openStore(path), {
    flushMs: null,
    skipStored: true,
    onFlush: ({ done, failed }) => post({ type: "stored", done, failed }),
  });
  setInterval(() => storing(() => writer.flush()), FLUSH_MS);
  return writer;
}

/**
 * Runs a write of the writer. A store that cannot take records (disk full,
 * I/O error) ends the worker, saying why: the runner stops the run with
 * that reason, and the replicates not stored are run again by a rerun.
 * A worker whose runner is gone (killed) ends without writing: a new run may
 * have planned the store's missing replicates already (what it writes after
 * all, the new run's writer leaves out; see `skipStored`).
 */
function storing(write: () => void): void {
  if (Deno.ppid !== RUNNER) {
    state.exiting = true;
    Deno.exit(1);
  }
  try {
    write();
  } catch (e) {
    post({ type: "fatal", message: errorText(e) }); // the writer's "the records cannot be stored: ..."
    state.exiting = true;
    Deno.exit(1);
  }
}

/** Stores what is finished, and says how much is stored even when nothing was pending. */
function storeFinished(): void {
  const writer = state.writer;
  if (writer === null) return;
  storing(() => writer.flush());
  post({ type: "stored", done: writer.done, failed: writer.failed });
}

/** Hands a record over: to the store, saying it is done, or else to the runner. */
function deliver(record: ReplicateRecord): void {
  const writer = state.writer;
  if (writer === null) return post({ type: "record", record });
  post({ type: "done", condition: record.condition, rep: record.rep });
  storing(() => writer.accept(record));
}

/**
 * Opens the store at `path` for the records, before any study code runs: the
 * open connection keeps writing once the write permission is given up.
 * False (after saying why) when it cannot be opened.
 */
function opened(path: string): boolean {
  try {
    state.writer = openWriter(path);
    return true;
  } catch (e) {
    post({ type: "fatal", message: `the store could not be opened in a worker: ${errorText(e)}` });
    return false;
  }
}

async function handle(msg: ToWorker): Promise<void> {
  if (msg.type === "init") {
    if (msg.storePath !== undefined && !opened(msg.storePath)) return;
    // Study code may write no file, not even the store the worker has open.
    Deno.permissions.revokeSync({ name: "write" });
    try {
      state.study = await loadStudy(msg.studyUrl);
      state.seed = msg.seed;
      state.announceMethods = msg.announceMethods;
      post({ type: "ready" });
    } catch (e) {
      post({
        type: "fatal",
        message: `the study could not be loaded in a worker: ${errorText(e)}`,
      });
    }
    return;
  }
  if (msg.type === "finish") return storeFinished();
  for (const task of msg.tasks) {
    const record = await runOne(task);
    if (record === null) return;
    deliver(record);
  }
  post({ type: "idle" });
}

/** Reads JSON lines from stdin and handles them in order, until end of input. */
async function serve(): Promise<void> {
  timers = trackTimers();
  guard();
  let buffered = "";
  for await (const text of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    buffered += text;
    let end: number;
    while ((end = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (line.trim() !== "") await handle(JSON.parse(line) as ToWorker);
    }
  }
}

// No top-level await: the study module imports vcsim, which imports this
// module, and would wait forever for it to finish evaluating.
if (import.meta.main) {
  serve().then(() => {
    state.exiting = true; // a normal end, not study code's Deno.exit
    Deno.exit(0);
  });
}
