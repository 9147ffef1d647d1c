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
import type { ReplicateRecord } from "../store/records.ts";
import type { StudyDefinition } from "./study.ts";
import { fitMethod, type FitSetup } from "./_method_fit.ts";
import { type Condition, conditionKey } from "./design_grid.ts";
import { errorText as message, failedReplicate } from "./_failure.ts";
import { finiteFit, finiteTime } from "./_finite.ts";
import { testContext } from "../inference/tests/variance_tests.ts";
import type { TestContext } from "../inference/tests/test_plugin.ts";
import type { ModelFrame } from "../model/frame.ts";
import type { CrossProducts } from "../model/cross_products.ts";

/** Which replicate {@linkcode runReplicate} runs. */
export interface ReplicateTask {
  /** The condition of the design. */
  readonly condition: Condition;
  /** Replicate index, from 0. */
  readonly rep: number;
  /** The study seed. */
  readonly seed: number | string;
  /** Methods not to run, by name, with the reason their fit is stored as failed. */
  readonly skip?: Readonly<Record<string, string>>;
  /** Called before each method runs, with its name (so a runner knows which one is slow). */
  readonly onMethod?: (name: string) => void;
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
 * const record = await runReplicate(study, { condition: { n: 4 }, rep: 0, seed: 1 });
 * assert.equal(record.status, "ok");
 * assert.equal(record.fits[0].method, "REML");
 * ```
 */
export async function runReplicate(
  study: StudyDefinition,
  task: ReplicateTask,
): Promise<ReplicateRecord> {
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
    const cp = crossProducts(frame);
    setup = {
      study,
      frame,
      truth,
      cp,
      seed,
      key,
      rep,
      tests: replicateTests(study, { frame, cp, seed, key, rep }),
    };
  } catch (e) {
    const ms = finiteTime(performance.now() - start);
    return failedReplicate({ condition: key, rep }, message(e), { generateMs: ms, totalMs: ms });
  }
  // One method after another: each sees the same frame, and a slow one delays only itself.
  const fits = [];
  for (const method of study.methods) {
    fits.push(
      finiteFit(await fitMethod(method, { ...setup, skip: task.skip, onMethod: task.onMethod })),
    );
  }
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

/** The context of one replicate's tests (its streams keyed by the replicate); undefined without tests. */
function replicateTests(
  study: StudyDefinition,
  at: { frame: ModelFrame; cp: CrossProducts; seed: number | string; key: string; rep: number },
): TestContext | undefined {
  if (!study.tests || study.tests.length === 0) return undefined;
  return testContext(at.frame, {
    alpha: study.alpha,
    seed: at.seed,
    bootstrapReplicates: study.bootstrapReplicates,
    crossProducts: at.cp,
    stream: (name) => deriveStream(at.seed, [at.key, at.rep, "test", name]),
  });
}
