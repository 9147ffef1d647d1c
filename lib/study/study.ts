/**
 * A study definition: the design grid, the data-generating mechanism and
 * true values of each condition, the model and the methods to compare. A
 * study is a TypeScript module whose default export is `defineStudy(...)`.
 *
 * @module
 */

import type { Dataset } from "../data/dataset.ts";
import type { RandomStream } from "../rng/stream.ts";
import type { EstimationMethod } from "../fit/fit.ts";
import type { MethodPlugin } from "../fit/method_plugin.ts";
import type { IntervalMethod } from "../inference/intervals.ts";
import type { IntervalPlugin } from "../inference/intervals/interval_plugin.ts";
import type { TestPlugin } from "../inference/tests/test_plugin.ts";
import type { TestName } from "../inference/tests/registry.ts";
import { type Condition, designGrid, type FactorValue } from "./design_grid.ts";
import {
  _checkFactors,
  _checkMembers,
  _checkNumbers,
  _checkShape,
  _conditions,
} from "./_study_checks.ts";
import { _checkTruth, _conditionModels, _truthWarnings } from "./_study_truth.ts";

/** The ADEMP description of a study (Morris, White & Crowther 2019). */
export interface Ademp {
  /** Aims: the question the study answers. */
  aims: string;
  /** Data-generating mechanisms. */
  data: string;
  /** Estimands: the parameters and their true values. */
  estimands: string;
  /** Methods compared. */
  methods: string;
  /** Performance measures. */
  performance: string;
}

/** What a study module exports (through {@linkcode defineStudy}). */
export interface StudyDefinition {
  /** Short name, used for the output directory. */
  name: string;
  /** ADEMP description for reports. */
  ademp?: Partial<Ademp>;
  /** Design factors and their values; the grid is their full factorial. */
  factors: Readonly<Record<string, readonly FactorValue[]>>;
  /** Keep only the conditions for which this returns true. */
  filter?: (condition: Condition) => boolean;
  /**
   * Simulates one dataset of a condition from the replicate's stream. The
   * replicate index is for diagnostics only: draw from the stream, which
   * already depends on it.
   */
  generate: (condition: Condition, stream: RandomStream, rep: number) => Dataset;
  /** True value of each parameter (variance names, `Residual`, fixed-effect names). */
  truth: (condition: Condition) => Readonly<Record<string, number>>;
  /** Model formula (lme4 syntax), or one per condition. */
  formula: string | ((condition: Condition) => string);
  /**
   * Estimation methods: built-ins by name (`reml`, `ml`, `anova`) and plug-in
   * objects (`{ name, fit(frame, context) }`, see MethodPlugin) side by side;
   * every one sees the same dataset.
   */
  methods: readonly (EstimationMethod | MethodPlugin)[];
  /** Interval methods computed for every fit. */
  intervals: readonly (IntervalMethod | IntervalPlugin)[];
  /**
   * Tests that each variance component is 0, run for every fit: built-ins
   * by name (`lrt`, `lrt-chisq`, `rlrt`, `rlrt-chisq`, `rlrt-exact`, `f`,
   * `bootstrap-lrt`, `wald`) and plug-in objects (`{ name, test(frame,
   * fit, context) }`, see TestPlugin). Each stores its statistic, p-value
   * and decision at `alpha`; reports give the rejection rate (size where
   * the truth is 0, power elsewhere).
   * @default []
   */
  tests?: readonly (TestName | TestPlugin)[];
  /**
   * Significance level of the tests.
   * @default 0.05
   */
  alpha?: number;
  /**
   * Confidence level.
   * @default 0.95
   */
  level?: number;
  /**
   * Refits per bootstrap interval.
   * @default 999
   */
  bootstrapReplicates?: number;
  /** Default number of replicates per condition. */
  reps: number;
  /**
   * Default study seed: a safe integer, or a string (for anything longer,
   * which a number would round).
   */
  seed: number | string;
  /**
   * Per-replicate time limit in seconds.
   * @default 300
   */
  timeout?: number;
  /**
   * Per-worker JavaScript heap limit in MiB.
   * @default 2048
   */
  memoryLimit?: number;
}

