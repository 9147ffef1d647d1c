/**
 * Merges shard stores (or stores of separate runs of one design) into one
 * store whose content equals that of a single run's store.
 *
 * @module
 */

import { existsSync, rmSync } from "node:fs";
import { canonicalReplicate } from "./digest.ts";
import type { ReplicateRecord } from "./records.ts";
import { type Manifest, openStore, type ResultStore } from "./store.ts";

/** What {@linkcode mergeStores} did. */
export interface MergeResult {
  /** Replicates in the output store. */
  replicates: number;
  /** Every (condition, replicate) below the manifest's `reps` that no input holds. */
  missing: { condition: string; rep: number }[];
  /** Replicates found in more than one input with identical results (stored once). */
  duplicates: number;
}

const BATCH = 512;

/**
 * Merges the stores `inputs` into a new store at `output`. All inputs must
 * have the same configuration hash. A replicate held by several inputs must
 * have identical results in each (timings aside); it is stored once. The
 * output manifest is the first input's, with `shard` null, the largest
 * `reps` and the runs of all inputs. On error the output is removed.
 */
export function mergeStores(inputs: readonly string[], output: string): MergeResult {
  if (inputs.length === 0) throw new Error("mergeStores: no input stores given");
  if (existsSync(output)) throw new Error(`refusing to overwrite ${output}: it already exists`);
  for (const input of inputs) {
    if (!existsSync(input)) throw new Error(`cannot merge ${input}: no such store`);
  }
  const sources: ResultStore[] = [];
  let out: ResultStore | null = null;
  try {
    const manifests: Manifest[] = [];
    for (const input of inputs) {
      const store = openStore(input);
      sources.push(store);
      const manifest = store.readManifest();
      if (!manifest) throw new Error(`cannot merge ${input}: it has no manifest`);
      if (manifests.length > 0 && manifest.configHash !== manifests[0].configHash) {
        throw new Error(
          `cannot merge ${inputs[0]} (configuration hash ${manifests[0].configHash}) with ` +
            `${input} (configuration hash ${manifest.configHash}): they hold different designs`,
        );
      }
      manifests.push(manifest);
    }

    out = openStore(output);
    const runs = manifests.flatMap((m) => Array.isArray(m.timings?.runs) ? m.timings.runs : []);
    out.writeManifest({
      ...manifests[0],
      shard: null,
      reps: Math.max(...manifests.map((m) => m.reps)),
      timings: { ...manifests[0].timings, runs },
    });
    for (const source of sources) out.registerConditions(source.conditions());

    let duplicates = 0;
    for (const source of sources) {
      // Inputs are flushed one by one, so a replicate of an earlier input is visible here.
      let batch: ReplicateRecord[] = [];
      for (const record of source.iterateReplicates()) {
        const stored = out.readReplicate(record.condition, record.rep);
        if (stored) {
          if (canonicalReplicate(stored) !== canonicalReplicate(record)) {
            throw new Error(
              `replicate ${record.rep} of condition "${record.condition}" differs between ` +
                `the inputs (seen again in ${inputs[sources.indexOf(source)]})`,
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
    }

    const reps = Math.max(...manifests.map((m) => m.reps));
    const done = out.completedReplicates();
    const missing: { condition: string; rep: number }[] = [];
    for (const { condition } of out.conditions()) {
      const have = done.get(condition);
      for (let rep = 0; rep < reps; rep++) if (!have?.has(rep)) missing.push({ condition, rep });
    }
    const result = { replicates: out.replicateCount(), missing, duplicates };
    out.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    out.close();
    out = null;
    return result;
  } catch (error) {
    if (out) {
      out.close();
      for (const suffix of ["", "-wal", "-shm"]) rmSync(output + suffix, { force: true });
    }
    throw error;
  } finally {
    for (const source of sources) source.close();
  }
}
