/**
 * Planning the number of replicates: how many a study needs for a target
 * Monte Carlo SE, from a pilot run's measures (ALGORITHMS.md section 5):
 * a proportion p needs p(1 - p)/MCSE^2, a bias Var(t)/MCSE^2 = EmpSE^2/MCSE^2.
 *
 * @module
 */

import type { MeasureRow } from "./measure_row.ts";

/** Replicates one measure needs; see {@linkcode replicatesNeeded}. */
export interface ReplicatesNeededRow {
  readonly condition: string;
  readonly method: string;
  readonly parameter: string;
  /** Interval method for coverage; null for bias. */
  readonly interval: string | null;
  /** `coverage` or `bias`. */
  readonly measure: "coverage" | "bias";
  /** The pilot value the formula uses: the coverage p, or the empirical SE for bias. */
  readonly pilot: number;
  /** The pilot's own MCSE (null when the pilot has none). */
  readonly pilotMcse: number | null;
  /** Replicates needed for the target MCSE, rounded up. */
  readonly needed: number;
}

/** What {@linkcode replicatesNeeded} returns. */
export interface ReplicatesNeeded {
  /** The target Monte Carlo SE. */
  readonly targetMcse: number;
  /** One row per coverage row and per bias row with a pilot value. */
  readonly rows: readonly ReplicatesNeededRow[];
  /** The largest `needed` over coverage rows (0 when there are none). */
  readonly maxCoverage: number;
  /** The largest `needed` over all rows (0 when there are none). */
  readonly max: number;
}

/** Rounds up, ignoring floating-point fuzz in the last digits (1900.0000000000002 is 1900). */
function ceilClean(x: number): number {
  return Math.ceil(Number(x.toPrecision(12)));
}

/**
 * Replicates needed for a target Monte Carlo SE: for each `coverage` row
 * n = p(1 - p)/targetMcse^2 with p the pilot coverage, for each `bias` row
 * n = EmpSE^2/targetMcse^2 with EmpSE from the same group's `empirical_se`
 * row. Rows whose pilot value is null are left out. A pilot coverage of 0
 * or 1 needs 0 by the formula: run a larger pilot before trusting that.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { replicatesNeeded } from "./planning.ts";
 * const row = {
 *   condition: "c", method: "REML", parameter: "group1", interval: "wald",
 *   measure: "coverage" as const, value: 0.5, mcse: 0.05,
 * };
 * // ALGORITHMS.md section 5: p = 0.5 and MCSE 0.005 need 10,000 replicates.
 * assert.equal(replicatesNeeded([row], 0.005).max, 10000);
 * ```
 */
export function replicatesNeeded(
  rows: readonly MeasureRow[],
  targetMcse: number,
): ReplicatesNeeded {
  if (!(targetMcse > 0) || !Number.isFinite(targetMcse)) {
    throw new RangeError(`the target MCSE must be a positive number, got ${targetMcse}`);
  }
  const group = (r: MeasureRow) => `${r.condition}\u0000${r.method}\u0000${r.parameter}`;
  const empSe = new Map<string, number>();
  for (const r of rows) {
    if (r.measure === "empirical_se" && r.value !== null) empSe.set(group(r), r.value);
  }
  const out: ReplicatesNeededRow[] = [];
  const t2 = targetMcse * targetMcse;
  for (const r of rows) {
    const base = {
      condition: r.condition,
      method: r.method,
      parameter: r.parameter,
      interval: r.interval,
      pilotMcse: r.mcse,
    };
    if (r.measure === "coverage" && r.value !== null) {
      const p = r.value;
      out.push({ ...base, measure: "coverage", pilot: p, needed: ceilClean(p * (1 - p) / t2) });
    } else if (r.measure === "bias" && r.value !== null) {
      const sd = empSe.get(group(r));
      if (sd === undefined) continue;
      out.push({ ...base, measure: "bias", pilot: sd, needed: ceilClean(sd * sd / t2) });
    }
  }
  const maxOf = (list: ReplicatesNeededRow[]) => list.reduce((m, r) => Math.max(m, r.needed), 0);
  return {
    targetMcse,
    rows: out,
    maxCoverage: maxOf(out.filter((r) => r.measure === "coverage")),
    max: maxOf(out),
  };
}

/** Formats {@linkcode ReplicatesNeeded} as lines of text (at most ~100 columns). */
export function formatReplicatesNeeded(plan: ReplicatesNeeded): string {
  const lines = [`replicates needed for a Monte Carlo SE of ${plan.targetMcse}:`];
  for (const r of plan.rows) {
    const what = r.measure === "coverage" ? `coverage ${r.interval}` : "bias";
    const pilot = r.measure === "coverage"
      ? `p = ${r.pilot.toFixed(4)}`
      : `EmpSE = ${Number(r.pilot.toPrecision(4))}`;
    lines.push(`  ${r.condition}  ${r.method} ${r.parameter} ${what}: ${r.needed} (${pilot})`);
  }
  lines.push(`max over coverage: ${plan.maxCoverage}; max over all: ${plan.max}`);
  return lines.join("\n") + "\n";
}
