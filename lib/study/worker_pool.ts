/**
 * The worker pool: feeds a study's replicates to worker processes (see
 * worker.ts) in chunks and turns every way study code can take a worker
 * down into a failed record of exactly the replicate that did it. Worker
 * processes, not threads: a thread busy in study code cannot be stopped,
 * a process can always be killed.
 *
 * With a store (`PoolOptions.store`), the workers write their records into
 * it themselves and say only which replicate they finished and how many are
 * stored; a replicate finished but not yet stored when its worker dies is
 * rerun unless the store already holds it. Without one, every record is
 * handed to `onRecord`.
 *
 * Blame needs evidence, never timing. A dead worker's output is read to
 * its end first, so every record it wrote counts and its first unreturned
 * replicate is the one it was running. Then:
 * - a worker that announces its death (`Deno.exit`, `close()`) names the
 *   replicate it was running: that one is failed;
 * - a replicate past the time limit is failed as "timed out";
 * - a worker that dies without a word (its heap limit, a crash) or passes its
 *   memory cap gives no sure culprit: every replicate it held is rerun alone,
 *   one at a time, in a fresh worker, while no other worker runs; one that
 *   takes that worker down too is failed.
 *
 * @module
 */

import type { ReplicateRecord } from "../store/records.ts";
import { conditionKey } from "./design_grid.ts";
import { failedReplicate } from "./_failure.ts";
import { type FromWorker, type LostTask, type ToWorker, type WorkerTask } from "./worker.ts";
import { spawnWorker, type WorkerProcess } from "./_worker_process.ts";
import { ASKS_BY_SIGNAL } from "./_method_beacon.ts";

/** Replicates a worker is sent at a time. */
export const CHUNK = 8;
/**
 * Chunks a worker holds at once: the next is queued in its input while it
 * runs one, so it never waits for this process to answer.
 */
const AHEAD = 2;

/** Options of {@linkcode runPool}. */
export interface PoolOptions {
  /** The study module's URL. */
  readonly studyUrl: string;
  /** The study seed. */
  readonly seed: number | string;
  /** Workers to run at once. */
  readonly workers: number;
  /** Per-replicate time limit in seconds. */
  readonly timeout: number;
  /** Per-worker memory limit in MiB: its JavaScript heap; its resident memory may reach twice it. */
  readonly memoryLimit: number;
  /** Programs the workers may run (the study's methods' `programs`). @default none */
  readonly programs?: readonly string[];
  /**
   * Receives every record, in completion order (with a store: only the
   * failures the pool itself records); a throw stops the pool with that error.
   */
  readonly onRecord: (record: ReplicateRecord) => void;
  /** The store the workers write their records into. @default none: records go to onRecord */
  readonly store?: PoolStore;
  /** Stops the pool: what finished was handed over, the rest is left undone. */
  readonly signal?: AbortSignal;
  /**
   * Workers say which method they run before each one, instead of only when
   * asked (SIGUSR2) after a time limit: a write per method. @default only
   * where the system has no SIGUSR2
   */
  readonly announceMethods?: boolean;
}

/**
 * Runs every task of `tasks` (consumed lazily) in a pool of workers and
 * hands each record to `options.onRecord`. Resolves true when stopped by
 * the signal, false when every task was handed over; rejects when the study
 * cannot be loaded in a worker or a record cannot be taken. Cost: a
 * process and a study module load per worker, then the replicates.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import type { ReplicateRecord } from "../store/records.ts";
 * import { resolveStudy } from "./load_study.ts";
 * import { runPool } from "./worker_pool.ts";
 * // Two replicates of one condition of the built-in one-way study, in one worker.
 * const condition = { groups: 5, icc: 0.05 };
 * const records: ReplicateRecord[] = [];
 * const stopped = await runPool([{ condition, rep: 0 }, { condition, rep: 1 }].values(), {
 *   studyUrl: resolveStudy("one-way"),
 *   seed: 3123,
 *   workers: 1,
 *   timeout: 60,
 *   memoryLimit: 512,
 *   onRecord: (record) => records.push(record),
 * });
 * assert.equal(stopped, false);
 * assert.deepEqual(records.map((r) => [r.condition, r.rep, r.status]), [
 *   ["groups=5;icc=0.05", 0, "ok"],
 *   ["groups=5;icc=0.05", 1, "ok"],
 * ]);
 * ```
 */
