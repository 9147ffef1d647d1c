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

const message = (e: unknown): string => e instanceof Error ? e.message : String(e);

/**
 * Runs replicate `rep` of `condition`. The data stream is derived from
 * (seed, condition key, rep) alone, and each bootstrap from that plus the
 * method, so results do not depend on worker count, order or resumption.
 */
export function runReplicate(
  study: StudyDefinition,
  condition: Condition,
  rep: number,
  seed: number | string,
): ReplicateRecord {
  const key = conditionKey(condition);
  const start = performance.now();
  let frame: ModelFrame;
  let truth: Readonly<Record<string, number>>;
  let cp: ReturnType<typeof crossProducts>;
  let generateMs = 0;
  try {
    const stream = deriveStream(seed, [key, rep]);
    const data = study.generate(condition, stream, rep);
    generateMs = performance.now() - start;
    const formula = typeof study.formula === "function" ? study.formula(condition) : study.formula;
    frame = modelFrame(data, formula);
    // Inside the try too: a throwing truth function fails this replicate, not the worker.
    truth = study.truth(condition);
    cp = crossProducts(frame);
  } catch (e) {
    return {
      condition: key,
      rep,
      status: "error",
      message: message(e),
      generateMs: performance.now() - start,
      totalMs: performance.now() - start,
      fits: [],
    };
  }
  const fits = study.methods.map((method): FitRecord => {
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
          stream: deriveStream(seed, [key, rep, "bootstrap", method]),
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
  });
  return {
    condition: key,
    rep,
    status: "ok",
    message: null,
    generateMs,
    totalMs: performance.now() - start,
    fits,
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
