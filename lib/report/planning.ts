/**
 * Planning the number of replicates: how many a study needs for target
 * Monte Carlo SEs, from a pilot run's measures (Morris, White & Crowther
 * 2019, section 5.3). Each kind of measure has its target on its own scale:
 *
 * - coverage: the MCSE as a proportion (0.01 is 1 percentage point); a
 *   coverage p needs p(1 - p)/MCSE^2 replicates;
 * - bias: the MCSE relative to the true value, MCSE(bias)/|truth| (0.05 is
 *   5% of the truth, the MCSE of `relative_bias`); where the truth is 0 (or
 *   differs between replicates, so relative bias is undefined), in units of
 *   the empirical SE, MCSE(bias)/EmpSE = 1/sqrt(used). A bias MCSE scales as
 *   1/sqrt(n), so n_pilot (MCSE_pilot/target)^2 replicates are needed, with
 *   n_pilot the attempted replicates: failures are provided for at the
 *   pilot's rate.
 *
 * @module
 */

import type { MeasureName, MeasureRow } from "./measure_row.ts";

/** Target Monte Carlo SEs, one per kind of measure, each on its own scale. */
export interface McseTargets {
  /** Coverage MCSE as a proportion: 0.01 is 1 percentage point. */
  readonly coverage?: number;
  /**
   * Bias MCSE relative to the true value, MCSE(bias)/|truth|: 0.05 is 5% of
   * the truth. Where the truth is 0 (or relative bias is undefined), in
   * units of the empirical SE instead: MCSE(bias)/EmpSE.
   */
  readonly bias?: number;
}

/**
 * The scale of a target and of the MCSE compared with it: `proportion`
 * (coverage), `truth` (bias MCSE / |truth|) or `empirical-se` (bias MCSE /
 * empirical SE).
 */
export type McseScale = "proportion" | "truth" | "empirical-se";

/** Replicates one measure needs; see {@linkcode replicatesNeeded}. */
export interface ReplicatesNeededRow {
  readonly condition: string;
  readonly method: string;
  readonly parameter: string;
  /** Interval method for coverage; null for bias. */
  readonly interval: string | null;
  /** `coverage` or `bias`. */
  readonly measure: "coverage" | "bias";
  /** The scale of `target` and `mcse`. */
  readonly scale: McseScale;
  /** The target MCSE of this kind of measure, on `scale`. */
  readonly target: number;
  /** The pilot value the formula uses: the coverage p, or the empirical SE for bias. */
  readonly pilot: number;
  /** The pilot's own MCSE, as measured (null when the pilot has none). */
  readonly pilotMcse: number | null;
  /** The pilot's MCSE on `scale`, as compared with `target` (null when it has none). */
  readonly mcse: number | null;
  /** Replicates per condition needed for the target MCSE, rounded up. */
  readonly needed: number;
}

/** What {@linkcode replicatesNeeded} returns. */
export interface ReplicatesNeeded {
  /** The targets, as given (a number is `{ coverage: number }`). */
  readonly targets: McseTargets;
  /** One row per coverage row and per bias row with a pilot value, for the kinds targeted. */
  readonly rows: readonly ReplicatesNeededRow[];
  /** The largest `needed` over coverage rows (0 when there are none). */
  readonly maxCoverage: number;
  /** The largest `needed` over bias rows (0 when there are none). */
  readonly maxBias: number;
  /** The largest `needed` over all rows (0 when there are none). */
  readonly max: number;
}

/** Rounds up, ignoring floating-point fuzz in the last digits (1900.0000000000002 is 1900). */
function ceilClean(x: number): number {
  return Math.ceil(Number(x.toPrecision(12)));
}

/**
 * The targets as an object (a number is a coverage target), each checked:
 * a positive finite number when given, and at least one given.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { checkTargets } from "./planning.ts";
 * assert.deepEqual(checkTargets(0.01), { coverage: 0.01 });
 * assert.throws(() => checkTargets({ bias: 0 }), /bias target MCSE must be a positive number/);
 * ```
 */
export function checkTargets(targets: McseTargets | number): McseTargets {
  const t = typeof targets === "number" ? { coverage: targets } : targets;
  for (const kind of ["coverage", "bias"] as const) {
    const x = t[kind];
    if (x !== undefined && !(x > 0 && Number.isFinite(x))) {
      throw new RangeError(`the ${kind} target MCSE must be a positive number, got ${x}`);
    }
  }
  if (t.coverage === undefined && t.bias === undefined) {
    throw new TypeError("targets has neither a coverage nor a bias target MCSE");
  }
  return t;
}

const groupKey = (r: MeasureRow) => `${r.condition}\u0000${r.method}\u0000${r.parameter}`;

/** The bias row of one group, or null when its pilot cannot give one. */
function biasRow(
  r: MeasureRow,
  group: { get: (measure: MeasureName) => MeasureRow | undefined; target: number },
): ReplicatesNeededRow | null {
  const { get, target } = group;
  const empSe = get("empirical_se")?.value ?? null;
  const n = get("attempted")?.value ?? get("used")?.value ?? null;
  if (empSe === null || n === null || r.mcse === null) return null;
  const relative = get("relative_bias")?.mcse ?? null;
  const scale: McseScale = relative !== null ? "truth" : "empirical-se";
  const mcse = relative !== null ? relative : empSe > 0 ? r.mcse / empSe : null;
  if (mcse === null) return null;
  return {
    condition: r.condition,
    method: r.method,
    parameter: r.parameter,
    interval: null,
    measure: "bias",
    scale,
    target,
    pilot: empSe,
    pilotMcse: r.mcse,
    mcse,
    needed: ceilClean(n * (mcse / target) ** 2),
  };
}

