/**
 * Shards: a deterministic slice of a study's replicates, so that n machines
 * (a SLURM array, a Kubernetes indexed Job) each run one slice and `merge`
 * combines them into the store a single run would have written.
 *
 * @module
 */

/** Shard i of n, with i from 1 to n. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * Parses `i/n` (1 <= i <= n).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseShard } from "./shard.ts";
 * assert.deepEqual(parseShard("2/3"), { index: 2, count: 3 });
 * assert.throws(() => parseShard("4/3"), /shard "4\/3"/);
 * ```
 */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new RangeError(`shard "${text}" is not of the form i/n with 1 <= i <= n`);
  }
  return { index, count };
}

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

/** A replicate's place in a study: its condition's position in the design, and its index. */
export interface ReplicatePlace {
  /** The condition's position in the design, from 0. */
  readonly position: number;
  /** The replicate index, from 0. */
  readonly rep: number;
}

/**
 * Whether replicate `place.rep` of the condition at `place.position`
 * belongs to `shard` (every replicate when it is null): shard i of n holds
 * those with (position + rep) mod n = i - 1, so each shard gets its share
 * of every condition. Depends on neither the number of replicates nor the
 * other conditions, so raising --reps extends every shard consistently.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { inShard } from "./shard.ts";
 * const first = { index: 1, count: 3 };
 * const reps = [0, 1, 2, 3, 4, 5, 6];
 * assert.deepEqual(reps.filter((rep) => inShard(first, { position: 0, rep })), [0, 3, 6]);
 * assert.deepEqual(reps.filter((rep) => inShard(first, { position: 1, rep })), [2, 5]);
 * // Each replicate is in exactly one shard.
 * const shards = [1, 2, 3].map((index) => ({ index, count: 3 }));
 * const owners = (rep: number) => shards.filter((s) => inShard(s, { position: 4, rep })).length;
 * assert.ok(reps.every((rep) => owners(rep) === 1));
 * assert.ok(inShard(null, { position: 4, rep: 5 }));
 * ```
 */
export function inShard(shard: Shard | null, place: ReplicatePlace): boolean {
  return shard === null || (place.position + place.rep) % shard.count === shard.index - 1;
}
