/**
 * Simulated data sets for variance-component studies: the nested and
 * crossed designs of the statsmodels variance-components notebook, with
 * unbalanced, non-normal and covariate extensions.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { nested } from "./mod.ts";
 * import { deriveStream } from "../rng/derive_stream.ts";
 * const data = nested(deriveStream(1, ["generate", "nested"]), { nGroup1: 3, nGroup2: 2, nRep: 2 });
 * assert.equal(data.nrow, 12);
 * ```
 *
 * @module
 */
export * from "./nested.ts";
export * from "./crossed.ts";
export * from "./design_options.ts";
export * from "./parameter_names.ts";
