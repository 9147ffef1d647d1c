/**
 * The results store: replicate records persisted in SQLite, merged across
 * shards and digested to prove runs bit-identical.
 *
 * @module
 */

export type * from "./records.ts";
export * from "./store.ts";
export * from "./merge.ts";
export * from "./digest.ts";
