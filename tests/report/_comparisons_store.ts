/**
 * A small store with hand-chosen estimates and intervals that the tests of
 * paired comparisons share: methods REML (the first, so the reference),
 * ML and ANOVA; condition `k=1` with five replicates and a sixth that
 * failed before any fit, ML's fit of replicate 4 failed, REML's of
 * replicate 1 did not converge; condition `k=0` with two replicates of
 * REML and ML, where ML's estimates do not vary. Every number is written
 * out here, so the tests can work the comparisons by hand.
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

/** The methods in study order (fit ordinals 0, 1, 2). */
export const METHODS = ["REML", "ML", "ANOVA"] as const;
type Method = typeof METHODS[number];

/** The true value of group1 in both conditions. */
export const TRUTH = 2;

/** Stored replicates of `k=1`: reps 0-4 fitted, rep 5 failed before any fit. */
export const ATTEMPTED_K1 = 6;

/**
 * `k=1`, group1 (truth 2), per method the estimate of reps 0-4 (null: the
 * fit failed) and per interval method the outcome: `H` ok and covering 2
 * (limits [0, 10]), `M` ok and missing it ([3, 4]), `U` undefined, `N` not
 * applicable, `-` none (the fit failed).
 */
export const K1: Record<
  Method,
  { group1: (number | null)[]; residual: (number | null)[]; wald: string; profile: string }
> = {
  REML: { group1: [1, 2, 3, 4, 5], residual: [1, 2, 3, 4, 5], wald: "HMMUH", profile: "HHHHH" },
  ML: { group1: [1, 3, 2, 5, null], residual: [1, 2, 3, 4, null], wald: "HHHU-", profile: "HHHH-" },
  ANOVA: {
    group1: [-1, 1, 3, 5, 7],
    residual: [5, 4, 3, 2, 1],
    wald: "MHMHM",
    profile: "NNNNN",
  },
};

/** REML's fit of this replicate of `k=1` did not converge (status `nonconverged`). */
export const NONCONVERGED_REP = 1;

/** `k=0`, group1 (truth 2), reps 0-1: REML varies, ML does not; no intervals. */
export const K0 = { REML: [1, 3], ML: [2, 2] };

function interval(name: string, code: string): IntervalRecord {
  if (code === "H") return { interval: name, lower: 0, upper: 10, status: "ok" };
  if (code === "M") return { interval: name, lower: 3, upper: 4, status: "ok" };
  const status = ({ U: "undefined", N: "not-applicable" } as const)[code];
  if (!status) throw new RangeError(`interval code is "${code}"; expected one of H, M, U, N`);
  return { interval: name, lower: null, upper: null, status };
}

function fit(method: string, parameters: ParameterRecord[], status: FitRecord["status"]) {
  return {
    method,
    status,
    converged: status === "ok",
    singular: false,
    evaluations: 1,
    fitMs: 0,
    message: status === "error" ? "boom" : null,
    parameters,
  };
}

function k1Fit(method: Method, rep: number): FitRecord {
  const m = K1[method];
  if (m.group1[rep] === null) return fit(method, [], "error");
  const parameters: ParameterRecord[] = [
    {
      parameter: "group1",
      truth: TRUTH,
      estimate: m.group1[rep],
      se: 0.5,
      intervals: [interval("wald", m.wald[rep]), interval("profile", m.profile[rep])],
    },
    // No true value: only the precision and correlation are defined.
    { parameter: "Residual", truth: null, estimate: m.residual[rep], se: null, intervals: [] },
  ];
  return fit(
    method,
    parameters,
    method === "REML" && rep === NONCONVERGED_REP ? "nonconverged" : "ok",
  );
}

const replicate = (condition: string, rep: number, fits: FitRecord[]): ReplicateRecord => ({
  condition,
  rep,
  status: fits.length > 0 ? "ok" : "error",
  message: fits.length > 0 ? null : "generation failed",
  generateMs: 0,
  totalMs: 1,
  fits,
});

/** The records of the comparisons store; with `methods`, only those methods' fits. */
export function comparisonRecords(methods: readonly string[] = METHODS): ReplicateRecord[] {
  const records: ReplicateRecord[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const fits = METHODS.filter((m) => methods.includes(m)).map((m) => k1Fit(m, rep));
    records.push(replicate("k=1", rep, fits));
  }
  records.push(replicate("k=1", 5, []));
  for (let rep = 0; rep < 2; rep++) {
    const fits = (["REML", "ML"] as const).filter((m) => methods.includes(m)).map((m) =>
      fit(m, [{
        parameter: "group1",
        truth: TRUTH,
        estimate: K0[m][rep],
        se: 0.5,
        intervals: [],
      }], "ok")
    );
    records.push(replicate("k=0", rep, fits));
  }
  return records;
}

/** Opens a store (in memory) holding the comparison records of `methods` and a manifest. */
export function comparisonStore(methods: readonly string[] = METHODS): ResultStore {
  const store = openStore(":memory:");
  store.writeManifest({
    study: "compared",
    config: { level: 0.95 },
    configHash: "c",
    seed: 7,
    reps: 6,
    shard: null,
    versions: {},
    createdAt: "2024-01-01T00:00:00.000Z",
    timings: {},
  });
  // Registered k=1 first: condition position, not name, orders the rows.
  store.registerConditions([
    { condition: "k=1", params: { k: 1 } },
    { condition: "k=0", params: { k: 0 } },
  ]);
  store.writeReplicates(comparisonRecords(methods));
  return store;
}