export function runPool(tasks: Iterator<WorkerTask>, options: PoolOptions): Promise<boolean> {
  return new Pool(tasks, options).run();
}

/** The store workers write into; see {@linkcode PoolOptions.store}. */
export interface PoolStore {
  /** Its file: each worker may write it (and SQLite's files beside it), nothing else. */
  readonly path: string;
  /** Whether the store holds a replicate, and whether as a failure (see `replicateStatus`). */
  readonly statusOf: (condition: string, rep: number) => "ok" | "failed" | null;
  /** Receives the count of replicates stored by workers since the last call, and of failures. */
  readonly onStored: (counts: { done: number; failed: number }) => void;
}

/** One worker and the tasks it holds. */
interface Slot {
  readonly worker: WorkerProcess;
  /** Tasks sent and not returned, in the order the worker runs them. */
  inFlight: WorkerTask[];
  /** With a store: tasks returned (done) and not yet stored, in order. */
  unstored: WorkerTask[];
  /** With a store: what the worker last said it had stored since it started. */
  stored: { done: number; failed: number };
  /** Chunks sent whose end (`idle`) the worker has not announced. */
  chunks: number;
  ready: boolean;
  dead: boolean;
  /** Running one suspect task alone. */
  isolated: boolean;
  /** Bumped on every record: a timeout fires only without progress. */
  progress: number;
  /**
   * The method the worker last said it was running (null: none), with the
   * task it was on then: the first in flight, since it has written every
   * earlier record. It counts only while that task is still the first.
   */
  method: { task: WorkerTask | undefined; name: string | null } | null;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Why the pool killed it: decided when its output has been read to the end. */
  killed: { reason: string; blame: "first" | "suspects" } | null;
}

const taskId = (t: { condition: WorkerTask["condition"] | string; rep: number }) =>
  `${typeof t.condition === "string" ? t.condition : conditionKey(t.condition)}:${t.rep}`;
const MIB = 1024 * 1024;
const WATCH_MS = 200;
/** How long a stopping pool waits for its workers to store what they finished. */
const DRAIN_MS = 1000;
/** How long a worker past its time limit has to say which method it is running. */
const ANSWER_MS = 5000;

class Pool {
  readonly #source: Iterator<WorkerTask>;
  readonly #o: PoolOptions;
  #exhausted = false;
  /** Tasks handed back by a worker that died of another task: rerun normally. */
  readonly #retry: WorkerTask[] = [];
  /** Tasks of a worker that died without a culprit: rerun one at a time, alone. */
  readonly #suspects: WorkerTask[] = [];
  readonly #slots = new Set<Slot>();
  readonly #parked = new Set<Slot>();
  #stopped = false;
  /** Stopping: the workers yet to say they stored what they finished. */
  #draining: Set<Slot> | null = null;
  #drainTimer: ReturnType<typeof setTimeout> | undefined;
  #watch: ReturnType<typeof setInterval> | undefined;
  #resolve!: (interrupted: boolean) => void;
  #reject!: (error: Error) => void;

  constructor(source: Iterator<WorkerTask>, options: PoolOptions) {
    this.#source = source;
    this.#o = options;
  }

