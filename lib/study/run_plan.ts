/**
 * The plan of a run: which replicates of which conditions this run (or
 * shard) must do, given what its store already holds. Tasks are produced
 * lazily, so memory does not grow with the number of replicates asked for.
 *
 * @module
 */

import { type Condition, conditionKey } from "./design_grid.ts";
import type { Shard } from "./shard.ts";
import type { WorkerTask } from "./worker.ts";

/** What {@linkcode planRun} needs. */
export interface PlanOptions {
  /** Replicates per condition. */
  readonly reps: number;
  /** The shard to run, or null for all replicates. */
  readonly shard: Shard | null;
  /** The replicate indices the store holds, by condition key. */
  readonly stored: ReadonlyMap<string, ReadonlySet<number>>;
}

/** The work of one run; see {@linkcode planRun}. */
export interface RunPlan {
  /** Replicates of this run (shard) below `reps` already stored. */
  readonly alreadyStored: number;
  /** Replicates to run now. */
  readonly total: number;
  /** The replicates to run, condition by condition, in replicate order. */
  tasks(): Iterator<WorkerTask>;
}

/** The first replicate index of the shard at condition `position`, and the step. */
function shardStart(shard: Shard | null, position: number): { first: number; step: number } {
  if (!shard) return { first: 0, step: 1 };
  const c = shard.count;
  return { first: (((shard.index - 1 - position) % c) + c) % c, step: c };
}

/** How many replicates of condition `position` below `reps` the shard holds. */
function shardCount(shard: Shard | null, position: number, reps: number): number {
  const { first, step } = shardStart(shard, position);
  return first < reps ? Math.floor((reps - 1 - first) / step) + 1 : 0;
}

/**
 * Plans a run of `conditions` (in design order): the replicates below
 * `reps` in the shard that the store does not hold. Counting is
 * arithmetic and the task iterator lazy, so a huge `reps` costs nothing
 * up front.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { planRun } from "./run_plan.ts";
 * const plan = planRun([{ n: 4 }, { n: 6 }], {
 *   reps: 3, shard: null, stored: new Map([["n=4", new Set([0, 1])]]),
 * });
 * assert.deepEqual([plan.alreadyStored, plan.total], [2, 4]);
 * assert.deepEqual([...{ [Symbol.iterator]: () => plan.tasks() }].map((t) => t.rep), [2, 0, 1, 2]);
 * ```
 */
export function planRun(conditions: readonly Condition[], options: PlanOptions): RunPlan {
  const { reps, shard, stored } = options;
  let inShard = 0, alreadyStored = 0;
  conditions.forEach((condition, position) => {
    inShard += shardCount(shard, position, reps);
    const { first, step } = shardStart(shard, position);
    for (const rep of stored.get(conditionKey(condition)) ?? []) {
      if (rep < reps && rep >= first && (rep - first) % step === 0) alreadyStored++;
    }
  });
  return {
    alreadyStored,
    total: inShard - alreadyStored,
    *tasks() {
      for (const [position, condition] of conditions.entries()) {
        const done = stored.get(conditionKey(condition));
        const { first, step } = shardStart(shard, position);
        for (let rep = first; rep < reps; rep += step) {
          if (!done?.has(rep)) yield { condition, rep };
        }
      }
    },
  };
}

/**
 * The replicates per condition the store holds in full for this shard: the
 * largest N such that every condition's replicates below N (in the shard)
 * are stored. This, not what was asked, is the manifest's `reps`. O(stored
 * replicates).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { completeReps } from "./run_plan.ts";
 * const conditions = [{ n: 4 }, { n: 6 }];
 * const stored = new Map([["n=4", new Set([0, 1, 2, 3])], ["n=6", new Set([0, 2, 3])]]);
 * // n=6 lacks replicate 1.
 * assert.equal(completeReps(conditions, { shard: null, stored }), 1);
 * // Shard 2 of 2 holds replicates 1, 3, 5, ... of n=4 (5 is missing) and 0, 2, 4, ...
 * // of n=6 (4 is missing).
 * assert.equal(completeReps(conditions, { shard: { index: 2, count: 2 }, stored }), 4);
 * ```
 */
export function completeReps(
  conditions: readonly Condition[],
  options: Omit<PlanOptions, "reps">,
): number {
  let n = Infinity;
  conditions.forEach((condition, position) => {
    const done = options.stored.get(conditionKey(condition));
    const { first, step } = shardStart(options.shard, position);
    let rep = first;
    while (done?.has(rep)) rep += step;
    n = Math.min(n, rep);
  });
  return Number.isFinite(n) ? n : 0;
}

/**
 * One more than the largest replicate index stored of any condition (0
 * when none): the fewest replicates per condition a rerun may ask for.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { storedReps } from "./run_plan.ts";
 * assert.equal(storedReps(new Map([["n=4", new Set([0, 1])], ["n=6", new Set([4])]])), 5);
 * assert.equal(storedReps(new Map()), 0);
 * ```
 */
export function storedReps(stored: ReadonlyMap<string, ReadonlySet<number>>): number {
  let n = 0;
  for (const reps of stored.values()) for (const rep of reps) n = Math.max(n, rep + 1);
  return n;
}
