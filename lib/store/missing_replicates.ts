/**
 * Which replicates a store lacks: every registered condition times every
 * replicate index below its planned replicates per condition
 * ({@linkcode plannedReps}), within the store's shard when it holds one,
 * that is not stored. Merges and reports count them by this one rule.
 *
 * @module
 */

import type { Manifest, ResultStore } from "./store.ts";
import { inShard, parseShard } from "./shard_slice.ts";

/**
 * Replicates per condition a store should hold: the larger of the manifest's
 * `reps` (those stored in full when the last run ended) and
 * `timings.requestedReps` (what the latest run set out to store, recorded as
 * it starts). The second is the larger while that run is still going, or
 * when it was killed before its end; 0 without a manifest.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { plannedReps } from "./missing_replicates.ts";
 *
 * const manifest = {
 *   study: "toy", config: {}, configHash: "0", seed: 1, reps: 0, shard: null,
 *   versions: {}, createdAt: "2024-01-01T00:00:00Z", timings: { requestedReps: 50 },
 * };
 * assert.equal(plannedReps(manifest), 50);
 * assert.equal(plannedReps({ ...manifest, reps: 80 }), 80);
 * assert.equal(plannedReps(null), 0);
 * ```
 */
export function plannedReps(manifest: Manifest | null): number {
  if (!manifest) return 0;
  const requested = manifest.timings?.requestedReps;
  const asked = typeof requested === "number" && Number.isInteger(requested) && requested > 0
    ? requested
    : 0;
  return Math.max(manifest.reps, asked);
}

/** A replicate that should be stored but is not. */
export interface MissingReplicate {
  /** The condition's key. */
  condition: string;
  /** The replicate index. */
  rep: number;
}

/**
 * Every (condition, replicate) the store should hold but does not, by
 * condition position then replicate index: each registered condition times
 * each index below {@linkcode plannedReps} (none when there is no manifest)
 * that belongs to the manifest's shard (`i/n`; every index when it is null).
 * Throws a RangeError when the manifest names a shard not of that form.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openStore } from "./store.ts";
 * import { missingReplicates } from "./missing_replicates.ts";
 *
 * const store = openStore(":memory:");
 * store.writeManifest({
 *   study: "toy", config: {}, configHash: "0", seed: 1, reps: 2, shard: null,
 *   versions: {}, createdAt: "2024-01-01T00:00:00Z", timings: {},
 * });
 * store.registerConditions([{ condition: "a", params: {} }, { condition: "b", params: {} }]);
 * store.writeReplicates([
 *   { condition: "a", rep: 1, status: "error", message: "x", generateMs: 0, totalMs: 0, fits: [] },
 * ]);
 * assert.deepEqual(missingReplicates(store), [
 *   { condition: "a", rep: 0 },
 *   { condition: "b", rep: 0 },
 *   { condition: "b", rep: 1 },
 * ]);
 * // Shard 2 of 2 holds a's replicate 1 and b's replicate 0 (see `inShard`).
 * store.writeManifest({ ...store.readManifest()!, shard: "2/2" });
 * assert.deepEqual(missingReplicates(store), [{ condition: "b", rep: 0 }]);
 * store.writeManifest({ ...store.readManifest()!, shard: "3/2" });
 * assert.throws(() => missingReplicates(store), /names shard "3\/2"; expected i\/n/);
 * store.close();
 * ```
 */
export function missingReplicates(store: ResultStore): MissingReplicate[] {
  const manifest = store.readManifest();
  const reps = plannedReps(manifest);
  const shard = manifest?.shard ? manifestShard(manifest.shard) : null;
  const done = store.completedReplicates();
  const missing: MissingReplicate[] = [];
  for (const { condition, position } of store.conditions()) {
    const have = done.get(condition);
    for (let rep = 0; rep < reps; rep++) {
      if (!have?.has(rep) && inShard(shard, { position, rep })) missing.push({ condition, rep });
    }
  }
  return missing;
}

/** The shard a manifest names; a RangeError saying so when it is not of the form i/n. */
function manifestShard(text: string) {
  try {
    return parseShard(text);
  } catch {
    throw new RangeError(
      `the store's manifest names shard "${text}"; expected i/n with 1 <= i <= n`,
    );
  }
}