  run(): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      const { signal } = this.#o;
      if (signal?.aborted) return this.#finish(true);
      signal?.addEventListener("abort", this.#onAbort, { once: true });
      this.#watch = setInterval(() => this.#checkMemory(), WATCH_MS);
      for (let i = 0; i < this.#o.workers; i++) this.#spawn();
    });
  }

  #onAbort = () => this.#drain();

  /**
   * Stops the pool on its signal: workers that store their own records are
   * first asked to store what they finished, for up to DRAIN_MS.
   */
  #drain(): void {
    const live = [...this.#slots].filter((s) => s.ready && !s.killed);
    if (!this.#o.store || live.length === 0) return this.#finish(true);
    this.#draining = new Set(live);
    for (const slot of live) slot.worker.interrupt();
    this.#drainTimer = setTimeout(() => this.#finish(true), DRAIN_MS);
  }

  /** `slot` has stored what it finished, or died: the pool stops when none is left. */
  #drained(slot: Slot): void {
    if (this.#draining?.delete(slot) && this.#draining.size === 0) this.#finish(true);
  }

  get #announces(): boolean {
    return this.#o.announceMethods ?? !ASKS_BY_SIGNAL;
  }

  #finish(value: boolean | Error): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#watch);
    clearTimeout(this.#drainTimer);
    for (const slot of this.#slots) this.#retire(slot);
    this.#o.signal?.removeEventListener("abort", this.#onAbort);
    if (value instanceof Error) this.#reject(value);
    else this.#resolve(value);
  }

  #spawn(): void {
    if (this.#stopped) return;
    const slot: Slot = {
      worker: spawnWorker({
        memoryLimit: this.#o.memoryLimit,
        programs: this.#o.programs,
        storePath: this.#o.store?.path,
        onMessage: (msg) => this.#onMessage(slot, msg),
        onEnd: (reason) => this.#ended(slot, reason),
      }),
      inFlight: [],
      unstored: [],
      stored: { done: 0, failed: 0 },
      chunks: 0,
      ready: false,
      dead: false,
      isolated: false,
      progress: 0,
      method: null,
      timer: undefined,
      killed: null,
    };
    this.#slots.add(slot);
    this.#post(slot, {
      type: "init",
      studyUrl: this.#o.studyUrl,
      seed: this.#o.seed,
      announceMethods: this.#announces,
      ...(this.#o.store ? { storePath: this.#o.store.path } : {}),
    });
  }

  #post(slot: Slot, message: ToWorker): void {
    slot.worker.send(message);
  }

  /** Stops using `slot` and kills its process. */
  #retire(slot: Slot): void {
    slot.dead = true;
    clearTimeout(slot.timer);
    this.#slots.delete(slot);
    this.#parked.delete(slot);
    slot.worker.kill();
  }

  /**
   * Kills `slot`'s process for `reason`; blame is decided once its output is
   * read. With `askFirst`, it is first asked which method it is running (its
   * watchdog thread answers even while study code hangs) and killed on the
   * answer, or without one after ANSWER_MS.
   */
  #kill(
    slot: Slot,
    reason: string,
    how: { blame: "first" | "suspects"; askFirst?: boolean },
  ): void {
    if (slot.killed) return;
    slot.killed = { reason, blame: how.blame };
    clearTimeout(slot.timer);
    if (!how.askFirst) return slot.worker.kill();
    slot.worker.ask();
    slot.timer = setTimeout(() => slot.worker.kill(), ANSWER_MS);
  }

  #onMessage(slot: Slot, msg: FromWorker): void {
    if (slot.dead || this.#stopped) return;
    // Records of a killed worker still count, and which method it runs; nothing else it says does.
    const counts = msg.type === "record" || msg.type === "done" || msg.type === "stored";
    if (slot.killed && !counts && msg.type !== "method") return;
    if (msg.type === "ready") {
      slot.ready = true;
      this.#feed(slot);
    } else if (msg.type === "method") {
      // No name: the answer to the question, saying the method was announced in a line before.
      if (msg.name !== undefined) slot.method = { task: slot.inFlight[0], name: msg.name };
      if (slot.killed) slot.worker.kill(); // the answer it was asked for
    } else if (msg.type === "record") {
      this.#returned(slot, msg.record);
      this.#take(msg.record);
    } else if (msg.type === "done") {
      const task = this.#returned(slot, msg);
      if (task) slot.unstored.push(task);
    } else if (msg.type === "stored") {
      this.#stored(slot, msg);
    } else if (msg.type === "idle") {
      slot.chunks--;
      this.#arm(slot);
      this.#feed(slot);
      this.#wakeParked();
    } else if (msg.type === "exit") this.#announcedDeath(slot, msg.reason, msg.lost);
    else if (msg.type === "fatal") this.#finish(new Error(msg.message));
  }

  /** The worker finished the task of `done`: it leaves the tasks in flight. */
  #returned(slot: Slot, done: { condition: string; rep: number }): WorkerTask | undefined {
    // Records come in the order of the tasks sent, so this is nearly always the first: one
    // key is built per record, not one per task in flight.
    const id = taskId(done), at = slot.inFlight.findIndex((t) => taskId(t) === id);
    const [task] = at >= 0 ? slot.inFlight.splice(at, 1) : [];
    slot.progress++;
    this.#arm(slot);
    return task;
  }

  /** The worker's count of stored records (since it started) rose to `now`. */
  #stored(slot: Slot, now: { done: number; failed: number }): void {
    const done = now.done - slot.stored.done, failed = now.failed - slot.stored.failed;
    slot.stored = { done: now.done, failed: now.failed };
    slot.unstored.splice(0, done);
    if (done > 0) this.#o.store?.onStored({ done, failed });
    if (this.#draining) return this.#drained(slot);
    if (slot.inFlight.length === 0 && !slot.killed) this.#feed(slot);
  }

  /**
   * The tasks a dead worker finished but did not say it stored: the ones the
   * store holds count as stored, the others are rerun first.
   */
  #recoverUnstored(slot: Slot): void {
    const store = this.#o.store;
    if (!store || slot.unstored.length === 0) return;
    const rerun: WorkerTask[] = [];
    const counts = { done: 0, failed: 0 };
    for (const task of slot.unstored) {
      const status = store.statusOf(conditionKey(task.condition), task.rep);
      if (status === null) rerun.push(task);
      else counts.done++, counts.failed += status === "failed" ? 1 : 0;
    }
    slot.unstored = [];
    this.#retry.unshift(...rerun);
    if (counts.done > 0) store.onStored(counts);
  }

  /** Hands a record over; a throw stops the pool. */
  #take(record: ReplicateRecord): boolean {
    try {
      this.#o.onRecord(record);
      return true;
    } catch (error) {
      this.#finish(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
  }

  /** The next tasks for `slot`: a suspect alone while no one else runs, else chunks. */
  #feed(slot: Slot): void {
    if (this.#stopped || this.#draining || slot.dead) return;
    if (this.#suspects.length > 0) {
      if (slot.inFlight.length > 0) return; // it reports idle when its queue is done
      const others = [...this.#slots].some((s) => s !== slot && s.inFlight.length > 0);
      if (others) {
        this.#parked.add(slot);
        return;
      }
      this.#parked.delete(slot);
      this.#send(slot, [this.#suspects.shift()!], { isolated: true });
      return;
    }
    this.#parked.delete(slot);
    while (slot.chunks < AHEAD) {
      const chunk = this.#nextChunk();
      if (chunk.length === 0) break;
      this.#send(slot, chunk, { isolated: false });
    }
    if (slot.inFlight.length > 0) return;
    // Retired only once all it finished is stored: asked now, #stored comes back here.
    if (slot.unstored.length > 0) return this.#post(slot, { type: "finish" });
    this.#retire(slot);
    if ([...this.#slots].every((s) => s.inFlight.length === 0 && s.unstored.length === 0)) {
      for (const s of this.#slots) this.#retire(s);
      this.#finish(false);
    }
  }

  /** Up to CHUNK tasks: handed-back ones first, then new ones. */
  #nextChunk(): WorkerTask[] {
    const chunk = this.#retry.splice(0, CHUNK);
    while (chunk.length < CHUNK && !this.#exhausted) {
      const next = this.#source.next();
      if (next.done) this.#exhausted = true;
      else chunk.push(next.value);
    }
    return chunk;
  }

  #send(slot: Slot, tasks: WorkerTask[], how: { isolated: boolean }): void {
    slot.inFlight.push(...tasks);
    slot.chunks++;
    slot.isolated = how.isolated;
    this.#arm(slot);
    this.#post(slot, { type: "run", tasks });
  }

  #wakeParked(): void {
    for (const slot of [...this.#parked]) this.#feed(slot);
  }

  /** (Re)starts the time limit of the replicate `slot` is on now. */
  #arm(slot: Slot): void {
    if (slot.killed) return; // what is left is its end
    clearTimeout(slot.timer);
    if (slot.inFlight.length === 0) return;
    const progress = slot.progress;
    slot.timer = setTimeout(() => {
      // A record may be queued behind this timer: look again after one turn.
      setTimeout(() => {
        if (!slot.dead && !this.#stopped && slot.progress === progress) this.#timedOut(slot);
      }, 0);
    }, this.#o.timeout * 1000);
  }

  #timedOut(slot: Slot): void {
    const reason = `timed out after ${this.#o.timeout} s`;
    this.#kill(slot, reason, { blame: "first", askFirst: !this.#announces });
  }

  /** Retires `slot`, stores `culprit` (if any) as failed with `reason`, starts a new worker. */
  #replace(slot: Slot, culprit: WorkerTask | undefined, reason: string): void {
    slot.inFlight = [];
    this.#recoverUnstored(slot);
    this.#retire(slot);
    if (culprit) {
      const key = conditionKey(culprit.condition);
      if (!this.#take(failedReplicate({ condition: key, rep: culprit.rep }, reason))) return;
    }
    this.#spawn();
    this.#wakeParked();
  }

  /** The worker said it is dying while running `lost` (null: between replicates). */
  #announcedDeath(slot: Slot, reason: string, lost: LostTask | null): void {
    if (!slot.ready) return this.#loadFailure(slot, reason);
    if (this.#draining) return this.#ended(slot, reason);
    const culprit = lost ? slot.inFlight.find((t) => taskId(t) === taskId(lost)) : undefined;
    this.#retry.unshift(...slot.inFlight.filter((t) => t !== culprit));
    this.#replace(slot, culprit, `worker died: ${reason}`);
  }

  /** The worker's output has ended (it died, or was killed): decide what it cost. */
  #ended(slot: Slot, reason: string): void {
    if (slot.dead || this.#stopped) return;
    if (this.#draining) {
      this.#recoverUnstored(slot);
      this.#retire(slot);
      return this.#drained(slot);
    }
    if (slot.killed?.blame === "first") {
      const [culprit, ...rest] = slot.inFlight;
      const method = slot.method !== null && slot.method.task === culprit ? slot.method.name : null;
      if (culprit && method !== null) {
        // A method was running: only its fit fails; the replicate reruns without it.
        const skip = { ...culprit.skip, [method]: slot.killed.reason };
        this.#retry.unshift({ ...culprit, skip }, ...rest);
        return this.#replace(slot, undefined, slot.killed.reason);
      }
      this.#retry.unshift(...rest);
      return this.#replace(slot, culprit, slot.killed.reason);
    }
    const why = slot.killed?.reason ?? reason;
    if (!slot.ready) return this.#loadFailure(slot, why);
    if (slot.isolated) return this.#replace(slot, slot.inFlight[0], `worker died: ${why}`);
    this.#suspects.push(...slot.inFlight);
    this.#replace(slot, undefined, why);
  }

  #loadFailure(slot: Slot, reason: string): void {
    // Dying while loading would die again in every replacement.
    this.#retire(slot);
    this.#finish(new Error(`a worker died while loading the study: ${reason}`));
  }

  /** A worker over its memory cap is killed; what it held is rerun alone. */
  #checkMemory(): void {
    const cap = 2 * this.#o.memoryLimit * MIB;
    for (const slot of this.#slots) {
      if (slot.killed || slot.inFlight.length === 0) continue;
      const rss = slot.worker.residentBytes();
      if (rss !== null && rss > cap) {
        this.#kill(
          slot,
          `out of memory (the worker passed ${2 * this.#o.memoryLimit} MiB)`,
          { blame: "suspects" },
        );
      }
    }
  }
}
