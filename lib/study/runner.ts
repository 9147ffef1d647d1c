/**
 * Runs a study: the replicates missing from its store, in parallel Web
 * Workers, written to the store in batched transactions. Rerunning resumes;
 * a changed design is refused; a shard runs its slice only.
 *
 * @module
 */

import { join } from "node:path";
import { availableParallelism } from "node:os";
import { openStore } from "../store/mod.ts";
import type { ReplicateRecord } from "../store/records.ts";
import { VERSION } from "../version.ts";
import { conditionKey } from "./design_grid.ts";
import { inShard, type Shard } from "./shard.ts";
import { studyConditions } from "./study.ts";
import { loadStudy } from "./load_study.ts";
import { studyConfig } from "./study_config.ts";
import type { LostTask, ToWorker, WorkerTask } from "./worker.ts";

/** Options of {@linkcode runStudy}. */
export interface RunOptions {
  /** Replicates per condition. @default the study's `reps` */
  reps?: number;
  /** Study seed. @default the study's `seed` */
  seed?: number | string;
  /** Worker count. @default one per core */
  workers?: number;
  /** Output directory. @default `results/<study name>` */
  outDir?: string;
  /** Run only this slice of the replicates. @default null (all) */
  shard?: Shard | null;
  /** Discard an existing store whose design differs, instead of refusing. @default false */
  fresh?: boolean;
  /** Called once the work is known, before any replicate runs. */
  onStart?: (start: RunStart) => void;
  /** Called after every stored batch and at the end. */
  onProgress?: (progress: RunProgress) => void;
  /** Stops dispatching; what finished is stored, the rest resumes on the next run. */
  signal?: AbortSignal;
}

/** What a run is about to do; see {@linkcode RunOptions.onStart}. */
export interface RunStart {
  /** The study's name. */
  readonly study: string;
  /** Conditions of the design. */
  readonly conditions: number;
  /** Replicates per condition. */
  readonly reps: number;
  /** The shard run, or null for all replicates. */
  readonly shard: Shard | null;
  /** Workers to use (0 when nothing is left to do). */
  readonly workers: number;
  /** The store file. */
  readonly storePath: string;
  /** Replicates of this run (shard) already stored. */
  readonly alreadyStored: number;
  /** Replicates to run now. */
  readonly total: number;
}

/** Progress of a run. */
export interface RunProgress {
  /** Replicates this run has to do (missing from the store, in this shard). */
  readonly total: number;
  /** Of those, done and stored. */
  readonly done: number;
  /** Of those done, the ones stored as failed. */
  readonly failed: number;
  /** Milliseconds since the run started. */
  readonly elapsedMs: number;
}

/** What a run did. */
export interface RunResult extends RunProgress {
  /** The store file. */
  readonly storePath: string;
  /** Replicates already in the store before this run (resumed). */
  readonly alreadyStored: number;
  /** True when the run was stopped before finishing. */
  readonly interrupted: boolean;
  /** Workers used. */
  readonly workers: number;
}

const BATCH_RECORDS = 256;
const BATCH_MS = 1000;
const CHUNK = 8;

/** The store path of a study's run (a shard gets its own file). */
export function storePath(outDir: string, shard: Shard | null): string {
  return join(
    outDir,
    shard ? `results.shard-${shard.index}-of-${shard.count}.sqlite` : "results.sqlite",
  );
}

/**
 * Runs the study at `studyUrl` (a module URL; see resolveStudy). Results
 * are bit-identical whatever the worker count, shard layout or number of
 * interruptions, because each replicate's stream depends only on (seed,
 * condition, replicate).
 */
