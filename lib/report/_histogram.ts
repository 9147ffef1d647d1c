/**
 * Histograms of the sampling distributions in the HTML report: bins with
 * an edge at 0, so that negative estimates and the point mass at exactly 0
 * (boundary fits) are counted apart from the positive ones.
 *
 * @module
 */

import { quantile } from "./_charts.ts";

/** The shared bins of one condition's histograms: `count` bins of `width` from `start`. */
export interface Bins {
  start: number;
  width: number;
  count: number;
}

/** One method's histogram over {@linkcode Bins}, as shares of all its estimates. */
export interface Histogram {
  /** Share of the estimates in each bin (exact zeros in none). */
  shares: number[];
  /** Share exactly 0. */
  zero: number;
  /** Share below 0. */
  negative: number;
  /** Share beyond the bins (below `start` or above the last edge), not drawn. */
  beyond: number;
  mean: number;
  n: number;
}

/**
 * About `target` bins covering the 0.1% to 99.5% quantiles of every sample
 * in `samples` (each sorted ascending; the smallest and largest value when
 * within a quarter of that range of it) and `truth`, with 0 on an edge when
 * the range reaches it: the same bins for every method of a condition.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { histogramBins } from "./_histogram.ts";
 * const bins = histogramBins([[-1, 0, 0, 1, 2, 3]], { truth: 1, target: 8 });
 * assert.equal(bins.width, 0.5);
 * // An edge at 0: the bins start a whole number of widths below it.
 * assert.equal(bins.start / bins.width, Math.round(bins.start / bins.width));
 * ```
 */
export function histogramBins(
  samples: readonly number[][],
  options: { truth: number | null; target?: number },
): Bins {
  const present = samples.filter((xs) => xs.length > 0);
  const truth = options.truth ?? NaN;
  let lo = Math.min(...present.map((xs) => quantile(xs, 0.001)));
  let hi = Math.max(...present.map((xs) => quantile(xs, 0.995)));
  // The extremes themselves when they are not far out (a quarter of the range).
  const min = Math.min(...present.map((xs) => xs[0]));
  const max = Math.max(...present.map((xs) => xs[xs.length - 1]));
  const span = hi - lo;
  if (min >= lo - 0.25 * span) lo = min;
  if (max <= hi + 0.25 * span) hi = max;
  if (Number.isFinite(truth)) [lo, hi] = [Math.min(lo, truth), Math.max(hi, truth)];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { start: 0, width: 1, count: 1 };
  if (!(hi > lo)) [lo, hi] = [lo - 0.5 * Math.abs(lo || 1), hi + 0.5 * Math.abs(hi || 1)];
  const width = niceStep((hi - lo) / (options.target ?? 40));
  // Whole widths from 0, so 0 is an edge (or outside the range).
  const first = Math.floor(lo / width), last = Math.ceil(hi / width);
  const count = Math.max(1, last - first + (hi === last * width ? 1 : 0));
  return { start: first * width, width, count };
}

/**
 * The {@linkcode Histogram} of `sorted` (ascending) over `bins`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { histogram } from "./_histogram.ts";
 * const h = histogram([-0.5, 0, 0, 0.2, 0.7, 9], { start: -1, width: 0.5, count: 4 });
 * assert.deepEqual(h.shares, [0, 1 / 6, 1 / 6, 1 / 6]);
 * assert.deepEqual([h.zero, h.negative, h.beyond], [2 / 6, 1 / 6, 1 / 6]);
 * ```
 */
export function histogram(sorted: readonly number[], bins: Bins): Histogram {
  const counts = new Array<number>(bins.count).fill(0);
  let zero = 0, negative = 0, beyond = 0, sum = 0;
  for (const x of sorted) {
    sum += x;
    if (x < 0) negative++;
    if (x === 0) {
      zero++;
      continue;
    }
    const k = Math.floor((x - bins.start) / bins.width);
    if (k < 0 || k >= bins.count) beyond++;
    else counts[k]++;
  }
  const n = sorted.length;
  return {
    shares: counts.map((c) => c / n),
    zero: zero / n,
    negative: negative / n,
    beyond: beyond / n,
    mean: sum / n,
    n,
  };
}

/** The round step (1, 2, 2.5 or 5 times a power of ten) at or just above `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw * 0.999) ?? raw;
  return Number(step.toPrecision(12));
}
