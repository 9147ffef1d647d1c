/**
 * Which replicates a shard holds: shard i of n of a study is a fixed slice
 * of every condition's replicates, named `i/n` in the store's manifest. The
 * runner plans a shard's run by this rule and the store counts a shard's
 * missing replicates by it, so the two always agree.
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
 * import { parseShard } from "./shard_slice.ts";
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
 * import { inShard } from "./shard_slice.ts";
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
