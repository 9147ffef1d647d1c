/**
 * Shared last steps of the generators: covariates, intercept and the
 * Dataset itself.
 *
 * @module
 */

import type { Column, Dataset } from "../data/dataset.ts";
import type { RandomStream } from "../rng/stream.ts";
import { distributionSampler, type DistributionSpec } from "../rng/distribution.ts";
import { _fillNormal } from "../rng/_fill_normal.ts";

/** Labels "0", "1", ..., String(n - 1). */
export function _integerLevels(n: number): string[] {
  const levels = new Array<string>(n);
  for (let i = 0; i < n; i++) levels[i] = String(i);
  return levels;
}

/** `n` draws of `sd` times a unit-variance variate, in order. */
export function _scaledDraws(
  stream: RandomStream,
  spec: DistributionSpec,
  sd: number,
  n: number,
): Float64Array {
  return _fillScaledDraws(stream, new Float64Array(n), { spec, sd });
}

/**
 * `out` filled with draws of `sd` times a unit-variance variate, in order:
 * a generator draws its errors straight into y, one large array fewer.
 */
export function _fillScaledDraws(
  stream: RandomStream,
  out: Float64Array,
  draws: { spec: DistributionSpec; sd: number },
): Float64Array {
  const { spec, sd } = draws, n = out.length;
  if (spec.kind === "normal") {
    _fillNormal(stream, out, sd);
  } else {
    const draw = distributionSampler(stream, spec);
    for (let i = 0; i < n; i++) out[i] = sd * draw();
  }
  return out;
}

/**
 * Draws the covariates (each column in turn, after everything else), adds
 * `slope * x` and then the intercept to y, and builds the Dataset with
 * columns y, group1, group2 and the covariates.
 */
export function _assemble(
  stream: RandomStream,
  parts: {
    y: Float64Array;
    group1: Int32Array;
    nGroup1: number;
    group2: Int32Array;
    nGroup2: number;
    intercept: number;
    covariates: readonly { name: string; slope: number; dist: DistributionSpec }[];
  },
): Dataset {
  const { y } = parts;
  const n = y.length;
  const extra: [string, Column][] = [];
  for (const c of parts.covariates) {
    const x = _scaledDraws(stream, c.dist, 1, n);
    const slope = c.slope;
    for (let i = 0; i < n; i++) y[i] += slope * x[i];
    extra.push([c.name, { kind: "numeric", values: x }]);
  }
  if (parts.intercept !== 0) {
    const b0 = parts.intercept;
    for (let i = 0; i < n; i++) y[i] += b0;
  }
  const columns = new Map<string, Column>([
    ["y", { kind: "numeric", values: y }],
    ["group1", { kind: "factor", codes: parts.group1, levels: _integerLevels(parts.nGroup1) }],
    ["group2", { kind: "factor", codes: parts.group2, levels: _integerLevels(parts.nGroup2) }],
    ...extra,
  ]);
  return { nrow: n, columns };
}
