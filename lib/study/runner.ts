/**
 * Runs a study: the replicates missing from its store, in a pool of
 * workers (see worker_pool.ts), written to the store in batched
 * transactions by the one process that holds the store's lock. Rerunning
 * resumes; a changed design is refused; a shard runs its slice only.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { availableParallelism } from "node:os";
import type { ResultStore } from "../store/store.ts";
import { acquireStoreLock } from "../store/store_lock.ts";
import { VERSION } from "../version.ts";
import type { Shard } from "./shard.ts";
import { studyConditions, type StudyDefinition, studyWarnings } from "./study.ts";
import { loadStudy } from "./load_study.ts";
import { withFactors } from "./with_factors.ts";
import type { FactorValue } from "./design_grid.ts";
import { studyConfig } from "./study_config.ts";
import { completeReps, planRun, storedReps } from "./run_plan.ts";
import { RecordWriter } from "./record_writer.ts";
import { CHUNK, runPool } from "./worker_pool.ts";
import { prepareStore, type TargetPlan } from "./_prepare_store.ts";
import { methodPlugin } from "../fit/methods/registry.ts";
import { errorText } from "./_failure.ts";

export { StoreRefusedError, type TargetPlan } from "./_prepare_store.ts";

/** Options of {@linkcode runStudy}. */
export interface RunOptions {
  /** Replicates per condition; fewer than the store holds is refused. @default the study's `reps`, or what the store holds if more */
  reps?: number;
  /** Study seed: a safe integer or a string. @default the study's `seed` */
  seed?: number | string;
  /** Worker count, at most twice the cores. @default one per core */
  workers?: number;
  /** Output directory. @default `results/<study name>` */
  outDir?: string;
  /** Run only this slice of the replicates. @default null (all) */
  shard?: Shard | null;
  /**
   * Other values for some design factors (see withFactors): a different
   * grid, hence a different design for the store. @default the study's
   */
  factors?: Readonly<Record<string, readonly FactorValue[]>>;
  /** Discard an existing store whose design differs, instead of refusing. @default false */
  fresh?: boolean;
  /** Extend a store written by another vcsim version (results may differ). @default false */
  allowVersionChange?: boolean;
  /** Per-replicate time limit in seconds. @default the study's `timeout`, else 300 */
  timeout?: number;
  /** Per-worker memory limit in MiB. @default the study's `memoryLimit`, else 2048 */
  memoryLimit?: number;
  /** A target-MCSE plan to record in the manifest, so an interrupted search resumes exactly. */
  target?: TargetPlan;
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
  /** Per-replicate time limit in seconds. */
  readonly timeout: number;
  /** Per-worker memory limit in MiB. */
  readonly memoryLimit: number;
  /** Things the user should know (a capped worker count, a version change). */
  readonly notes: readonly string[];
  /** Warnings about the study (e.g. parameters without a truth), also kept in the manifest. */
  readonly warnings: readonly string[];
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
  /** Replicates per condition the store now holds in full (the manifest's `reps`). */
  readonly reps: number;
}

/** Default per-replicate time limit, seconds. */
export const DEFAULT_TIMEOUT = 300;
/** Default per-worker memory limit, MiB. */
export const DEFAULT_MEMORY_LIMIT = 2048;

/**
 * The store path of a study's run in `outDir` (a shard gets its own file,
 * which `merge` combines with the others).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { storePath } from "./runner.ts";
 * assert.equal(storePath("results/one-way", null), "results/one-way/results.sqlite");
 * assert.equal(
 *   storePath("results/one-way", { index: 2, count: 4 }),
 *   "results/one-way/results.shard-2-of-4.sqlite",
 * );
 * ```
 */
export function storePath(outDir: string, shard: Shard | null): string {
  return join(
    outDir,
    shard ? `results.shard-${shard.index}-of-${shard.count}.sqlite` : "results.sqlite",
  );
}

/** The checked limits and worker count of a run. */
interface Limits {
  readonly workers: number;
  readonly timeout: number;
  readonly memoryLimit: number;
  readonly notes: string[];
}