export async function runStudy(studyUrl: string, options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const study = await loadStudy(studyUrl);
  const reps = options.reps ?? study.reps;
  if (!Number.isInteger(reps) || reps < 1) {
    throw new RangeError(`--reps must be a positive integer, got ${reps}`);
  }
  const requested = options.workers ?? availableParallelism();
  if (!Number.isInteger(requested) || requested < 1) {
    throw new RangeError(`--workers must be a positive integer, got ${options.workers}`);
  }
  const seed = options.seed ?? study.seed;
  const shard = options.shard ?? null;
  const outDir = options.outDir ?? join("results", study.name);
  const path = storePath(outDir, shard);
  const { config, hash } = studyConfig(study, seed);
  const conditions = studyConditions(study);

  let store = openStore(path);
  const existing = store.readManifest();
  if (existing && existing.configHash !== hash) {
    if (!options.fresh) {
      store.close();
      throw new Error(
        `${path} holds a different design of "${existing.study}" (configuration hash ${
          existing.configHash.slice(0, 12)
        }, now ${hash.slice(0, 12)}): use --fresh to discard it, or --out for another directory`,
      );
    }
    store.close();
    await Deno.remove(path);
    for (const ext of ["-wal", "-shm"]) await Deno.remove(path + ext).catch(() => {});
    store = openStore(path);
  }
  const previous = existing && existing.configHash === hash ? existing : null;
  store.writeManifest({
    study: study.name,
    config,
    configHash: hash,
    seed,
    reps: Math.max(reps, previous?.reps ?? 0),
    shard: shard ? `${shard.index}/${shard.count}` : null,
    versions: {
      vcsim: VERSION,
      deno: Deno.version.deno,
      v8: Deno.version.v8,
      typescript: Deno.version.typescript,
    },
    createdAt: previous?.createdAt ?? new Date().toISOString(),
    timings: previous?.timings ?? {},
    ...(study.ademp ? { ademp: { ...study.ademp } } : {}),
  });
  store.registerConditions(conditions.map((c) => ({ condition: conditionKey(c), params: c })));

  const completed = store.completedReplicates();
  let alreadyStored = 0;
  const tasks: WorkerTask[] = [];
  conditions.forEach((condition, position) => {
    const done = completed.get(conditionKey(condition));
    for (let rep = 0; rep < reps; rep++) {
      if (!inShard(shard, position, rep)) continue;
      if (done?.has(rep)) alreadyStored++;
      else tasks.push({ condition, rep });
    }
  });

  const total = tasks.length;
  // No more workers than chunks: each one costs a module load.
  const workerCount = total === 0 ? 0 : Math.min(requested, Math.ceil(total / CHUNK));
  options.onStart?.({
    study: study.name,
    conditions: conditions.length,
    reps,
    shard,
    workers: workerCount,
    storePath: path,
    alreadyStored,
    total,
  });
  let done = 0, failed = 0, pending: ReplicateRecord[] = [], lastFlush = performance.now();
  const progress = (): RunProgress => ({
    total,
    done,
    failed,
    elapsedMs: performance.now() - started,
  });
  const flush = () => {
    if (pending.length === 0) return;
    store.writeReplicates(pending);
    done += pending.length;
    failed +=
      pending.filter((r) => r.status === "error" || r.fits.some((f) => f.status === "error"))
        .length;
    pending = [];
    lastFlush = performance.now();
    options.onProgress?.(progress());
  };
  const accept = (record: ReplicateRecord) => {
    pending.push(record);
    if (pending.length >= BATCH_RECORDS || performance.now() - lastFlush > BATCH_MS) flush();
  };

  let interrupted = false;
  try {
    if (total > 0) {
      interrupted = await dispatch(studyUrl, seed, tasks, workerCount, accept, options.signal);
    }
    flush();
  } catch (error) {
    // What was stored stays stored; the next run resumes from there.
    store.close();
    throw error;
  }
  const elapsedMs = performance.now() - started;
  if (total > 0) {
    const timings = { ...(store.readManifest()?.timings ?? {}) } as Record<string, unknown>;
    const runs = Array.isArray(timings.runs) ? timings.runs : [];
    timings.runs = [...runs, { replicates: done, elapsedMs, workers: workerCount, interrupted }];
    store.updateManifest({ timings });
  }
  store.close();
  return {
    storePath: path,
    total,
    done,
    failed,
    elapsedMs,
    alreadyStored,
    interrupted,
    workers: workerCount,
  };
}

