// Small hand-written records for the report's tests: replicates of one condition whose fits
// are all ok, with the parameters given.
import type { FitRecord, ParameterRecord, ReplicateRecord } from "../../lib/store/records.ts";

/** An ok, converged fit of `method` with `parameters`. */
export function okFit(method: string, parameters: ParameterRecord[]): FitRecord {
  return {
    method,
    status: "ok",
    converged: true,
    singular: false,
    evaluations: 1,
    fitMs: 0,
    message: null,
    parameters,
  };
}

/** Replicate `rep` of condition "c" with `fits`, ok and untimed. */
export function okReplicate(rep: number, fits: FitRecord[]): ReplicateRecord {
  return { condition: "c", rep, status: "ok", message: null, generateMs: 0, totalMs: 0, fits };
}
