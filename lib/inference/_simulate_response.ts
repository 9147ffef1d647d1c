/**
 * Draws a response from a fitted random-intercept model, for parametric
 * bootstraps: y = X beta + sum_k sigma_k b_k + sigma e, with the standard
 * normal b_k of each term (level by level, terms in frame order) and then e
 * drawn from the stream in that order.
 *
 * @module
 */

import type { ModelFrame } from "../model/frame.ts";
import type { RandomStream } from "../rng/stream.ts";
import { _fillNormal } from "../rng/_fill_normal.ts";

/** The model to simulate from: variances (negative ones simulate as 0) and fixed effects. */
export interface SimulationModel {
  /** Variance of each term by name, then `Residual`. */
  readonly variances: Readonly<Record<string, number>>;
  /** Fixed-effect estimates in the frame's column order. */
  readonly fixed: readonly { readonly estimate: number }[];
}

/** Makes draws of the response of `frame` under `model`, each written into one reused array. */
export function _responseSimulator(
  frame: ModelFrame,
  model: SimulationModel,
): (stream: RandomStream) => Float64Array {
  const n = frame.y.length, p = frame.fixedNames.length;
  const mean = new Float64Array(n);
  for (let c = 0; c < p; c++) {
    const b = model.fixed[c].estimate, x = frame.X.subarray(c * n, (c + 1) * n);
    for (let r = 0; r < n; r++) mean[r] += b * x[r];
  }
  const sds = frame.terms.map((t) => Math.sqrt(Math.max(model.variances[t.name], 0)));
  const sigma = Math.sqrt(Math.max(model.variances.Residual, 0));
  const y = new Float64Array(n), errors = new Float64Array(n);
  const effects = frame.terms.map((t) => new Float64Array(t.levels.length));
  return (stream) => {
    y.set(mean);
    frame.terms.forEach((term, k) => {
      _fillNormal(stream, effects[k], sds[k]);
      for (let r = 0; r < n; r++) y[r] += effects[k][term.codes[r]];
    });
    _fillNormal(stream, errors, sigma);
    for (let r = 0; r < n; r++) y[r] += errors[r];
    return y;
  };
}
