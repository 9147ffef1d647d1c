/**
 * A small store with hand-chosen numbers that the report tests share: two
 * conditions (registered out of alphabetical order), REML with Wald and
 * profile intervals, ANOVA without intervals, a failed fit, a failed
 * replicate, a missing SE, undefined / failed / not-applicable intervals,
 * a non-converged fit among converged ones and a condition whose fits are
 * all non-converged.
 *
 * @module
 */
import { openStore, type ResultStore } from "../../lib/store/store.ts";
import type {
  FitRecord,
  IntervalRecord,
  ParameterRecord,
  ReplicateRecord,
} from "../../lib/store/records.ts";

/** One interval: `[lower, upper]` is ok; a status string is that status without limits. */
export type Iv = [number, number] | "undefined" | "failed" | "not-applicable";

const iv = (interval: string, x: Iv): IntervalRecord =>
  Array.isArray(x)
    ? { interval, lower: x[0], upper: x[1], status: "ok" }
    : { interval, lower: null, upper: null, status: x };

/**
 * Per replicate of condition `a=1`: REML group1 estimate, SE, Wald and
 * profile intervals, and whether the REML fit converged (rep 1's did not:
 * status `nonconverged`, estimates and intervals kept).
 */
export const REML_GROUP1 = {
  truth: 2,
  converged: [true, false, true, true],
  estimate: [1.5, 2.5, 3.0, 0.0],
  se: [0.5, 0.7, null, 0.6],
  singular: [false, false, false, true],
  wald: [[0.5, 2.5], [1.0, 1.9], "undefined", [2.1, 3.0]] as Iv[],
  profile: [[1, 3], "failed", [1.9, 4], "not-applicable"] as Iv[],
};

/** REML (Intercept) of `a=1`: truth 0, so no relative bias; profile never applies. */
export const REML_INTERCEPT = {
  truth: 0,
  estimate: [0.1, -0.2, 0.3, 0.0],
  se: [0.1, 0.1, 0.1, 0.1],
  wald: [[-0.1, 0.3], [-0.4, 0.0], [0.1, 0.5], [-0.2, 0.2]] as Iv[],
};

/** ANOVA group1 of `a=1`: rep 2's fit failed (null); rep 3 negative (singular). */
export const ANOVA_GROUP1 = { truth: 2, estimate: [1.0, 2.0, null, -0.5] };

/** REML group1 of `a=0` (truth 1, SE 0.2, Wald estimate +- 0.5): both fits non-converged. */
export const A0_ESTIMATES = [0.9, 1.1];

/** Stored replicates of `a=1` (rep 4 failed before any fit). */
export const ATTEMPTED = 5;

function remlFit(rep: number): FitRecord {
  const g = REML_GROUP1, i = REML_INTERCEPT;
  const parameters: ParameterRecord[] = [
    {
      parameter: "group1",
      truth: g.truth,
      estimate: g.estimate[rep],
      se: g.se[rep],
      intervals: [iv("wald", g.wald[rep]), iv("profile", g.profile[rep])],
    },
    {
      parameter: "(Intercept)",
      truth: i.truth,
      estimate: i.estimate[rep],
      se: i.se[rep],
      intervals: [iv("wald", i.wald[rep]), iv("profile", "not-applicable")],
    },
  ];
  return {
    method: "REML",
    status: g.converged[rep] ? "ok" : "nonconverged",
    converged: g.converged[rep],
    singular: g.singular[rep],
    evaluations: 10,
    fitMs: 1,
    message: null,
    parameters,
  };
}

function anovaFit(rep: number): FitRecord {
  const estimate = ANOVA_GROUP1.estimate[rep];
  if (estimate === null) {
    return {
      method: "ANOVA",
      status: "error",
      converged: false,
      singular: false,
      evaluations: 0,
      fitMs: 0,
      message: "boom",
      parameters: [],
    };
  }
  return {
    method: "ANOVA",
    status: "ok",
    converged: true,
    singular: estimate < 0,
    evaluations: 0,
    fitMs: 0,
    message: null,
    parameters: [
      { parameter: "group1", truth: 2, estimate, se: null, intervals: [] },
      { parameter: "(Intercept)", truth: 0, estimate: 0.5 * rep, se: null, intervals: [] },
    ],
  };
}

/** The records of the fixed store. */
export function fixedRecords(): ReplicateRecord[] {
  const records: ReplicateRecord[] = [];
  for (let rep = 0; rep < 4; rep++) {
    records.push({
      condition: "a=1",
      rep,
      status: "ok",
      message: null,
      generateMs: 0,
      totalMs: 1,
      fits: [remlFit(rep), anovaFit(rep)],
    });
  }
  records.push({
    condition: "a=1",
    rep: 4,
    status: "error",
    message: "generation failed",
    generateMs: 0,
    totalMs: 0,
    fits: [],
  });
  // Condition a=0: two replicates, REML group1 only, registered second; both
  // fits non-converged.
  for (const [rep, estimate] of A0_ESTIMATES.entries()) {
    records.push({
      condition: "a=0",
      rep,
      status: "ok",
      message: null,
      generateMs: 0,
      totalMs: 1,
      fits: [{
        ...remlFit(0),
        status: "nonconverged",
        converged: false,
        singular: false,
        parameters: [{
          parameter: "group1",
          truth: 1,
          estimate,
          se: 0.2,
          intervals: [iv("wald", [estimate - 0.5, estimate + 0.5])],
        }],
      }],
    });
  }
  return records;
}

/** Opens a store at `path` (default in memory) holding the fixed records and a manifest. */
export function fixedStore(path = ":memory:"): ResultStore {
  const store = openStore(path);
  store.writeManifest({
    study: "fixed",
    config: { level: 0.95 },
    configHash: "0",
    seed: 1,
    reps: 5,
    shard: null,
    versions: {},
    createdAt: "2024-01-01T00:00:00.000Z",
    timings: {},
    ademp: { aims: "Check every measure against hand computation." },
  });
  store.registerConditions([
    { condition: "a=1", params: { a: 1 } },
    { condition: "a=0", params: { a: 0 } },
  ]);
  store.writeReplicates(fixedRecords());
  return store;
}
