/**
 * The two-factor crossed design of the statsmodels variance-components
 * notebook (`generate_crossed`), with a balanced layout, empty cells,
 * unbalanced cells and non-normal effects.
 *
 * @module
 */

import type { Dataset } from "../data/dataset.ts";
import type { RandomStream } from "../rng/stream.ts";
import { permutation } from "../rng/permutation.ts";
import { uniformInteger } from "../rng/uniform_integer.ts";
import type { EffectOptions } from "./design_options.ts";
import {
  _checkKnownKeys,
  _checkRows,
  _count,
  _covariates,
  _dist,
  _finite,
  _fraction,
  _range,
  _sd,
} from "./_validate.ts";
import { _assemble, _fillScaledDraws, _scaledDraws } from "./_assemble.ts";

/**
 * How rows are assigned to (group1, group2) combinations:
 *
 * - `"permuted"` (the notebook's): group1 labels (each level nGroup2 * nRep
 *   times) and group2 labels (each level nGroup1 * nRep times) are shuffled
 *   by two independent random permutations, so every level has the same
 *   number of rows but cell counts are random;
 * - `"balanced"`: every (group1, group2) cell gets nRep rows (or a count
 *   from `nRepRange`, or none if chosen empty by `emptyCellFraction`).
 */
export type CrossedLayout = "permuted" | "balanced";

/** Options of {@linkcode crossed}; the notebook names are in {@linkcode NOTEBOOK_PARAMETER_NAMES}. */
export interface CrossedOptions extends EffectOptions {
  /**
   * Number of group1 levels (notebook `n_group1`).
   *
   * @default 100
   */
  nGroup1?: number;
  /**
   * Number of group2 levels (notebook `n_group2`).
   *
   * @default 100
   */
  nGroup2?: number;
  /**
   * Rows per cell on average (notebook `n_rep`): there are
   * nGroup1 * nGroup2 * nRep rows in the permuted layout.
   *
   * @default 4
   */
  nRep?: number;
  /**
   * The row layout; see {@linkcode CrossedLayout}.
   *
   * @default "permuted"
   */
  layout?: CrossedLayout;
  /**
   * Balanced layout only: each non-empty cell's row count is drawn
   * uniformly from the integers in [min, max] (1 <= min <= max) instead of
   * `nRep`.
   *
   * @default undefined
   */
  nRepRange?: readonly [number, number];
  /**
   * Balanced layout only: the fraction of the nGroup1 * nGroup2 cells left
   * empty, in [0, 1); round(fraction * cells) cells are emptied in random
   * order, skipping any cell whose removal would leave a level without rows.
   *
   * @default 0
   */
  emptyCellFraction?: number;
}

const KNOWN = [
  "nGroup1",
  "nGroup2",
  "nRep",
  "layout",
  "nRepRange",
  "emptyCellFraction",
  "group1Sd",
  "group2Sd",
  "unexplainedSd",
  "intercept",
  "group1Dist",
  "group2Dist",
  "errorDist",
  "covariates",
] as const;

/**
 * A crossed data set: every group1 level can meet every group2 level,
 *
 *   y = intercept + u1[group1] + u2[group2] + sum(slope * x) + e,
 *
 * with u1 = group1Sd * d1, u2 = group2Sd * d2, e = unexplainedSd * d3 and
 * d1, d2, d3 unit-variance draws (normal by default). Columns: `y`,
 * `group1`, `group2` (factors labelled "0", "1", ...), then the covariates.
 * Fit `(1|group1) + (1|group2)`.
 *
 * Draw order. Permuted layout, which with a {@linkcode NumpyRandomState}
 * reproduces the notebook's `generate_crossed()` (labels exactly, y up to rare 1-ulp differences): a permutation of
 * the group1 labels kron(0..nGroup1-1, ones(nGroup2 * nRep)), nGroup1
 * effects, a permutation of the group2 labels kron(0..nGroup2-1,
 * ones(nGroup1 * nRep)), nGroup2 effects, one error per row. (The notebook
 * repeats group2 labels nGroup2 * nRep times, which is only right when
 * nGroup1 = nGroup2; this builds the labels correctly for any sizes and is
 * identical when they are equal.) Balanced layout, rows in group1-major
 * cell order: (only if `emptyCellFraction` > 0) a permutation of the cells;
 * (only if `nRepRange`) one integer per non-empty cell; then nGroup1
 * effects, nGroup2 effects, one error per row. Both: then each covariate
 * in turn; the intercept is added last, only when non-zero.
 *
 * Cost: O(rows + cells) time and memory.
 *
 * @throws {TypeError} for an unknown option or layout, a non-numeric value,
 *   `nRepRange` or `emptyCellFraction` with the permuted layout, both `nRep`
 *   and `nRepRange`, or an unknown distribution kind.
 * @throws {RangeError} for a count that is not a positive integer, a
 *   negative or non-finite SD, a bad range, df or fraction, a fraction that
 *   cannot be reached while keeping every level observed, or more than
 *   2^31 - 1 rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossed } from "./crossed.ts";
 * import { seedrandomStream } from "../rng/seedrandom_stream.ts";
 * const data = crossed(seedrandomStream("x"), {
 *   nGroup1: 5,
 *   nGroup2: 4,
 *   nRep: 2,
 *   layout: "balanced",
 * });
 * assert.equal(data.nrow, 40);
 * ```
 */
