// Synthetic replicate records for store and report benchmarks: the shape of
// a real study's records (fits x parameters x intervals) without fitting.
import type { IntervalRecord, ReplicateRecord } from "../lib/store/mod.ts";

/** What each synthetic replicate holds. */
export interface SyntheticShape {
  methods: readonly string[];
  parameters: readonly string[];
  intervals: readonly string[];
  /** The interval of parameter `p` from method `m`, or its status when not defined. */
  interval?: (estimate: number, name: string, parameter: string) => IntervalRecord;
}

/** A replicate whose estimates vary smoothly with rep, so aggregates are not trivial. */
export function syntheticReplicate(
  condition: string,
  rep: number,
  shape: SyntheticShape,
): ReplicateRecord {
  const interval = shape.interval ??
    ((estimate: number, name: string) => ({
      interval: name,
      lower: estimate - 1,
      upper: estimate + 1,
      status: "ok" as const,
    }));
  return {
    condition,
    rep,
    status: "ok",
    message: null,
    generateMs: 0.25,
    totalMs: 4.5,
    fits: shape.methods.map((method, m) => ({
      method,
      status: "ok",
      converged: true,
      singular: (rep + m) % 17 === 0,
      evaluations: 20 + m,
      fitMs: 1.5,
      message: null,
      parameters: shape.parameters.map((parameter, p) => {
        const estimate = p + 1 + Math.sin(rep * 1.7 + m + p);
        return {
          parameter,
          truth: p + 1,
          estimate,
          se: 0.5 + 0.1 * Math.cos(rep + p),
          intervals: shape.intervals.map((name) => interval(estimate, name, parameter)),
        };
      }),
    })),
  };
}
