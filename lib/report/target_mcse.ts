/**
 * Sequential replicates for a target Monte Carlo SE of coverage: after each
 * round, the next replicate count from the planning formula, rounded up to
 * a whole batch and capped. Deterministic: the same store gives the same
 * next count, so the same command gives the same store.
 *
 * @module
 */

import type { MeasureRow } from "./measure_row.ts";
import { replicatesNeeded } from "./planning.ts";

/** Options of {@linkcode targetRound}. */
export interface TargetOptions {
  /** Replicate counts are raised to multiples of this. @default 100 */
  batch?: number;
  /** Never ask for more replicates per condition than this. @default 100000 */
  cap?: number;
}

/** The outcome of one round; see {@linkcode targetRound}. */
export interface TargetRound {
  /** The largest coverage MCSE of the rows; null when no coverage row has one. */
  readonly maxMcse: number | null;
  /** The row with the largest coverage MCSE; null when none. */
  readonly worst: MeasureRow | null;
  /** Replicates per condition for the next round; null when done (or the cap is reached). */
  readonly next: number | null;
  /** Why there is no next round: `met`, `cap` or `no-coverage`; null when there is one. */
  readonly stop: "met" | "cap" | "no-coverage" | null;
}

/**
 * Decides the next round of a study run to a target coverage MCSE. Done
 * when every coverage MCSE is at most `target`; otherwise the next count is
 * the largest p(1 - p)/target^2 over the coverage rows, at least one more
 * than `current`, rounded up to a multiple of `batch` and capped at `cap`
 * (done when `current` is already at the cap).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { targetRound } from "./target_mcse.ts";
 * const coverage = {
 *   condition: "c", method: "REML", parameter: "group1", interval: "wald",
 *   measure: "coverage" as const, value: 0.9, mcse: Math.sqrt(0.9 * 0.1 / 100),
 * };
 * // 0.9 * 0.1 / 0.01^2 = 900 replicates.
 * assert.equal(targetRound([coverage], 100, 0.01).next, 900);
 * assert.equal(targetRound([coverage], 100, 0.05).stop, "met");
 * ```
 */
export function targetRound(
  rows: readonly MeasureRow[],
  current: number,
  target: number,
  options: TargetOptions = {},
): TargetRound {
  const batch = options.batch ?? 100;
  const cap = options.cap ?? 100000;
  let worst: MeasureRow | null = null;
  for (const r of rows) {
    if (r.measure !== "coverage" || r.mcse === null) continue;
    if (worst === null || r.mcse > worst.mcse!) worst = r;
  }
  if (worst === null) return { maxMcse: null, worst, next: null, stop: "no-coverage" };
  const maxMcse = worst.mcse!;
  if (maxMcse <= target) return { maxMcse, worst, next: null, stop: "met" };
  if (current >= cap) return { maxMcse, worst, next: null, stop: "cap" };
  const needed = Math.max(replicatesNeeded(rows, target).maxCoverage, current + 1);
  const next = Math.min(cap, Math.ceil(needed / batch) * batch);
  return { maxMcse, worst, next, stop: null };
}
