/**
 * A small store with hand-chosen test outcomes that the report tests of
 * hypothesis tests share: six conditions (sd in {0, 0.5, 1} x n in {5, 10};
 * group1's true variance is sd^2, so sd = 0 gives sizes and the others
 * powers), REML and ML with tests lrt, rlrt and f of group1 (f is never
 * applicable to ML), Residual untested, an undefined and a failed test, a
 * non-converged REML fit, a failed ML fit and a failed replicate.
 *
 * @module
 */
import { openStore, type ResultStore } from "../../lib/store/store.ts";
import type {
  FitRecord,
  ParameterRecord,
  ReplicateRecord,
  TestRecord,
} from "../../lib/store/records.ts";

/**
 * Per condition, method and test the outcome of replicates 0-4: `R` ok and
 * rejects, `A` ok and does not reject, `U` undefined, `F` failed, `N` not
 * applicable, `-` no test (the fit or the whole replicate failed).
 */
export const PATTERNS: Record<string, Record<string, Record<string, string>>> = {
  "sd=0;n=5": {
    REML: { lrt: "RAAAU", rlrt: "RRAAA", f: "RAAAA" },
    ML: { lrt: "AAAAA", rlrt: "RAAAA", f: "NNNNN" },
  },
  "sd=0.5;n=5": {
    REML: { lrt: "RRAAA", rlrt: "RRRAA", f: "RRAAF" },
    ML: { lrt: "RAAAA", rlrt: "RRAAA", f: "NNNNN" },
  },
  "sd=1;n=5": {
    REML: { lrt: "RRRRA", rlrt: "RRRRR", f: "RRRRU" },
    ML: { lrt: "RR-RA", rlrt: "RR-RR", f: "NN-NN" },
  },
  "sd=0;n=10": {
    REML: { lrt: "AAAAA", rlrt: "RAAAA", f: "AAAAA" },
    ML: { lrt: "AAAAA", rlrt: "AAAAA", f: "NNNNN" },
  },
  "sd=0.5;n=10": {
    REML: { lrt: "RRRA-", rlrt: "RRRR-", f: "RRAA-" },
    ML: { lrt: "RRAA-", rlrt: "RRRA-", f: "NNNN-" },
  },
  "sd=1;n=10": {
    REML: { lrt: "RRRRR", rlrt: "RRRRR", f: "RRRRR" },
    ML: { lrt: "RRRRA", rlrt: "RRRRR", f: "NNNNN" },
  },
};

/** The conditions in design order, with their factors. */
export const TEST_CONDITIONS = [5, 10].flatMap((n) =>
  [0, 0.5, 1].map((sd) => ({ condition: `sd=${sd};n=${n}`, params: { sd, n } }))
);

/** REML of `sd=0;n=5` did not converge in this replicate (estimates and tests kept). */
export const NONCONVERGED_REP = 3;

function test(name: string, code: string): TestRecord {
  if (code === "R") return { test: name, statistic: 6.5, pValue: 0.01, reject: true, status: "ok" };
  if (code === "A") return { test: name, statistic: 0.5, pValue: 0.5, reject: false, status: "ok" };
  const status = ({ U: "undefined", F: "failed", N: "not-applicable" } as const)[code];
  if (!status) throw new RangeError(`test code ${code} is not one of R, A, U, F, N`);
  return { test: name, statistic: null, pValue: null, reject: null, status };
}

function fit(condition: string, method: string, rep: number, sd: number): FitRecord {
  const codes = Object.entries(PATTERNS[condition][method]).map(([t, p]) => [t, p[rep]]);
  if (codes.every(([, c]) => c === "-")) {
    return {
      method,
      status: "error",
      converged: false,
      singular: false,
      evaluations: 0,
      fitMs: 0,
      message: "boom",
      parameters: [],
    };
  }
  const estimate = sd * sd + 0.05 * (rep - 2);
  const group1: ParameterRecord = {
    parameter: "group1",
    truth: sd * sd,
    estimate,
    se: 0.1,
    intervals: [{ interval: "wald", lower: estimate - 0.2, upper: estimate + 0.2, status: "ok" }],
    tests: codes.map(([t, c]) => test(t, c)),
  };
  const residual: ParameterRecord = {
    parameter: "Residual",
    truth: 1,
    estimate: 1 + 0.01 * rep,
    se: 0.05,
    intervals: [],
  };
  const nonconverged = method === "REML" && condition === "sd=0;n=5" && rep === NONCONVERGED_REP;
  return {
    method,
    status: nonconverged ? "nonconverged" : "ok",
    converged: !nonconverged,
    singular: false,
    evaluations: 5,
    fitMs: 1,
    message: null,
    parameters: [group1, residual],
  };
}

/** The records of the tests store. */
export function testsRecords(): ReplicateRecord[] {
  const records: ReplicateRecord[] = [];
  for (const { condition, params } of TEST_CONDITIONS) {
    for (let rep = 0; rep < 5; rep++) {
      const failed = Object.values(PATTERNS[condition]).every((tests) =>
        Object.values(tests).every((p) => p[rep] === "-")
      );
      records.push({
        condition,
        rep,
        status: failed ? "error" : "ok",
        message: failed ? "generation failed" : null,
        generateMs: 0,
        totalMs: 1,
        fits: failed ? [] : ["REML", "ML"].map((m) => fit(condition, m, rep, params.sd)),
      });
    }
  }
  return records;
}

/** Opens a store at `path` (default in memory) holding the tests records and a manifest. */
export function testsStore(path = ":memory:", records = testsRecords()): ResultStore {
  const store = openStore(path);
  store.writeManifest({
    study: "tested",
    config: {
      level: 0.95,
      alpha: 0.05,
      factors: { sd: [0, 0.5, 1], n: [5, 10] },
      methods: ["REML", "ML"],
      intervals: ["wald"],
      tests: ["lrt", "rlrt", "f"],
    },
    configHash: "t",
    seed: 3,
    reps: 5,
    shard: null,
    versions: {},
    createdAt: "2024-01-01T00:00:00.000Z",
    timings: {},
  });
  store.registerConditions(TEST_CONDITIONS);
  store.writeReplicates(records);
  return store;
}
