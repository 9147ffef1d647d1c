/**
 * Seeded random streams and variates: the seedrandom-backed default stream
 * with ziggurat normals, per-replicate stream derivation, a numpy-compatible
 * MT19937 stream, permutations, and unit-variance normal, t and skewed
 * variates.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { deriveStream, drawVariate } from "./mod.ts";
 * const s = deriveStream(1, ["condition", 0]);
 * assert.ok(Number.isFinite(drawVariate(s, { kind: "t", df: 5 })));
 * ```
 *
 * @module
 */
export type { RandomStream } from "./stream.ts";
export * from "./seedrandom_stream.ts";
export * from "./derive_stream.ts";
export * from "./numpy_random_state.ts";
export * from "./uniform_integer.ts";
export * from "./permutation.ts";
export * from "./gamma.ts";
export * from "./student_t.ts";
export * from "./standardized_chi_square.ts";
export * from "./distribution.ts";