/**
 * Feeds tasks to `count` workers in chunks. A worker that dies (an uncaught
 * error, `self.close()`, `Deno.exit`) records the replicate it was on as
 * failed, hands the others it held back and is replaced. Resolves true when
 * stopped by the signal; rejects when the study cannot load or a batch
 * cannot be stored.
 */
function dispatch(
  studyUrl: string,
  seed: number | string,
  tasks: WorkerTask[],
  count: number,
  accept: (record: ReplicateRecord) => void,
  signal?: AbortSignal,
): Promise<boolean> {
  return new Promise((resolveRun, rejectRun) => {
    let next = 0, live = 0, stopped = false;
    // Tasks handed back by a worker that died before starting them.
    const retry: WorkerTask[] = [];
    const workers = new Set<Worker>();
    const finish = (value: boolean | Error) => {
      if (stopped) return;
      stopped = true;
      for (const w of workers) w.terminate();
      workers.clear();
      signal?.removeEventListener("abort", onAbort);
      if (value instanceof Error) rejectRun(value);
      else resolveRun(value);
    };
    const onAbort = () => finish(true);
    const spawn = () => {
      const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
      workers.add(worker);
      live++;
      let inFlight: WorkerTask[] = [];
      let dead = false, ready = false;
      const retire = () => {
        dead = true;
        worker.terminate();
        workers.delete(worker);
        live--;
      };
      const feed = () => {
        if (next >= tasks.length && retry.length === 0) {
          retire();
          if (live === 0) finish(false);
          return;
        }
        if (retry.length > 0) inFlight = retry.splice(0, CHUNK);
        else {
          inFlight = tasks.slice(next, next + CHUNK);
          next += inFlight.length;
        }
        worker.postMessage({ type: "run", tasks: inFlight } satisfies ToWorker);
      };
      // `lost` is the replicate it died on when the worker said (null: between
      // replicates); undefined when it died without a word, then the first
      // unreturned one is blamed, since records arrive in order.
      const died = (reason: string, lost?: LostTask | null) => {
        if (dead || stopped) return;
        if (!ready) {
          // Dying while loading would die again in every replacement.
          retire();
          finish(new Error(`a worker died while loading the study: ${reason}`));
          return;
        }
        const culprit = lost === undefined ? inFlight[0] : lost &&
          inFlight.find((t) => t.rep === lost.rep && conditionKey(t.condition) === lost.condition);
        retry.push(...inFlight.filter((t) => t !== culprit));
        inFlight = [];
        retire();
        if (culprit) {
          // Recorded as failed, with how to replay it; the rest rerun elsewhere.
          const key = conditionKey(culprit.condition);
          if (
            !store({
              condition: key,
              rep: culprit.rep,
              status: "error",
              message: `worker died: ${reason} (replay with --replay '${key}:${culprit.rep}')`,
              generateMs: 0,
              totalMs: 0,
              fits: [],
            })
          ) return;
        }
        spawn();
      };
      const store = (record: ReplicateRecord): boolean => {
        try {
          accept(record);
          return true;
        } catch (error) {
          finish(error instanceof Error ? error : new Error(String(error)));
          return false;
        }
      };
      worker.onmessage = (event) => {
        if (dead || stopped) return;
        const msg = event.data;
        if (msg.type === "ready") {
          ready = true;
          feed();
        } else if (msg.type === "idle") feed();
        else if (msg.type === "record") {
          inFlight = inFlight.filter((t) =>
            t.rep !== msg.record.rep || conditionKey(t.condition) !== msg.record.condition
          );
          store(msg.record);
        } else if (msg.type === "exit") died(msg.reason, msg.lost);
        else if (msg.type === "fatal") {
          finish(new Error(`the study could not be loaded in a worker: ${msg.message}`));
        }
      };
      worker.onerror = (event) => {
        event.preventDefault();
        died(event.message ?? "unknown error");
      };
      worker.postMessage({ type: "init", studyUrl, seed } satisfies ToWorker);
    };
    if (signal?.aborted) return finish(true);
    signal?.addEventListener("abort", onAbort, { once: true });
    for (let i = 0; i < count; i++) spawn();
  });
}
