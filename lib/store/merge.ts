/**
 * Merges shard stores (or stores of separate runs of one design) into one
 * store whose content equals that of a single run's store.
 *
 * @module
 */

import { existsSync, rmSync } from "node:fs";
import { canonicalReplicate } from "./digest.ts";
import { type MissingReplicate, missingReplicates, plannedReps } from "./missing_replicates.ts";
import type { ReplicateRecord } from "./records.ts";
import { type Manifest, openStore, type ResultStore } from "./store.ts";

/** What {@linkcode mergeStores} did. */
export interface MergeResult {
  /** Replicates in the output store. */
  replicates: number;
  /** Every (condition, replicate) below the manifest's `reps` that no input holds. */
  missing: MissingReplicate[];
  /** Replicates found in more than one input with identical results (stored once). */
  duplicates: number;
}

const BATCH = 512;

/** An input store, open read-only, with its path for messages. */
interface Source {
  path: string;
  store: ResultStore;
  manifest: Manifest;
}

/**
 * Merges the stores `inputs` into a new store at `output`. All inputs must
 * have the same configuration hash. A replicate held by several inputs must
 * have identical results in each (timings aside); it is stored once. The
 * output manifest is the first input's, with `shard` null, the largest
 * `reps` and the runs of all inputs.
 *
 * Inputs are opened read-only and checked first: one that is not a store,
 * is corrupt or has no manifest is refused by name. The output is written
 * to `<output>.tmp-<pid>` in the same directory, then renamed onto
 * `output`, so `output` appears complete or not at all: on error the
 * temporary files are removed, and a process killed midway leaves at most
 * its temporary file, which later merges ignore.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { join } from "node:path";
 * import { mergeStores, openStore } from "./mod.ts";
 *
 * const dir = Deno.makeTempDirSync();
 * for (const [i, rep] of [[0, 0], [1, 1]]) {
 *   const shard = openStore(join(dir, `shard${i}.sqlite`));
 *   shard.writeManifest({
 *     study: "toy", config: {}, configHash: "0", seed: 1, reps: 3, shard: `${i}/2`,
 *     versions: {}, createdAt: "2024-01-01T00:00:00Z", timings: {},
 *   });
 *   shard.registerConditions([{ condition: "a", params: {} }]);
 *   shard.writeReplicates([
 *     { condition: "a", rep, status: "error", message: "x", generateMs: 0, totalMs: 0, fits: [] },
 *   ]);
 *   shard.close();
 * }
 * const out = join(dir, "results.sqlite");
 * const result = mergeStores([join(dir, "shard0.sqlite"), join(dir, "shard1.sqlite")], out);
 * assert.deepEqual(result, { replicates: 2, missing: [{ condition: "a", rep: 2 }], duplicates: 0 });
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function mergeStores(inputs: readonly string[], output: string): MergeResult {
  if (inputs.length === 0) throw new RangeError("no input stores given to merge");
  if (existsSync(output)) throw new Error(`refusing to overwrite ${output}: it already exists`);
  for (const input of inputs) {
    if (!existsSync(input)) throw new Error(`cannot merge ${input}: no such store`);
  }
  const sources: Source[] = [];
  const temp = `${output}.tmp-${Deno.pid}`;
  let out: ResultStore | null = null;
  try {
    for (const input of inputs) sources.push(openSource(input, sources[0]));
    // A stray file of this name is a dead process's (pids are reused): start afresh.
    removeStoreFiles(temp);
    out = openStore(temp);
    const result = writeMerged(out, sources);
    out.close(); // checkpoints: the temporary .sqlite file alone is the whole store
    out = null;
    if (existsSync(output)) throw new Error(`refusing to overwrite ${output}: it already exists`);
    Deno.renameSync(temp, output);
    return result;
  } catch (error) {
    out?.close();
    removeStoreFiles(temp);
    throw error;
  } finally {
    for (const source of sources) source.store.close();
  }
}

/** Opens `path` read-only and checks it: intact, with a manifest of `first`'s design. */
function openSource(path: string, first: Source | undefined): Source {
  const store = openStore(path, { readOnly: true });
  try {
    const problem = integrityProblem(store, path);
    if (problem) throw new Error(`${path} is corrupt: ${problem}`);
    const manifest = store.readManifest()!;
    if (first && manifest.configHash !== first.manifest.configHash) {
      throw new Error(
        `cannot merge ${first.path} (configuration hash ${first.manifest.configHash}) with ` +
          `${path} (configuration hash ${manifest.configHash}): they hold different designs`,
      );
    }
    return { path, store, manifest };
  } catch (error) {
    store.close();
    throw error;
  }
}

/** SQLite's first complaint about the store's pages and indices, or null when intact. */
function integrityProblem(store: ResultStore, path: string): string | null {
  try {
    const rows = store.db.prepare("PRAGMA quick_check(2)").all().map((r) => String(r.quick_check));
    if (rows.length === 1 && rows[0] === "ok") return null;
    return rows.join("\n").split("\n").filter((line) => !line.startsWith("***"))[0] ?? rows[0];
  } catch (error) {
    throw new Error(`${path} is corrupt: ${error instanceof Error ? error.message : error}`, {
      cause: error,
    });
  }
}

/**
 * `requestedReps` of the merged store, when a run into any input recorded one: the most
 * replicates per condition any input plans, so that a shard killed before its end counts.
 */
function requestedRepsOf(manifests: readonly Manifest[]): { requestedReps?: number } {
  if (!manifests.some((m) => m.timings?.requestedReps !== undefined)) return {};
  return { requestedReps: Math.max(...manifests.map((m) => plannedReps(m))) };
}

/** Fills the empty store `out` from `sources` and returns what it holds. */
function writeMerged(out: ResultStore, sources: readonly Source[]): MergeResult {
  const manifests = sources.map((s) => s.manifest);
  const runs = manifests.flatMap((m) => Array.isArray(m.timings?.runs) ? m.timings.runs : []);
  out.writeManifest({
    ...manifests[0],
    shard: null,
    reps: Math.max(...manifests.map((m) => m.reps)),
    timings: { ...manifests[0].timings, runs, ...requestedRepsOf(manifests) },
  });
  for (const source of sources) out.registerConditions(source.store.conditions());
  let duplicates = 0;
  for (const source of sources) {
    try {
      duplicates += copyReplicates(source, out);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message.includes(source.path)) throw error;
      throw new Error(`cannot merge ${source.path}: ${message}`, { cause: error });
    }
  }
  return { replicates: out.replicateCount(), missing: missingReplicates(out), duplicates };
}

/** Copies the replicates of `source` that `out` lacks; returns how many it already held. */
function copyReplicates(source: Source, out: ResultStore): number {
  // Inputs are flushed one by one, so a replicate of an earlier input is visible here.
  let duplicates = 0;
  let batch: ReplicateRecord[] = [];
  for (const record of source.store.iterateReplicates()) {
    const stored = out.readReplicate(record.condition, record.rep);
    if (stored) {
      if (canonicalReplicate(stored) !== canonicalReplicate(record)) {
        throw new Error(
          `replicate ${record.rep} of condition "${record.condition}" differs between ` +
            `the inputs (seen again in ${source.path})`,
        );
      }
      duplicates++;
      continue;
    }
    batch.push(record);
    if (batch.length >= BATCH) {
      out.writeReplicates(batch);
      batch = [];
    }
  }
  out.writeReplicates(batch);
  return duplicates;
}

function removeStoreFiles(path: string): void {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
}
