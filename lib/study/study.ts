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
import { type IntervalMethod, parseIntervalMethods } from "../inference/intervals.ts";
import { type Condition, designGrid, type FactorValue } from "./design_grid.ts";

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
  /** Estimation methods; every one sees the same dataset. */
  methods: readonly EstimationMethod[];
  /** Interval methods computed for every fit. */
  intervals: readonly IntervalMethod[];
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
  /** Default study seed. */
  seed: number | string;
}

/**
 * Checks a study definition and returns it: every field present and of the
 * right kind, methods and interval methods known, the grid non-empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { defineStudy } from "./study.ts";
 * assert.throws(
 *   () => defineStudy({ name: "x", factors: {}, generate: () => { throw 0; }, truth: () => ({}), formula: "y ~ (1|g)", methods: ["remll" as "reml"], intervals: [], reps: 10, seed: 1 }),
 *   /unknown estimation method "remll"/,
 * );
 * ```
 */
export function defineStudy(study: StudyDefinition): StudyDefinition {
  if (typeof study !== "object" || study === null) throw new TypeError("a study must be an object");
  if (typeof study.name !== "string" || !/^[\w.-]+$/.test(study.name)) {
    throw new TypeError(
      `study name must be a word (letters, digits, _ . -), got ${JSON.stringify(study.name)}`,
    );
  }
  for (const f of ["generate", "truth"] as const) {
    if (typeof study[f] !== "function") {
      throw new TypeError(`study "${study.name}" needs a ${f} function`);
    }
  }
  if (typeof study.formula !== "string" && typeof study.formula !== "function") {
    throw new TypeError(`study "${study.name}" needs a formula`);
  }
  if (!Array.isArray(study.methods) || study.methods.length === 0) {
    throw new TypeError(`study "${study.name}" needs at least one estimation method`);
  }
  for (const m of study.methods) {
    if (m !== "reml" && m !== "ml" && m !== "anova") {
      throw new TypeError(
        `unknown estimation method "${m}" in study "${study.name}": expected reml, ml or anova`,
      );
    }
  }
  parseIntervalMethods(study.intervals.join(","));
  if (!Number.isInteger(study.reps) || study.reps < 1) {
    throw new RangeError(
      `study "${study.name}" reps must be a positive integer, got ${study.reps}`,
    );
  }
  designGrid(study.factors, { filter: study.filter });
  return study;
}

/** The conditions of a study, in order. */
export function studyConditions(study: StudyDefinition): Condition[] {
  return designGrid(study.factors, { filter: study.filter });
}
