/**
 * Step sizes for finite differences of functions of variances (or of their
 * square roots), shared by every derivative in this folder. A coordinate
 * steps in proportion to its value; one at or near 0 (a boundary fit) steps
 * on the scale of the largest coordinate instead, since an absolute floor
 * makes the step so small that rounding in f swamps the difference.
 *
 * @module
 */

import { scratchFloat64 } from "../_typed_arrays.ts";

/** The largest |x_k|, or 1 when all are 0. */
export function largestMagnitude(x: Float64Array): number {
  let scale = 0;
  for (const v of x) scale = Math.max(scale, Math.abs(v));
  return scale > 0 ? scale : 1;
}

/** h_k = relative * max(|x_k|, floorFraction * max_j |x_j|). */
export function differenceSteps(
  x: Float64Array,
  relative: number,
  floorFraction: number,
): Float64Array {
  const floor = floorFraction * largestMagnitude(x);
  const h = scratchFloat64(x.length);
  for (let k = 0; k < x.length; k++) h[k] = relative * Math.max(Math.abs(x[k]), floor);
  return h;
}
