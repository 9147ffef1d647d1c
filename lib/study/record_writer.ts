/**
 * The runner's side of the store: records are buffered and written in
 * batched transactions, flushed when a batch is full and on a timer, so a
 * finished record waits at most about a second. A record the store refuses
 * (an invalid value, a replicate already stored) is stored as a failure in
 * its place; nothing is lost. A store that cannot take records at all (disk
 * full, I/O error) is no replicate's fault: the writer throws, storing none
 * of them as failed, and a rerun runs them again. The write-ahead log
 * is checkpointed into the `.sqlite` file after a batch once a second has
 * passed since the last checkpoint, and on close.
 *
 * @module
 */

import type { ReplicateRecord } from "../store/records.ts";
import type { ResultStore } from "../store/store.ts";
import { errorText, failedReplicate } from "./_failure.ts";

/** Options of {@linkcode RecordWriter}. */
export interface RecordWriterOptions {
  /**
   * Records per transaction: small enough that a write holds this process
   * only briefly, so workers rarely wait on a full pipe meanwhile (64 against
   * 256: nested study 6% faster, medians of 6 interleaved pairs). @default 64
   */
  batch?: number;
  /**
   * Longest wait of a finished record before it is written, in ms; null: no
   * timer, the owner calls `flush()`. @default 500
   */
  flushMs?: number | null;
  /**
   * Shortest time between checkpoints of the write-ahead log, in ms: a
   * checkpoint after every batch copies the same pages into the file again
   * and again (a third of the cost of writing the nested study's records;
   * one a second: a fifth less write time in all). @default 1000
   */
  checkpointMs?: number;
  /**
   * A record of a replicate the store already holds is left out, and counted
   * as written: for a worker process, whose store another writer may have
   * filled meanwhile (the runner before it, killed while its workers were
   * storing); a replicate's record depends only on the study, its seed and
   * its key, so both are the same. @default false: it is stored as a failure
   */
  skipStored?: boolean;
  /** Called after every written batch with the counts so far. */
  onFlush?: (counts: { done: number; failed: number }) => void;
}

const isFailure = (r: ReplicateRecord) =>
  r.status === "error" || r.fits.some((f) => f.status === "error");

/**
 * Whether the store refused a write for what its records hold: its own
 * checks throw TypeError or RangeError (a replicate already stored among
 * them), and SQLite's SQLITE_TOOBIG (18) is a value too large. Anything
 * else (SQLITE_FULL, SQLITE_IOERR, a lost file) is the store's state.
 */
function recordsAtFault(error: unknown): boolean {
  if (error instanceof TypeError || error instanceof RangeError) return true;
  const code = (error as { errcode?: unknown })?.errcode;
  return typeof code === "number" && (code & 0xff) === 18;
}

/** The error a writer throws when the store cannot take records. */
const unstorable = (error: unknown) =>
  new Error(`the records cannot be stored: ${errorText(error)}`, { cause: error });

/** Runs a write of the store, any error of which means the store cannot take records. */
function storing<T>(write: () => T): T {
  try {
    return write();
  } catch (error) {
    throw unstorable(error);
  }
}

/**
 * Buffers records for `store` and writes them in batches. Call `close()`
 * to write the rest and stop the timer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openStore } from "../store/store.ts";
 * import { RecordWriter } from "./record_writer.ts";
 * const store = openStore(":memory:");
 * const writer = new RecordWriter(store);
 * writer.accept({ condition: "n=4", rep: 0, status: "error", message: "x",
 *   generateMs: 0, totalMs: 0, fits: [] });
 * writer.close();
 * assert.deepEqual([writer.done, writer.failed, store.replicateCount()], [1, 1, 1]);
 * store.close();
 * ```
 */
export class RecordWriter {
  readonly #store: ResultStore;
  readonly #batch: number;
  readonly #onFlush?: RecordWriterOptions["onFlush"];
  readonly #timer: ReturnType<typeof setInterval> | undefined;
  readonly #checkpointMs: number;
  readonly #skipStored: boolean;
  #checkpointed = performance.now();
  /** Whether a batch was written since the last checkpoint. */
  #unCheckpointed = false;
  #pending: ReplicateRecord[] = [];
  /** Records written. */
  done = 0;
  /** Of those, the ones with a failure (the replicate or one of its fits). */
  failed = 0;

  constructor(store: ResultStore, options: RecordWriterOptions = {}) {
    this.#store = store;
    this.#batch = options.batch ?? 64;
    this.#onFlush = options.onFlush;
    this.#checkpointMs = options.checkpointMs ?? 1000;
    this.#skipStored = options.skipStored ?? false;
    if (!(this.#checkpointMs >= 0)) {
      throw new RangeError(`checkpointMs is ${this.#checkpointMs}; expected a number of ms >= 0`);
    }
    const flushMs = options.flushMs === undefined ? 500 : options.flushMs;
    if (flushMs !== null) this.#timer = setInterval(() => this.flush(), flushMs);
  }

  /** Buffers `record`, writing the batch when it is full. */
  accept(record: ReplicateRecord): void {
    this.#pending.push(record);
    if (this.#pending.length >= this.#batch) this.flush();
  }

  /** Writes what is buffered in one transaction (record by record if the batch is refused). */
  flush(): void {
    this.#write();
    if (performance.now() - this.#checkpointed >= this.#checkpointMs) this.#checkpoint();
  }

  #checkpoint(): void {
    if (!this.#unCheckpointed) return;
    storing(() => this.#store.checkpoint());
    this.#unCheckpointed = false;
    this.#checkpointed = performance.now();
  }

  #write(): void {
    if (this.#pending.length === 0) return;
    let batch = this.#pending;
    this.#pending = [];
    try {
      this.#store.writeReplicates(batch);
    } catch (e) {
      if (!recordsAtFault(e)) throw unstorable(e);
      batch = batch.map((record) => this.#writeOne(record));
    }
    this.#unCheckpointed = true;
    this.done += batch.length;
    this.failed += batch.filter(isFailure).length;
    this.#onFlush?.({ done: this.done, failed: this.failed });
  }

  /** Writes one record; one the store refuses is stored as a failure instead. */
  #writeOne(record: ReplicateRecord): ReplicateRecord {
    try {
      this.#store.writeReplicates([record]);
      return record;
    } catch (e) {
      if (!recordsAtFault(e)) throw unstorable(e);
      return storing(() => this.#inPlaceOf(record, e));
    }
  }

  /** What is stored for `record`, which the store refused with `error`. */
  #inPlaceOf(record: ReplicateRecord, error: unknown): ReplicateRecord {
    if (this.#skipStored && this.#store.replicateStatus(record.condition, record.rep) !== null) {
      return record;
    }
    const failure = failedReplicate(record, `cannot be stored: ${errorText(error)}`);
    this.#store.writeReplicates([failure]);
    return failure;
  }

  /** Writes the rest, checkpoints and stops the timer. */
  close(): void {
    clearInterval(this.#timer);
    this.#write();
    this.#checkpoint();
  }
}
