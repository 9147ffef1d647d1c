/**
 * What the zip plots of the HTML report read from the store: per condition
 * x method x interval method the intervals of one parameter, ranked by how
 * far the truth lies from their centre (Morris, White & Crowther 2019,
 * section 5.1), and the count of undefined or failed ones.
 *
 * @module
 */

import type { ResultStore } from "../store/store.ts";

/** One ranked interval of a zip plot. */
export interface RankedInterval {
  lower: number;
  upper: number;
  covers: boolean;
}

/** The intervals of one zip plot: one condition x method x interval method. */
export interface ZipPanel {
  condition: string;
  method: string;
  interval: string;
  truth: number;
  /** The ok intervals, from the one nearest the truth to the farthest. */
  ranked: RankedInterval[];
  /** Intervals attempted but undefined or failed (ranked beyond every ok one). */
  missing: number;
}

/**
 * The zip plots of `parameter`: the first `maxIntervals` replicates (by
 * index, as random as any) of every condition x method x interval method
 * whose intervals are not all not-applicable and whose truth is known, in
 * the store's order. An ok interval is ranked by |z| = |estimate - truth| /
 * SE when it is a Wald interval with an SE, else by the distance of the
 * truth from its centre over its half-width (below 1 it covers).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { zipPanels } from "./_zip_data.ts";
 * import { openStore } from "../store/store.ts";
 * const store = openStore(":memory:");
 * store.registerConditions([{ condition: "n=5", params: { n: 5 } }]);
 * const limits: [number, number][] = [[0.5, 1.7], [1.5, 2.5], [0.9, 1.1]];
 * store.writeReplicates(limits.map(([lower, upper], rep) => ({
 *   condition: "n=5", rep, status: "ok", message: null, generateMs: 0, totalMs: 0,
 *   fits: [{
 *     method: "REML", status: "ok", converged: true, singular: false, evaluations: 1,
 *     fitMs: 0, message: null,
 *     parameters: [{
 *       parameter: "Residual", truth: 1, estimate: (lower + upper) / 2, se: null,
 *       intervals: [{ interval: "profile", lower, upper, status: "ok" }],
 *     }],
 *   }],
 * })));
 * const [panel] = zipPanels(store, "Residual", { maxIntervals: 100 });
 * assert.deepEqual(panel.ranked.map((r) => [r.lower, r.covers]), [
 *   [0.9, true], [0.5, true], [1.5, false],
 * ]);
 * assert.equal(panel.missing, 0);
 * store.close();
 * ```
 */
export function zipPanels(
  store: ResultStore,
  parameter: string,
  options: { maxIntervals: number },
): ZipPanel[] {
  const rows = store.db.prepare(
    `SELECT condition, method, interval, status, lower, upper, estimate, se, truth FROM (
       SELECT i.condition, i.method, i.interval, i.ordinal, i.status, i.lower, i.upper,
         e.estimate, e.se, e.truth,
         ROW_NUMBER() OVER (PARTITION BY i.condition, i.method, i.interval ORDER BY i.rep) AS k
       FROM intervals i JOIN estimates e USING (condition, rep, method, parameter)
       WHERE i.parameter = ? AND i.status <> 'not-applicable' AND e.truth IS NOT NULL)
     WHERE k <= ? ORDER BY condition, method, ordinal, interval`,
  ).all(parameter, options.maxIntervals);
  const panels = new Map<string, ZipPanel & { scores: number[] }>();
  for (const r of rows) {
    const key = `${r.condition}\u0000${r.method}\u0000${r.interval}`;
    let panel = panels.get(key);
    if (!panel) {
      panel = {
        condition: String(r.condition),
        method: String(r.method),
        interval: String(r.interval),
        truth: Number(r.truth),
        ranked: [],
        missing: 0,
        scores: [],
      };
      panels.set(key, panel);
    }
    if (r.status !== "ok" || r.lower === null || r.upper === null) {
      panel.missing++;
      continue;
    }
    const lower = Number(r.lower), upper = Number(r.upper), truth = Number(r.truth);
    const se = r.se === null ? NaN : Number(r.se);
    const estimate = r.estimate === null ? NaN : Number(r.estimate);
    panel.ranked.push({ lower, upper, covers: lower <= truth && truth <= upper });
    panel.scores.push(score({ interval: panel.interval, lower, upper, truth, estimate, se }));
  }
  return [...panels.values()].map(({ scores, ranked, ...panel }) => ({
    ...panel,
    ranked: ranked.map((r, k) => ({ r, s: scores[k] })).sort((a, b) => a.s - b.s).map((x) => x.r),
  }));
}

/** How far the truth lies from an interval, relative to its width (below 1 covers). */
function score(
  x: {
    interval: string;
    lower: number;
    upper: number;
    truth: number;
    estimate: number;
    se: number;
  },
): number {
  // Morris et al. rank Wald intervals by |z|; any interval by where the truth falls
  // relative to its centre and half-width.
  if (x.interval === "wald" && x.se > 0 && Number.isFinite(x.estimate)) {
    return Math.abs(x.estimate - x.truth) / x.se;
  }
  const half = (x.upper - x.lower) / 2;
  const distance = Math.abs(x.truth - (x.lower + x.upper) / 2);
  return half > 0 ? distance / half : distance === 0 ? 0 : Infinity;
}
