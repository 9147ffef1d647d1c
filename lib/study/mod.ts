/**
 * Study definitions, the design grid, replicates, shards and the runner.
 *
 * @module
 */
export * from "./study.ts";
export * from "./design_grid.ts";
export * from "./replicate.ts";
export * from "./shard.ts";
export * from "./study_config.ts";
export * from "./load_study.ts";
export * from "./runner.ts";
export * from "./replay.ts";
export * from "./with_factors.ts";
export * from "./design_search.ts";