function positiveNumber(value: number, what: string, options: { integer: boolean }): number {
  const ok = options.integer ? Number.isInteger(value) : Number.isFinite(value);
  if (!ok || value <= 0) {
    throw new RangeError(
      `${what} must be a positive ${options.integer ? "integer" : "number"}, got ${value}`,
    );
  }
  return value;
}

function runLimits(study: StudyDefinition, options: RunOptions): Limits {
  const notes: string[] = [];
  const cores = availableParallelism();
  let workers = positiveNumber(options.workers ?? cores, "workers", { integer: true });
  if (workers > 2 * cores) {
    notes.push(`${workers} workers capped at ${2 * cores} (twice the ${cores} cores)`);
    workers = 2 * cores;
  }
  const timeout = positiveNumber(options.timeout ?? study.timeout ?? DEFAULT_TIMEOUT, "timeout", {
    integer: false,
  });
  const memoryLimit = positiveNumber(
    options.memoryLimit ?? study.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
    "memoryLimit",
    { integer: true },
  );
  return { workers, timeout, memoryLimit, notes };
}

/** A seed kept exactly: a safe integer, a non-integer finite number, or a string. */
function checkSeed(seed: number | string): number | string {
  if (typeof seed === "string" && seed !== "") return seed;
  if (typeof seed === "number" && Number.isFinite(seed)) {
    if (Number.isInteger(seed) && !Number.isSafeInteger(seed)) {
      throw new RangeError(
        `seed ${seed} is beyond 2^53 and cannot be kept exactly: give it as a string`,
      );
    }
    return seed;
  }
  throw new TypeError(`seed must be a finite number or a non-empty string, got ${String(seed)}`);
}

/**
 * Runs every method's `check` (at once; the first rejection in method order
 * stops the run with its message) and returns the programs the methods run,
 * which the workers are allowed to start. Throws a TypeError for a program
 * that is empty or holds a comma.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { externalMethod } from "../external/external_method.ts";
 * import { loadStudy, resolveStudy } from "./load_study.ts";
 * import { prepareMethods } from "./runner.ts";
 * const study = await loadStudy(resolveStudy("one-way"));
 * assert.deepEqual(await prepareMethods(study), []); // vcsim's own methods run no program
 * const mine = {
 *   name: "mine", programs: ["Rscript"], check: () => Promise.resolve(),
 *   fit: () => ({ variances: { group1: 0.2, Residual: 0.8 } }),
 * };
 * assert.deepEqual(await prepareMethods({ ...study, methods: ["reml", mine] }), ["Rscript"]);
 * const missing = externalMethod({ name: "nope", command: "vcsim-no-such-program" });
 * await assert.rejects(
 *   prepareMethods({ ...study, methods: ["reml", missing] }),
 *   /^Error: nope is not available: vcsim-no-such-program --check failed: /,
 * );
 * ```
 */
export async function prepareMethods(study: StudyDefinition): Promise<string[]> {
  const programs = new Set<string>();
  const plugins = study.methods.map(methodPlugin);
  for (const plugin of plugins) {
    for (const p of plugin.programs ?? []) {
      if (typeof p !== "string" || p === "" || p.includes(",")) {
        throw new TypeError(
          `programs of estimation method "${plugin.name}" must be program names or paths without commas, got ${
            JSON.stringify(p)
          }`,
        );
      }
      programs.add(p);
    }
  }
  const checks = await Promise.allSettled(plugins.map((plugin) => plugin.check?.()));
  const failed = checks.find((c) => c.status === "rejected");
  if (failed) throw failed.reason;
  return [...programs];
}

