/**
 * The columnar dataset every part of vcsim exchanges: numbers in
 * Float64Array, categories as Int32Array level codes with their labels.
 *
 * @module
 */

/** A numeric column. */
export interface NumericColumn {
  readonly kind: "numeric";
  /** One value per row; NaN marks a missing value. */
  readonly values: Float64Array;
}

/** A categorical column stored as level codes. */
export interface FactorColumn {
  readonly kind: "factor";
  /** 0-based index into `levels` for each row; -1 marks a missing value. */
  readonly codes: Int32Array;
  /** The label of each level, in code order. */
  readonly levels: readonly string[];
}

/** One column of a {@linkcode Dataset}. */
export type Column = NumericColumn | FactorColumn;

/** A table of equally long named columns, in insertion order. */
export interface Dataset {
  /** Number of rows. */
  readonly nrow: number;
  /** Columns by name; iteration order is the column order. */
  readonly columns: ReadonlyMap<string, Column>;
}
