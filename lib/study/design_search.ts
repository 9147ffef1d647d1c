/**
 * Design search: the smallest value of one design factor (number of
 * groups, rows per group) whose performance meets a target, by bisection
 * on the candidate values with Monte Carlo error in the decisions. Each
 * candidate visited is run with few replicates first and more only while
 * its estimate is too close to the target to tell (the estimate +- z MCSE
 * straddles it): values far from the target cost little, values near it
 * more. The chosen value is confirmed by a final, larger run; when that
 * run's estimate misses the target, the next value up is confirmed
 * instead (at most three times).
 *
 * The search assumes the target, once met, stays met for larger values
 * (power and precision grow with the design). Replicates are those of the
 * study itself, so the search is reproducible from the seed and a rerun
 * reuses what is stored.
 *
 * @module
 */

/** How many values up a confirmation that misses the target may move. */
const MAX_CONFIRM_MOVES = 3;

/** What the search aims for: the measure at least, or at most, `value`. */
export interface SearchTarget {
  readonly direction: "at-least" | "at-most";
  readonly value: number;
}

/** A measure's estimate at one candidate value. */
export interface SearchEstimate {
  readonly estimate: number;
  /** Its Monte Carlo SE. */
  readonly mcse: number;
  /** Replicates it rests on. */
  readonly reps: number;
}

/** One decision of the search, for progress reports. */
export interface SearchStep {
  readonly value: number;
  readonly estimate: SearchEstimate;
  /** `meets`, `fails`, or `more` (too close to tell: more replicates follow). */
  readonly verdict: "meets" | "fails" | "more";
  /** Why: `clear` (the band is on one side), `estimate` (decided by the estimate at the largest count). */
  readonly basis: "clear" | "estimate" | null;
}

/** Options of {@linkcode searchDesign}. */
export interface SearchOptions {
  /** Candidate values of the factor, increasing. */
  readonly values: readonly number[];
  readonly target: SearchTarget;
  /** Estimates the measure at `value` from `reps` replicates (the first `reps` of that design). */
  readonly evaluate: (value: number, reps: number) => Promise<SearchEstimate>;
  /** Replicates of a first look at a value. @default 100 */
  readonly initialReps?: number;
  /** Most replicates spent to decide one value. @default 1600 */
  readonly maxReps?: number;
  /** Replicates of the final run at the chosen value. @default 4 * maxReps */
  readonly confirmReps?: number;
  /** Half-width of the decision band in MCSEs. @default 2.5 */
  readonly z?: number;
  /** Told each decision. */
  readonly onStep?: (step: SearchStep) => void;
}

/** What the search found. */
export interface SearchResult {
  /** The smallest value meeting the target, or null when even the largest does not. */
  readonly value: number | null;
  /** The final run at `value` (or, when none meets the target, the last look at the largest). */
  readonly confirmation: SearchEstimate;
  /** True when the confirmation's estimate itself meets the target. */
  readonly confirmed: boolean;
  /** Every decision, in order. */
  readonly steps: readonly SearchStep[];
}

function positiveInteger(x: number, what: string): number {
  if (!Number.isSafeInteger(x) || x < 1) {
    throw new RangeError(`${what} must be a positive integer, got ${x}`);
  }
  return x;
}

function checkValues(values: readonly number[]): void {
  if (!Array.isArray(values) || values.length === 0) {
    throw new RangeError("the search needs at least one candidate value");
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]) || (i > 0 && !(values[i] > values[i - 1]))) {
      throw new RangeError(
        `candidate values must be finite and increasing, got ${values.join(", ")}`,
      );
    }
  }
}

/**
 * Whether `x` meets the target: at least, or at most, its value (the
 * value itself meets either).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { meetsTarget } from "./design_search.ts";
 * const power = { direction: "at-least", value: 0.8 } as const;
 * assert.deepEqual([0.79, 0.8, 0.9].map((x) => meetsTarget(x, power)), [false, true, true]);
 * const width = { direction: "at-most", value: 2 } as const;
 * assert.deepEqual([1.5, 2, 2.5].map((x) => meetsTarget(x, width)), [true, true, false]);
 * ```
 */
export function meetsTarget(x: number, target: SearchTarget): boolean {
  return target.direction === "at-least" ? x >= target.value : x <= target.value;
}

/**
 * Searches `options.values` for the smallest value meeting the target.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { searchDesign } from "./design_search.ts";
 * // A toy measure known exactly: power = 1 - 2^-(groups / 5); at least 0.8 from groups = 12.
 * const result = await searchDesign({
 *   values: Array.from({ length: 40 }, (_, i) => i + 1),
 *   target: { direction: "at-least", value: 0.8 },
 *   evaluate: (groups, reps) => Promise.resolve({ estimate: 1 - 2 ** (-groups / 5), mcse: 0, reps }),
 * });
 * assert.equal(result.value, 12);
 * assert.ok(result.confirmed);
 * ```
 */
export async function searchDesign(options: SearchOptions): Promise<SearchResult> {
  const { values, target } = options;
  checkValues(values);
  if (!Number.isFinite(target.value)) {
    throw new RangeError(`the target value must be a finite number, got ${target.value}`);
  }
  const initial = positiveInteger(options.initialReps ?? 100, "initial replicates");
  const max = positiveInteger(options.maxReps ?? 1600, "largest replicates per value");
  if (max < initial) {
    throw new RangeError(`largest replicates per value (${max}) must be at least ${initial}`);
  }
  const confirmReps = positiveInteger(options.confirmReps ?? 4 * max, "confirmation replicates");
  const z = options.z ?? 2.5;
  const steps: SearchStep[] = [];
  const decide = async (value: number): Promise<{ meets: boolean; last: SearchEstimate }> => {
    for (let reps = initial;; reps = Math.min(max, reps * 2)) {
      const e = await options.evaluate(value, reps);
      const low = e.estimate - z * e.mcse, high = e.estimate + z * e.mcse;
      const clear = meetsTarget(low, target) === meetsTarget(high, target);
      const verdict = clear || reps >= max
        ? (meetsTarget(e.estimate, target) ? "meets" : "fails")
        : "more";
      const step: SearchStep = {
        value,
        estimate: e,
        verdict,
        basis: verdict === "more" ? null : clear ? "clear" : "estimate",
      };
      steps.push(step);
      options.onStep?.(step);
      if (verdict !== "more") return { meets: verdict === "meets", last: e };
    }
  };
  const top = await decide(values[values.length - 1]);
  if (!top.meets) return { value: null, confirmation: top.last, confirmed: false, steps };
  // Invariant: values[hi] meets; every index <= lo fails (lo = -1: none known).
  let lo = -1, hi = values.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if ((await decide(values[mid])).meets) hi = mid;
    else lo = mid;
  }
  // Confirm; a confirmation that misses moves up one value (the bisection's looks at the
  // values below were the smaller ones), at most MAX_CONFIRM_MOVES times.
  let confirmation = await options.evaluate(values[hi], confirmReps);
  for (let moves = 0; moves < MAX_CONFIRM_MOVES && hi + 1 < values.length; moves++) {
    if (meetsTarget(confirmation.estimate, target)) break;
    steps.push({ value: values[hi], estimate: confirmation, verdict: "fails", basis: "estimate" });
    options.onStep?.(steps[steps.length - 1]);
    hi++;
    confirmation = await options.evaluate(values[hi], confirmReps);
  }
  return {
    value: values[hi],
    confirmation,
    confirmed: meetsTarget(confirmation.estimate, target),
    steps,
  };
}