/**
 * Runs the study at `studyUrl` (a module URL; see resolveStudy). Results
 * are bit-identical whatever the worker count, shard layout or number of
 * interruptions, because each replicate's stream depends only on (seed,
 * condition, replicate). Only one process may write a store: a second
 * run on the same store is refused, naming the first. Cost: the
 * replicates, spread over the workers, plus a module load per worker.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openStore } from "../store/store.ts";
 * import { resolveStudy } from "./load_study.ts";
 * import { runStudy } from "./runner.ts";
 * const outDir = Deno.makeTempDirSync();
 * // The built-in one-way study, narrowed to one condition, 2 replicates, one worker.
 * const options = { outDir, reps: 2, workers: 1, factors: { groups: [5], icc: [0.2] } };
 * const result = await runStudy(resolveStudy("one-way"), options);
 * assert.deepEqual([result.done, result.failed, result.reps], [2, 0, 2]);
 * const store = openStore(result.storePath, { readOnly: true });
 * const records = [...store.iterateReplicates()];
 * assert.equal(store.readManifest()?.reps, 2);
 * store.close();
 * assert.deepEqual(records.map((r) => [r.condition, r.rep, r.status]), [
 *   ["groups=5;icc=0.2", 0, "ok"],
 *   ["groups=5;icc=0.2", 1, "ok"],
 * ]);
 * // A rerun resumes: nothing is left to do.
 * const again = await runStudy(resolveStudy("one-way"), options);
 * assert.deepEqual([again.alreadyStored, again.done], [2, 0]);
 * Deno.removeSync(outDir, { recursive: true });
 * ```
 */
export async function runStudy(studyUrl: string, options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const loaded = await loadStudy(studyUrl);
  const study = options.factors ? withFactors(loaded, options.factors) : loaded;
  const limits = runLimits(study, options);
  const seed = checkSeed(options.seed ?? study.seed);
  if (options.reps !== undefined) positiveNumber(options.reps, "reps", { integer: true });
  // Before the store is touched: a missing program is one line, not a failed fit per replicate.
  const programs = await prepareMethods(study);
  const shard = options.shard ?? null;
  const path = storePath(options.outDir ?? join("results", study.name), shard);
  const { config, hash } = studyConfig(study, { seed, moduleUrl: studyUrl });
  const warnings = studyWarnings(study);
  const lock = acquireStoreLock(path);
  let store: ResultStore | null = null, failed = true;
  try {
    const prepared = await prepareStore(path, {
      study,
      config,
      hash,
      seed,
      shard,
      fresh: options.fresh ?? false,
      allowVersionChange: options.allowVersionChange ?? false,
      target: options.target,
      warnings,
    });
    store = prepared.store;
    limits.notes.push(...prepared.notes);
    const result = await execute(store, {
      study,
      studyUrl,
      programs,
      seed,
      shard,
      path,
      limits,
      warnings,
      options,
      started,
    });
    failed = false;
    return result;
  } finally {
    closeStore(store, { path, failed, release: () => lock.release() });
  }
}

/**
 * Closes the run's store (checkpointing its write-ahead log) and releases
 * its lock, even when closing fails. After an error, closing's own error
 * (a full disk fails the closing checkpoint as it failed the writes) does
 * not hide the first; after a successful run it is thrown, naming the store.
 */
function closeStore(
  store: ResultStore | null,
  at: { path: string; failed: boolean; release: () => void },
): void {
  try {
    store?.close();
  } catch (error) {
    if (!at.failed) {
      throw new Error(`${at.path} cannot be closed: ${errorText(error)}`, { cause: error });
    }
  } finally {
    at.release();
  }
}

/** Everything {@linkcode execute} needs. */
interface Execution {
  readonly study: StudyDefinition;
  readonly studyUrl: string;
  readonly programs: readonly string[];
  readonly seed: number | string;
  readonly shard: Shard | null;
  readonly path: string;
  readonly limits: Limits;
  readonly warnings: readonly string[];
  readonly options: RunOptions;
  readonly started: number;
}