/**
 * Checks a study definition and returns it. Throws a one-line TypeError or
 * RangeError naming the field and the value when:
 *
 * - a field is unknown (a misspelling is not silently ignored);
 * - a function, the formula, a method, an interval method or a test is
 *   missing or unknown;
 * - `reps`, `bootstrapReplicates` or `memoryLimit` is not a positive
 *   integer, `timeout` not a positive number, `level` or `alpha` not in (0, 1), or
 *   `seed` neither a safe integer nor a non-empty string;
 * - a factor is not a non-empty array of finite numbers, strings and
 *   booleans, or two of its values give the same condition key (`1` and
 *   `"1"`);
 * - a formula does not parse, or `truth` names something that is not a
 *   parameter of the condition's model, or gives a value that is not a
 *   finite number. `formula` and `truth` are called for every condition of
 *   the grid; an error they throw is reported with the condition.
 *
 * Parameters without a truth are not an error: see {@linkcode studyWarnings}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { defineStudy, type StudyDefinition } from "./study.ts";
 * const study: StudyDefinition = {
 *   name: "x",
 *   factors: { n: [5, 10] },
 *   generate: () => { throw new Error("not called"); },
 *   truth: () => ({ g: 1, Residual: 1 }),
 *   formula: "y ~ 1 + (1|g)",
 *   methods: ["reml"],
 *   intervals: ["wald"],
 *   reps: 10,
 *   seed: 1,
 * };
 * assert.equal(defineStudy(study), study);
 * assert.throws(() => defineStudy({ ...study, methods: ["remll" as "reml"] }), /unknown estimation method "remll"/);
 * assert.throws(() => defineStudy({ ...study, truth: () => ({ g1: 1 }) }), /names "g1", which is not a parameter/);
 * ```
 */
export function defineStudy(study: StudyDefinition): StudyDefinition {
  _checkShape(study);
  _checkMembers(study);
  _checkNumbers(study);
  _checkFactors(study);
  _checkTruth(study, _conditionModels(study, _conditions(study)));
  return study;
}

/**
 * Warnings about a checked study, one line per variance parameter (random
 * term or `Residual`) that has no true value in some conditions: its bias,
 * MSE and coverage cannot be computed there. Empty when every parameter has
 * a truth everywhere.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { defineStudy, studyWarnings } from "./study.ts";
 * const study = defineStudy({
 *   name: "x",
 *   factors: { n: [5, 10] },
 *   generate: () => { throw new Error("not called"); },
 *   truth: (c): Record<string, number> => c.n === 5 ? { g: 1 } : { g: 1, Residual: 1 },
 *   formula: "y ~ 1 + (1|g)",
 *   methods: ["reml"],
 *   intervals: ["wald"],
 *   reps: 10,
 *   seed: 1,
 * });
 * assert.deepEqual(studyWarnings(study), [
 *   'no truth for "Residual" in condition n=5: its bias, MSE and coverage are not computed',
 * ]);
 * ```
 */
export function studyWarnings(study: StudyDefinition): string[] {
  return _truthWarnings(_conditionModels(study, _conditions(study)));
}

/**
 * The conditions of a study, in design order: the full factorial of its
 * factors (the first factor varying slowest), less those its `filter` drops.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { defineStudy, studyConditions } from "./study.ts";
 * const study = defineStudy({
 *   name: "x",
 *   factors: { groups: [5, 10], icc: [0.1, 0.5] },
 *   filter: (c) => !(c.groups === 10 && c.icc === 0.5),
 *   generate: () => { throw new Error("not called"); },
 *   truth: (c) => ({ g: Number(c.icc), Residual: 1 - Number(c.icc) }),
 *   formula: "y ~ 1 + (1|g)",
 *   methods: ["reml"],
 *   intervals: ["wald"],
 *   reps: 10,
 *   seed: 1,
 * });
 * assert.deepEqual(studyConditions(study), [
 *   { groups: 5, icc: 0.1 },
 *   { groups: 5, icc: 0.5 },
 *   { groups: 10, icc: 0.1 },
 * ]);
 * ```
 */
export function studyConditions(study: StudyDefinition): Condition[] {
  return designGrid(study.factors, { filter: study.filter });
}
