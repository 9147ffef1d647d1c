/**
 * Shards: a deterministic slice of a study's replicates, so that n machines
 * (a SLURM array, a Kubernetes indexed Job) each run one slice and `merge`
 * combines them into the store a single run would have written.
 *
 * @module
 */

import { parseShard, type Shard } from "../store/shard_slice.ts";

export { inShard, parseShard, type ReplicatePlace, type Shard } from "../store/shard_slice.ts";

/**
 * The shard named by the environment of a job array, if any:
 * SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT (and SLURM_ARRAY_TASK_MIN,
 * default 0, so arrays may start at 0 or 1), or Kubernetes'
 * JOB_COMPLETION_INDEX (0-based) with VCSIM_SHARD_COUNT, since an indexed
 * Job does not expose its completion count to the pod.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { shardFromEnvironment } from "./shard.ts";
 * const env = { SLURM_ARRAY_TASK_ID: "1", SLURM_ARRAY_TASK_COUNT: "4", SLURM_ARRAY_TASK_MIN: "1" };
 * assert.deepEqual(shardFromEnvironment((k) => env[k as keyof typeof env]), { index: 1, count: 4 });
 * ```
 */
export function shardFromEnvironment(get: (name: string) => string | undefined): Shard | null {
  const int = (name: string): number | null => {
    const v = get(name);
    if (v === undefined || v === "") return null;
    if (!/^\d+$/.test(v)) throw new RangeError(`${name}="${v}" is not a non-negative integer`);
    return Number(v);
  };
  const slurmId = int("SLURM_ARRAY_TASK_ID");
  if (slurmId !== null) {
    const count = int("SLURM_ARRAY_TASK_COUNT");
    if (count === null) {
      throw new RangeError("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not");
    }
    return parseShard(`${slurmId - (int("SLURM_ARRAY_TASK_MIN") ?? 0) + 1}/${count}`);
  }
  const k8s = int("JOB_COMPLETION_INDEX");
  if (k8s !== null) {
    const count = int("VCSIM_SHARD_COUNT");
    if (count === null) {
      throw new RangeError(
        "JOB_COMPLETION_INDEX is set: also set VCSIM_SHARD_COUNT to the Job's completions",
      );
    }
    return parseShard(`${k8s + 1}/${count}`);
  }
  return null;
}
