/**
 * The first part of a super-panel's update in the SIMD Cholesky
 * (`_simd_cholesky.ts`): for the G panels of four columns from column j0,
 * every row at or below a panel takes its sum over the columns before j0,
 * a few rows at a time across all G panels, so those rows' entries are read
 * from memory once and from cache G times. Partial sums are stored as they
 * are and taken up again in order, so each entry's sum keeps its sequence.
 *
 * @module
 */

/** The kernel's signature: see `panelKernel` in `_simd_cholesky.ts`. */
export type PanelKernel = (
  base: number,
  n: number,
  col: number,
  i0: number,
  end: number,
  finish: number,
  k0: number,
  k1: number,
) => number;

/** The arguments of {@linkcode _panelPrepass}. */
export interface PrepassArgs {
  readonly base: number;
  readonly n: number;
  readonly j0: number;
  readonly panels: number;
  readonly from: number;
  readonly to: number;
}

/** Rows per step of the prepass: 32 rows of up to 8192 columns stay within a core's cache. */
const CHUNK = 32;

/**
 * For rows from..to - 1 (multiples of 4) and panels g = 0..panels - 1 at
 * column c = j0 + 4 g: rows i >= c take A[i, c..c+3] -= sum over k < j0 of
 * A[i, k] A[c..c+3, k], with `kernel` on the matrix at byte `base`.
 */
export function _panelPrepass(
  kernel: PanelKernel,
  { base, n, j0, panels, from, to }: PrepassArgs,
): void {
  for (let i = from; i < to; i += CHUNK) {
    const end = Math.min(to, i + CHUNK);
    for (let g = 0; g < panels; g++) {
      const col = j0 + 4 * g;
      if (end > col) kernel(base, n, col, Math.max(i, col), end, 0, 0, j0);
    }
  }
}
