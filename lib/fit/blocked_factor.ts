/**
 * The blocked Cholesky factor of a random-intercept model, updated for each
 * value of the relative standard deviations theta. Two layouts share this
 * interface: a scalar one for nested chains and a dense-Schur one for
 * crossed terms (ALGORITHMS.md section 2).
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";
import { ChainFactor, isNestedChain } from "./_chain_factor.ts";
import { SchurFactor } from "./_schur_factor.ts";

/** What one evaluation of the factor at theta yields. */
export interface BlockedFactor {
  /** Which layout is in use. */
  readonly layout: "nested-chain" | "dense-schur";
  /**
   * Factors the model at `theta` (one value per sorted term, >= 0 or of
   * either sign: the criterion is even in each). Returns false when a pivot
   * is not positive (singular X or a perfect fit); never throws.
   */
  update(theta: Float64Array): boolean;
  /** log |L|^2 of the random-effects block from the last update. */
  readonly logdetL2: number;
  /** log |R_X|^2 from the last update. */
  readonly logdetRX2: number;
  /** Penalized residual sum of squares r^2 from the last update. */
  readonly r2: number;
  /** Lower Cholesky factor of the trailing [X y] block, row-major (p+1)^2. */
  readonly trailing: Float64Array;
}

/**
 * Chooses the layout for the cross-products: scalar loops when each term is
 * nested in the next (one-way, a/b, a/b/c), else a diagonal block for the
 * largest term and a dense Schur complement for the others.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { blockedFactor } from "./blocked_factor.ts";
 * const cp = crossProducts({
 *   response: "y",
 *   y: new Float64Array([1, 2, 3, 5]),
 *   X: new Float64Array([1, 1, 1, 1]),
 *   fixedNames: ["(Intercept)"],
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1]), levels: ["a", "b"] }],
 *   droppedRows: 0,
 * });
 * const f = blockedFactor(cp);
 * assert.equal(f.layout, "nested-chain");
 * assert.ok(f.update(new Float64Array([0])));
 * assert.ok(Math.abs(f.r2 - 8.75) < 1e-12); // sum of squares about the mean
 * ```
 */
export function blockedFactor(cp: CrossProducts): BlockedFactor {
  return isNestedChain(cp) ? new ChainFactor(cp) : new SchurFactor(cp);
}
