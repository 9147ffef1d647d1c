/**
 * The conditions of a study: the full factorial of its factors' values,
 * optionally filtered, as SimDesign's createDesign builds them
 * (Chalmers & Adkins 2020).
 *
 * @module
 */

/** A factor value: what a design factor can take. */
export type FactorValue = number | string | boolean;

/** One condition: a value for every factor. */
export type Condition = Readonly<Record<string, FactorValue>>;

/** Options of {@linkcode designGrid}. */
export interface DesignGridOptions {
  /** Keep only the conditions for which this returns true. */
  filter?: (condition: Condition) => boolean;
}

/**
 * Every combination of the factors' values, the first factor varying
 * slowest, then filtered. Throws when a factor has no values or the filter
 * leaves nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { designGrid } from "./design_grid.ts";
 * const grid = designGrid({ groups: [5, 20], icc: [0.1, 0.5] }, { filter: (c) => c.groups !== 5 || c.icc !== 0.5 });
 * assert.deepEqual(grid, [{ groups: 5, icc: 0.1 }, { groups: 20, icc: 0.1 }, { groups: 20, icc: 0.5 }]);
 * ```
 */
export function designGrid(
  factors: Readonly<Record<string, readonly FactorValue[]>>,
  options: DesignGridOptions = {},
): Condition[] {
  let grid: Record<string, FactorValue>[] = [{}];
  for (const [name, values] of Object.entries(factors)) {
    if (!Array.isArray(values) || values.length === 0) {
      throw new RangeError(`design factor "${name}" needs at least one value`);
    }
    grid = values.flatMap((v) => grid.map((c) => ({ ...c, [name]: v })));
  }
  // Reorder so the first factor varies slowest.
  const names = Object.keys(factors);
  grid.sort((a, b) => {
    for (const n of names) {
      const ia = factors[n].indexOf(a[n]), ib = factors[n].indexOf(b[n]);
      if (ia !== ib) return ia - ib;
    }
    return 0;
  });
  const kept = options.filter ? grid.filter((c) => options.filter!(c)) : grid;
  if (kept.length === 0) throw new RangeError("the design filter leaves no condition");
  return kept;
}

/**
 * The stable text key of a condition, `name=value` pairs in factor order
 * joined by `;`: the key of its random streams and of its rows in the store.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { conditionKey } from "./design_grid.ts";
 * assert.equal(conditionKey({ groups: 5, icc: 0.1 }), "groups=5;icc=0.1");
 * ```
 */
export function conditionKey(condition: Condition): string {
  return Object.entries(condition).map(([k, v]) => `${k}=${String(v)}`).join(";");
}
