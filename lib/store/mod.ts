/**
 * The results store: replicate records persisted in SQLite (one writer at a
 * time, under a store lock), merged across shards and digested to prove runs
 * bit-identical.
 *
 * @module
 */

export type * from "./records.ts";
export * from "./store.ts";
export * from "./store_lock.ts";
export * from "./missing_replicates.ts";
export * from "./merge.ts";
export * from "./digest.ts";
export * from "./shard_slice.ts";
