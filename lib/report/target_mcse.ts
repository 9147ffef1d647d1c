/**
 * Sequential replicates for target Monte Carlo SEs (coverage, bias, or
 * both, each on its own scale: see {@linkcode McseTargets}): after each
 * round, the next replicate count from the planning formulas, rounded up
 * to a whole batch and capped. Deterministic: the same store gives the
 * same next count, so the same command gives the same store.
 *
 * @module
 */

import type { MeasureRow } from "./measure_row.ts";
import {
  checkTargets,
  type McseTargets,
  replicatesNeeded,
  type ReplicatesNeededRow,
} from "./planning.ts";

/** The round {@linkcode targetRound} decides after. */
export interface TargetOptions {
  /** Replicates per condition stored now. */
  current: number;
  /** The target MCSEs; a number is a coverage target (a proportion). */
  targets: McseTargets | number;
  /** Replicate counts are raised to multiples of this. @default 100 */
  batch?: number;
  /** Never ask for more replicates per condition than this. @default 100000 */
  cap?: number;
}

/** The outcome of one round; see {@linkcode targetRound}. */
export interface TargetRound {
  /**
   * Per kind targeted that has an MCSE (coverage first, then bias), the row
   * with the largest MCSE on its target's scale (`mcse`, `scale`, `target`).
   */
  readonly worst: readonly ReplicatesNeededRow[];
  /** Replicates per condition for the next round; null when done (or the cap is reached). */
  readonly next: number | null;
  /** Why there is no next round: `met`, `cap` or `no-mcse` (nothing to target); null when there is one. */
  readonly stop: "met" | "cap" | "no-mcse" | null;
}

/**
 * Decides the next round of a study run to target MCSEs (a number is a
 * coverage target, a proportion). Done when every targeted MCSE is at most
 * its target (up to rounding error, a relative 1e-9): coverage MCSEs, and bias MCSEs relative to |truth| (in
 * empirical SEs where the truth is 0). Otherwise the next count is the
 * largest replicates needed (see `replicatesNeeded`), at least one more
 * than the `current` count, rounded up to a multiple of `batch` and capped at `cap`
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
 * assert.equal(targetRound([coverage], { current: 100, targets: { coverage: 0.01 } }).next, 900);
 * assert.equal(targetRound([coverage], { current: 100, targets: 0.05 }).stop, "met");
 * ```
 */
export function targetRound(rows: readonly MeasureRow[], options: TargetOptions): TargetRound {
  const { current, targets } = options;
  const batch = options.batch ?? 100;
  const cap = options.cap ?? 100000;
  const plan = replicatesNeeded(rows, checkTargets(targets));
  const worst: ReplicatesNeededRow[] = [];
  for (const kind of ["coverage", "bias"] as const) {
    let top: ReplicatesNeededRow | null = null;
    for (const r of plan.rows) {
      if (r.measure === kind && r.mcse !== null && (top === null || r.mcse > top.mcse!)) top = r;
    }
    if (top) worst.push(top);
  }
  if (worst.length === 0) return { worst, next: null, stop: "no-mcse" };
  // Up to rounding: 1/sqrt(100) is at most 0.1 whatever the last bit of a quotient.
  if (worst.every((r) => r.mcse! <= r.target * (1 + 1e-9))) {
    return { worst, next: null, stop: "met" };
  }
  if (current >= cap) return { worst, next: null, stop: "cap" };
  const needed = Math.max(plan.max, current + 1);
  return { worst, next: Math.min(cap, Math.ceil(needed / batch) * batch), stop: null };
}
