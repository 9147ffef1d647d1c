/**
 * One replicate of one condition: derive its stream, simulate the data, fit
 * it by every method with every interval, and return the record to store.
 * Failures become data (status and message), never a dropped replicate.
 *
 * @module
 */

import { deriveStream } from "../rng/derive_stream.ts";
import { modelFrame } from "../model/model_frame.ts";
import { crossProducts } from "../model/cross_products.ts";
import { fitVarComp, type VarCompFit } from "../fit/fit.ts";
import { confidenceIntervals } from "../inference/intervals.ts";
import type { FitRecord, ParameterRecord, ReplicateRecord } from "../store/records.ts";
import type { ModelFrame } from "../model/frame.ts";
import type { StudyDefinition } from "./study.ts";
import { type Condition, conditionKey } from "./design_grid.ts";
import { errorText as message, failedReplicate } from "./_failure.ts";
import { finiteFit, finiteTime } from "./_finite.ts";

/** Which replicate {@linkcode runReplicate} runs. */
export interface ReplicateTask {
  /** The condition of the design. */
  readonly condition: Condition;
  /** Replicate index, from 0. */
  readonly rep: number;
  /** The study seed. */
  readonly seed: number | string;
}

/**
 * Runs replicate `task.rep` of `task.condition`. The data stream is derived
 * from (seed, condition key, rep) alone, and each bootstrap from that plus
 * the method, so results do not depend on worker count, order or
 * resumption. Every number of the record is finite: a non-finite estimate,
 * SE or limit fails that fit or interval (with a message), not the run.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { defineStudy, nested, runReplicate } from "../../mod.ts";
 * const study = defineStudy({
 *   name: "doc", factors: { n: [4] }, reps: 1, seed: 1,
 *   generate: (c, stream) => nested(stream, { nGroup1: Number(c.n), nGroup2: 3, nRep: 2 }),
 *   truth: () => ({ group1: 1, "group1:group2": 1, Residual: 1 }),
 *   formula: "y ~ 1 + (1|group1/group2)", methods: ["reml"], intervals: ["wald"],
 * });
 * const record = runReplicate(study, { condition: { n: 4 }, rep: 0, seed: 1 });
 * assert.equal(record.status, "ok");
 * assert.equal(record.fits[0].method, "REML");
 * ```
 */
export function runReplicate(study: StudyDefinition, task: ReplicateTask): ReplicateRecord {
  const { condition, rep, seed } = task;
  const key = conditionKey(condition);
  const start = performance.now();
  let setup: FitSetup;
  let generateMs = 0;
  try {
    const stream = deriveStream(seed, [key, rep]);
    const data = study.generate(condition, stream, rep);
    generateMs = performance.now() - start;
    const formula = typeof study.formula === "function" ? study.formula(condition) : study.formula;
    const frame = modelFrame(data, formula);
    // Inside the try too: a throwing truth function fails this replicate, not the worker.
    const truth = study.truth(condition);
    setup = { study, frame, truth, cp: crossProducts(frame), seed, key, rep };
  } catch (e) {
    const ms = finiteTime(performance.now() - start);
    return failedReplicate({ condition: key, rep }, message(e), { generateMs: ms, totalMs: ms });
  }
  const fits = study.methods.map((method) => finiteFit(fitOne(method, setup)));
  return {
    condition: key,
    rep,
    status: "ok",
    message: null,
    generateMs: finiteTime(generateMs),
    totalMs: finiteTime(performance.now() - start),
    fits,
  };
}

/** What every method's fit of one replicate shares. */
interface FitSetup {
  readonly study: StudyDefinition;
  readonly frame: ModelFrame;
  readonly truth: Readonly<Record<string, number>>;
  readonly cp: ReturnType<typeof crossProducts>;
  readonly seed: number | string;
  readonly key: string;
  readonly rep: number;
}

/** One method's fit record: estimates, SEs and intervals, or an error. */
function fitOne(method: StudyDefinition["methods"][number], setup: FitSetup): FitRecord {
  const { study, frame, truth, cp } = setup;
  const t0 = performance.now();
  let fit: VarCompFit;
  try {
    fit = fitVarComp(frame, { method, crossProducts: cp });
  } catch (e) {
    return {
      method: method.toUpperCase(),
      status: "error",
      converged: false,
      singular: false,
      evaluations: 0,
      fitMs: performance.now() - t0,
      message: message(e),
      parameters: [],
    };
  }
  let inference: ReturnType<typeof confidenceIntervals> | null = null;
  let note: string | null = fit.messages.length > 0 ? fit.messages.join("; ") : null;
  try {
    inference = confidenceIntervals(frame, fit, {
      methods: study.intervals,
      level: study.level,
      crossProducts: cp,
      bootstrap: {
        stream: deriveStream(setup.seed, [setup.key, setup.rep, "bootstrap", method]),
        replicates: study.bootstrapReplicates,
      },
    });
  } catch (e) {
    note = [note, `intervals failed: ${message(e)}`].filter(Boolean).join("; ");
  }
  const names = [...frame.terms.map((t) => t.name), "Residual"];
  const parameters: ParameterRecord[] = [
    ...names.map((name, a) => ({
      parameter: name,
      truth: truth[name] ?? null,
      estimate: fit.variances[name],
      se: inference?.variance.se[a] ?? null,
      intervals: collect(inference, name),
    })),
    ...fit.fixed.map((f) => ({
      parameter: f.name,
      truth: truth[f.name] ?? null,
      estimate: f.estimate,
      se: Number.isFinite(f.se) ? f.se : null,
      intervals: collect(inference, f.name),
    })),
  ];
  const negativeAnova = fit.method === "ANOVA" && names.some((n) => fit.variances[n] < 0);
  return {
    method: fit.method,
    status: fit.converged ? "ok" : "nonconverged",
    converged: fit.converged,
    singular: fit.method === "ANOVA" ? negativeAnova : fit.singular,
    evaluations: fit.evaluations,
    fitMs: performance.now() - t0,
    message: note,
    parameters,
  };
}

function collect(inference: ReturnType<typeof confidenceIntervals> | null, parameter: string) {
  if (!inference) return [];
  return inference.intervals.filter((i) => i.parameter === parameter).map((i) => ({
    interval: i.method,
    lower: i.lower,
    upper: i.upper,
    status: i.status,
  }));
}
