/**
 * The two-level nested design of the statsmodels variance-components
 * notebook (`generate_nested`), with unbalanced and non-normal extensions.
 *
 * @module
 */

import type { Dataset } from "../data/dataset.ts";
import type { RandomStream } from "../rng/stream.ts";
import { uniformInteger } from "../rng/uniform_integer.ts";
import type { EffectOptions } from "./design_options.ts";
import {
  _checkKnownKeys,
  _checkRows,
  _count,
  _covariates,
  _dist,
  _finite,
  _range,
  _sd,
} from "./_validate.ts";
import { _assemble, _fillScaledDraws, _scaledDraws } from "./_assemble.ts";

/** Options of {@linkcode nested}; the notebook names are in {@linkcode NOTEBOOK_PARAMETER_NAMES}. */
export interface NestedOptions extends EffectOptions {
  /**
   * Number of group1 levels (notebook `n_group1`).
   *
   * @default 200
   */
  nGroup1?: number;
  /**
   * Number of group2 levels within each group1 level (notebook `n_group2`).
   * Give either this or `nGroup2Range`.
   *
   * @default 20
   */
  nGroup2?: number;
  /**
   * Rows per group1:group2 cell (notebook `n_rep`). Give either this or
   * `nRepRange`.
   *
   * @default 10
   */
  nRep?: number;
  /**
   * Unbalanced design: the number of group2 levels of each group1 level is
   * drawn uniformly from the integers in [min, max] (1 <= min <= max).
   *
   * @default undefined (every group1 level has `nGroup2`)
   */
  nGroup2Range?: readonly [number, number];
  /**
   * Unbalanced design: the number of rows of each cell is drawn uniformly
   * from the integers in [min, max] (1 <= min <= max).
   *
   * @default undefined (every cell has `nRep`)
   */
  nRepRange?: readonly [number, number];
}

const KNOWN = [
  "nGroup1",
  "nGroup2",
  "nRep",
  "nGroup2Range",
  "nRepRange",
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
 * A two-level nested data set: group2 levels within group1 levels,
 *
 *   y = intercept + u1[group1] + u2[group1:group2] + sum(slope * x) + e,
 *
 * with u1 = group1Sd * d1, u2 = group2Sd * d2, e = unexplainedSd * d3 and
 * d1, d2, d3 unit-variance draws (normal by default). Rows are ordered by
 * group1, then group2, then replicate; `group2` codes restart at 0 within
 * each group1 level, as in the notebook (so fit `(1|group1) +
 * (1|group1:group2)`, i.e. `(1|group1/group2)`). Columns: `y`, `group1`,
 * `group2` (factors labelled "0", "1", ...), then the covariates.
 *
 * Draw order, which with a {@linkcode NumpyRandomState} reproduces the
 * notebook's `generate_nested()` (group labels exactly, y to the last bit except for
 * rare 1-ulp differences from the C library's `log`; see {@linkcode NumpyRandomState}): (only if `nGroup2Range`) one
 * integer per group1 level; (only if `nRepRange`) one integer per cell;
 * then nGroup1 group1 effects, one effect per cell, one error per row (y is
 * `(u1 + u2) + e`, numpy's order of addition); then each covariate in turn
 * (one per row). The intercept is added last, and only when it is non-zero.
 *
 * Cost: O(rows) time and memory; rows + cells + nGroup1 variates.
 *
 * @throws {TypeError} for an unknown option, a non-numeric value, both
 *   `nGroup2` and `nGroup2Range` (or `nRep` and `nRepRange`), or an unknown
 *   distribution kind.
 * @throws {RangeError} for a count that is not a positive integer, a
 *   negative or non-finite SD, a bad range or df, or more than 2^31 - 1 rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { nested } from "./nested.ts";
 * import { NumpyRandomState } from "../rng/numpy_random_state.ts";
 * // The notebook: np.random.seed(3123); df = generate_nested()
 * const data = nested(new NumpyRandomState(3123));
 * assert.equal(data.nrow, 40000);
 * const y = data.columns.get("y");
 * assert.ok(y?.kind === "numeric");
 * assert.equal(y.values[0], -2.1935528410236755);
 * ```
 */
export function nested(stream: RandomStream, options: NestedOptions = {}): Dataset {
  _checkKnownKeys(options, KNOWN, "nested");
  if (options.nGroup2 !== undefined && options.nGroup2Range !== undefined) {
    throw new TypeError("nested: give either nGroup2 (n_group2) or nGroup2Range, not both");
  }
  if (options.nRep !== undefined && options.nRepRange !== undefined) {
    throw new TypeError("nested: give either nRep (n_rep) or nRepRange, not both");
  }
  const n1 = _count(options.nGroup1, "nGroup1", 200);
  const n2 = _count(options.nGroup2, "nGroup2", 20);
  const nRep = _count(options.nRep, "nRep", 10);
  const n2Range = _range(options.nGroup2Range, "nGroup2Range");
  const repRange = _range(options.nRepRange, "nRepRange");
  const sd1 = _sd(options.group1Sd, "group1Sd", 2);
  const sd2 = _sd(options.group2Sd, "group2Sd", 3);
  const sdE = _sd(options.unexplainedSd, "unexplainedSd", 4);
  const intercept = _finite(options.intercept, "intercept", 0);
  const dist1 = _dist(options.group1Dist, "group1Dist");
  const dist2 = _dist(options.group2Dist, "group2Dist");
  const distE = _dist(options.errorDist, "errorDist");
  const covariates = _covariates(options.covariates);

  // Design: group2 levels per group1 level, then rows per cell.
  const levelsPer = new Int32Array(n1);
  let maxLevels = 0;
  let cells = 0;
  for (let g = 0; g < n1; g++) {
    const k = n2Range === undefined
      ? n2
      : n2Range[0] + uniformInteger(stream, n2Range[1] - n2Range[0]);
    levelsPer[g] = k;
    if (k > maxLevels) maxLevels = k;
    cells += k;
  }
  _checkRows(cells, "nested");
  if (repRange === undefined) _checkRows(cells * nRep, "nested");
  const repsPer = new Int32Array(cells);
  let rows = 0;
  for (let c = 0; c < cells; c++) {
    const r = repRange === undefined
      ? nRep
      : repRange[0] + uniformInteger(stream, repRange[1] - repRange[0]);
    repsPer[c] = r;
    rows += r;
  }
  _checkRows(rows, "nested");

  const u1 = _scaledDraws(stream, dist1, sd1, n1);
  const u2 = _scaledDraws(stream, dist2, sd2, cells);
  // The errors, to which the effects are added in place.
  const y = _fillScaledDraws(stream, new Float64Array(rows), { spec: distE, sd: sdE });
  const group1 = new Int32Array(rows);
  const group2 = new Int32Array(rows);
  let row = 0;
  let cell = 0;
  for (let g = 0; g < n1; g++) {
    for (let j = 0; j < levelsPer[g]; j++, cell++) {
      const effect = u1[g] + u2[cell];
      for (let r = repsPer[cell]; r > 0; r--, row++) {
        y[row] = effect + y[row];
        group1[row] = g;
        group2[row] = j;
      }
    }
  }
  return _assemble(stream, {
    y,
    group1,
    nGroup1: n1,
    group2,
    nGroup2: maxLevels,
    intercept,
    covariates,
  });
}