export function crossed(stream: RandomStream, options: CrossedOptions = {}): Dataset {
  _checkKnownKeys(options, KNOWN, "crossed");
  const layout = options.layout ?? "permuted";
  if (layout !== "permuted" && layout !== "balanced") {
    throw new TypeError(
      `crossed: unknown layout ${JSON.stringify(layout)}; expected "permuted" or "balanced"`,
    );
  }
  if (layout === "permuted") {
    for (const key of ["nRepRange", "emptyCellFraction"] as const) {
      if (options[key] !== undefined) {
        throw new TypeError(
          `crossed: ${key} applies only to layout "balanced", not to the permuted layout`,
        );
      }
    }
  }
  if (options.nRep !== undefined && options.nRepRange !== undefined) {
    throw new TypeError("crossed: give either nRep (n_rep) or nRepRange, not both");
  }
  const n1 = _count(options.nGroup1, "nGroup1", 100);
  const n2 = _count(options.nGroup2, "nGroup2", 100);
  const nRep = _count(options.nRep, "nRep", 4);
  const repRange = _range(options.nRepRange, "nRepRange");
  const emptyFraction = _fraction(options.emptyCellFraction, "emptyCellFraction", 0);
  const sd1 = _sd(options.group1Sd, "group1Sd", 2);
  const sd2 = _sd(options.group2Sd, "group2Sd", 3);
  const sdE = _sd(options.unexplainedSd, "unexplainedSd", 4);
  const intercept = _finite(options.intercept, "intercept", 0);
  const dist1 = _dist(options.group1Dist, "group1Dist");
  const dist2 = _dist(options.group2Dist, "group2Dist");
  const distE = _dist(options.errorDist, "errorDist");
  const covariates = _covariates(options.covariates);
  _checkRows(n1 * n2, "crossed");

  let y: Float64Array;
  let group1: Int32Array;
  let group2: Int32Array;
  if (layout === "permuted") {
    const rows = n1 * n2 * nRep;
    _checkRows(rows, "crossed");
    group1 = permutation(stream, rows);
    const per1 = n2 * nRep;
    for (let i = 0; i < rows; i++) group1[i] = Math.floor(group1[i] / per1);
    const u1 = _scaledDraws(stream, dist1, sd1, n1);
    group2 = permutation(stream, rows);
    const per2 = n1 * nRep;
    for (let i = 0; i < rows; i++) group2[i] = Math.floor(group2[i] / per2);
    const u2 = _scaledDraws(stream, dist2, sd2, n2);
    // The errors, to which the effects are added in place.
    y = _fillScaledDraws(stream, new Float64Array(rows), { spec: distE, sd: sdE });
    for (let i = 0; i < rows; i++) y[i] = u1[group1[i]] + u2[group2[i]] + y[i];
  } else {
    const cells = n1 * n2;
    const reps = new Int32Array(cells).fill(nRep);
    if (emptyFraction > 0) emptyCells(stream, reps, n1, n2, Math.round(emptyFraction * cells));
    let rows = 0;
    for (let c = 0; c < cells; c++) {
      if (reps[c] === 0) continue;
      if (repRange !== undefined) {
        reps[c] = repRange[0] + uniformInteger(stream, repRange[1] - repRange[0]);
      }
      rows += reps[c];
    }
    _checkRows(rows, "crossed");
    const u1 = _scaledDraws(stream, dist1, sd1, n1);
    const u2 = _scaledDraws(stream, dist2, sd2, n2);
    y = _fillScaledDraws(stream, new Float64Array(rows), { spec: distE, sd: sdE });
    group1 = new Int32Array(rows);
    group2 = new Int32Array(rows);
    let row = 0;
    for (let i = 0, c = 0; i < n1; i++) {
      for (let j = 0; j < n2; j++, c++) {
        const effect = u1[i] + u2[j];
        for (let r = reps[c]; r > 0; r--, row++) {
          y[row] = effect + y[row];
          group1[row] = i;
          group2[row] = j;
        }
      }
    }
  }
  return _assemble(stream, {
    y,
    group1,
    nGroup1: n1,
    group2,
    nGroup2: n2,
    intercept,
    covariates,
  });
}

/**
 * Sets `count` cells of the row-major n1 x n2 grid to 0 reps, visiting cells
 * in the order of one random permutation and skipping a cell whose row or
 * column has no other non-empty cell, so every level keeps at least one row.
 */
function emptyCells(
  stream: RandomStream,
  reps: Int32Array,
  n1: number,
  n2: number,
  count: number,
): void {
  if (count === 0) return;
  const order = permutation(stream, n1 * n2);
  const left1 = new Int32Array(n1).fill(n2);
  const left2 = new Int32Array(n2).fill(n1);
  let emptied = 0;
  for (let k = 0; k < order.length && emptied < count; k++) {
    const c = order[k];
    const i = Math.floor(c / n2);
    const j = c - i * n2;
    if (left1[i] > 1 && left2[j] > 1) {
      reps[c] = 0;
      left1[i]--;
      left2[j]--;
      emptied++;
    }
  }
  if (emptied < count) {
    throw new RangeError(
      `emptyCellFraction: could empty only ${emptied} of the ${count} requested cells of a ${n1} x ${n2} grid while keeping every level observed; use a smaller fraction`,
    );
  }
}
