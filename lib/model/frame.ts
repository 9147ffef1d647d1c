/**
 * The model frame: what the fitter needs from a dataset and a formula, with
 * every column resolved to numbers. Built by `modelFrame` from a formula, or
 * by hand (the array interface) for designs built in code.
 *
 * @module
 */

/** One random-intercept term: a grouping factor as observed in the data. */
export interface GroupingTerm {
  /** The term's name as written after expanding `/`, e.g. `"g1:g2"`. */
  readonly name: string;
  /** 0-based level code of every row; every code in 0..levels.length-1 occurs. */
  readonly codes: Int32Array;
  /** The label of each level, in code order. */
  readonly levels: readonly string[];
}

/** Response, fixed-effects design and grouping terms of a random-intercept model. */
export interface ModelFrame {
  /** Name of the response, for summaries. */
  readonly response: string;
  /** The response, one value per row (no missing values). */
  readonly y: Float64Array;
  /** Fixed-effects design, column-major: column j is X[j*n .. (j+1)*n). */
  readonly X: Float64Array;
  /** Names of the fixed-effects columns, e.g. `["(Intercept)", "x", "trtb"]`. */
  readonly fixedNames: readonly string[];
  /** The random-intercept terms in the order written. */
  readonly terms: readonly GroupingTerm[];
  /** Rows of the source data left out because a used column was missing. */
  readonly droppedRows: number;
}