/** Plans the run on the prepared store, runs the pool and records the run. */
async function execute(store: ResultStore, x: Execution): Promise<RunResult> {
  const conditions = studyConditions(x.study);
  const stored = store.completedReplicates();
  const held = storedReps(stored);
  const reps = x.options.reps ?? Math.max(x.study.reps, held);
  if (reps < held) {
    throw new RangeError(
      `${x.path} already holds ${held} replicates of some condition; reps ${reps} is fewer: ` +
        `ask for at least ${held}, or write to another directory`,
    );
  }
  const plan = planRun(conditions, { reps, shard: x.shard, stored });
  recordRequest(store, reps);
  // No more workers than chunks: each one costs a module load.
  const workers = plan.total === 0 ? 0 : Math.min(x.limits.workers, Math.ceil(plan.total / CHUNK));
  x.options.onStart?.({
    study: x.study.name,
    conditions: conditions.length,
    reps,
    shard: x.shard,
    workers,
    storePath: x.path,
    alreadyStored: plan.alreadyStored,
    total: plan.total,
    timeout: x.limits.timeout,
    memoryLimit: x.limits.memoryLimit,
    notes: x.limits.notes,
    warnings: x.warnings,
  });
  const progress = (c: { done: number; failed: number }): RunProgress => ({
    total: plan.total,
    ...c,
    elapsedMs: performance.now() - x.started,
  });
  // Workers store their own records (a path with a comma cannot be granted to them: then they
  // hand them here); this process's writer stores only the failures the pool records.
  const byWorkers = { done: 0, failed: 0 };
  const counts = () => ({
    done: writer.done + byWorkers.done,
    failed: writer.failed + byWorkers.failed,
  });
  const writer = new RecordWriter(store, {
    onFlush: () => x.options.onProgress?.(progress(counts())),
  });
  const workerStore = x.path.includes(",") ? undefined : {
    path: resolve(x.path),
    statusOf: (condition: string, rep: number) => store.replicateStatus(condition, rep),
    onStored: (c: { done: number; failed: number }) => {
      byWorkers.done += c.done;
      byWorkers.failed += c.failed;
      x.options.onProgress?.(progress(counts()));
    },
  };
  let interrupted = false;
  try {
    if (plan.total > 0) {
      interrupted = await runPool(plan.tasks(), {
        studyUrl: x.studyUrl,
        seed: x.seed,
        workers,
        timeout: x.limits.timeout,
        memoryLimit: x.limits.memoryLimit,
        programs: x.programs,
        onRecord: (record) => writer.accept(record),
        store: workerStore,
        signal: x.options.signal,
      });
    }
  } finally {
    // What finished is stored, even when the run stops on an error.
    writer.close();
  }
  // What is stored in full, up to what was asked (a shard's count must not exceed the study's).
  const complete = Math.min(
    reps,
    completeReps(conditions, { shard: x.shard, stored: store.completedReplicates() }),
  );
  const elapsedMs = performance.now() - x.started;
  const { done, failed } = counts();
  recordRun(store, { replicates: done, elapsedMs, workers, interrupted, reps: complete });
  return {
    storePath: x.path,
    total: plan.total,
    done,
    failed,
    elapsedMs,
    alreadyStored: plan.alreadyStored,
    interrupted,
    workers,
    reps: complete,
  };
}

/**
 * Records, before any replicate runs, the replicates per condition this run
 * sets out to store: a report of a store whose run was killed, or is still
 * going, then counts what is missing (see `plannedReps`).
 */
function recordRequest(store: ResultStore, reps: number): void {
  const timings = store.readManifest()?.timings ?? {};
  store.updateManifest({ timings: { ...timings, requestedReps: reps } });
}

/** Appends this run (with its versions) to the manifest's runs and sets its `reps`. */
function recordRun(
  store: ResultStore,
  run: {
    replicates: number;
    elapsedMs: number;
    workers: number;
    interrupted: boolean;
    reps: number;
  },
): void {
  const manifest = store.readManifest();
  const timings = { ...(manifest?.timings ?? {}) } as Record<string, unknown>;
  const runs = Array.isArray(timings.runs) ? timings.runs : [];
  const { reps, ...entry } = run;
  if (run.replicates > 0 || runs.length === 0) {
    timings.runs = [...runs, {
      ...entry,
      versions: { vcsim: VERSION, deno: Deno.version.deno, v8: Deno.version.v8 },
    }];
  }
  store.updateManifest({ timings, reps });
}