/**
 * Replicates needed for target MCSEs (a number is a coverage target): for
 * each `coverage` row n = p(1 - p)/target^2 with p the pilot coverage; for
 * each `bias` row n = n_pilot (MCSE/target)^2 with the MCSE relative to
 * |truth| (the group's `relative_bias` MCSE), or, without one, in units of
 * its `empirical_se`, and n_pilot its `attempted` (else `used`) count. Only
 * the kinds given a target get rows; rows whose pilot is null are left out.
 * A pilot coverage of 0 or 1 needs 0 by the formula: run a larger pilot
 * before trusting that.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { replicatesNeeded } from "./planning.ts";
 * const row = {
 *   condition: "c", method: "REML", parameter: "group1", interval: "wald",
 *   measure: "coverage" as const, value: 0.5, mcse: 0.05,
 * };
 * // Morris et al. (2019), section 5.3: p = 0.5 and MCSE 0.005 need 10,000 replicates.
 * assert.equal(replicatesNeeded([row], { coverage: 0.005 }).max, 10000);
 * ```
 */
export function replicatesNeeded(
  rows: readonly MeasureRow[],
  targets: McseTargets | number,
): ReplicatesNeeded {
  const t = checkTargets(targets);
  const index = new Map<string, MeasureRow>();
  for (const r of rows) {
    if (r.interval === null && r.test === undefined) {
      index.set(`${groupKey(r)}\u0000${r.measure}`, r);
    }
  }
  const out: ReplicatesNeededRow[] = [];
  for (const r of rows) {
    if (r.value === null || r.test !== undefined) continue;
    if (r.measure === "coverage" && t.coverage !== undefined) {
      const p = r.value;
      out.push({
        condition: r.condition,
        method: r.method,
        parameter: r.parameter,
        interval: r.interval,
        measure: "coverage",
        scale: "proportion",
        target: t.coverage,
        pilot: p,
        pilotMcse: r.mcse,
        mcse: r.mcse,
        needed: ceilClean(p * (1 - p) / t.coverage ** 2),
      });
    } else if (r.measure === "bias" && t.bias !== undefined) {
      const get = (m: MeasureName) => index.get(`${groupKey(r)}\u0000${m}`);
      const bias = biasRow(r, { get, target: t.bias });
      if (bias) out.push(bias);
    }
  }
  const maxOf = (list: ReplicatesNeededRow[]) => list.reduce((m, r) => Math.max(m, r.needed), 0);
  return {
    targets: t,
    rows: out,
    maxCoverage: maxOf(out.filter((r) => r.measure === "coverage")),
    maxBias: maxOf(out.filter((r) => r.measure === "bias")),
    max: maxOf(out),
  };
}

/** A number in at most 4 significant digits. */
const sig = (x: number) => String(Number(x.toPrecision(4)));

/**
 * The unit of an MCSE on `scale`: `x |truth|`, `x EmpSE`, or nothing for a
 * proportion.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { scaleUnit } from "./planning.ts";
 * assert.deepEqual(["truth", "empirical-se"].map((s) => scaleUnit(s as "truth")), ["x |truth|", "x EmpSE"]);
 * ```
 */
export function scaleUnit(scale: McseScale): string {
  return scale === "truth" ? "x |truth|" : scale === "empirical-se" ? "x EmpSE" : "";
}

/**
 * Formats {@linkcode ReplicatesNeeded} as lines of text (at most ~100 columns).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { formatReplicatesNeeded, replicatesNeeded } from "./planning.ts";
 * const row = {
 *   condition: "c", method: "REML", parameter: "group1", interval: "wald",
 *   measure: "coverage" as const, value: 0.5, mcse: 0.05,
 * };
 * const text = formatReplicatesNeeded(replicatesNeeded([row], { coverage: 0.005 }));
 * assert.match(text, /10000/);
 * assert.ok(text.split("\n").every((line) => line.length <= 100));
 * ```
 */
export function formatReplicatesNeeded(plan: ReplicatesNeeded): string {
  const lines: string[] = [];
  const { coverage, bias } = plan.targets;
  if (coverage !== undefined) {
    lines.push(
      `replicates needed for a coverage MCSE of at most ${coverage} ` +
        `(${sig(100 * coverage)} percentage points):`,
    );
    for (const r of plan.rows.filter((r) => r.measure === "coverage")) {
      lines.push(
        `  ${r.condition}  ${r.method} ${r.parameter} coverage ${r.interval}: ${r.needed} ` +
          `(p = ${r.pilot.toFixed(4)})`,
      );
    }
  }
  if (bias !== undefined) {
    lines.push(
      `replicates needed for a bias MCSE of at most ${bias} x |truth| ` +
        `(x EmpSE where the truth is 0):`,
    );
    for (const r of plan.rows.filter((r) => r.measure === "bias")) {
      const now = r.mcse === null ? "" : `MCSE now ${sig(r.mcse)} ${scaleUnit(r.scale)}, `;
      lines.push(
        `  ${r.condition}  ${r.method} ${r.parameter} bias: ${r.needed} ` +
          `(${now}EmpSE = ${sig(r.pilot)})`,
      );
    }
  }
  const kinds = [
    ...(coverage !== undefined ? [`max over coverage: ${plan.maxCoverage}`] : []),
    ...(bias !== undefined ? [`max over bias: ${plan.maxBias}`] : []),
  ];
  lines.push([...kinds, `max over all: ${plan.max}`].join("; "));
  return lines.join("\n") + "\n";
}
