/**
 * Reruns one replicate of a study, in a worker under the run's limits, so
 * a replicate that hangs, runs out of memory or kills its worker shows
 * what happened instead of taking the caller down.
 *
 * @module
 */

import { conditionKey } from "./design_grid.ts";
import { loadStudy } from "./load_study.ts";
import { studyConditions } from "./study.ts";
import { DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT, prepareMethods } from "./runner.ts";
import { runPool } from "./worker_pool.ts";
import type { ReplicateRecord } from "../store/records.ts";

/** Options of {@linkcode replayReplicate}. */
export interface ReplayOptions {
  /** Study seed. @default the study's `seed` */
  seed?: number | string;
  /** Time limit in seconds. @default the study's `timeout`, else 300 */
  timeout?: number;
  /** Memory limit in MiB. @default the study's `memoryLimit`, else 2048 */
  memoryLimit?: number;
}

/**
 * Parses a replay key `<condition key>:<rep>`, splitting on the last colon
 * (a condition key may hold colons); throws a RangeError unless the rep is
 * a non-negative integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseReplayKey } from "./replay.ts";
 * const key = parseReplayKey("groups=5;icc=0.05:17");
 * assert.deepEqual(key, { condition: "groups=5;icc=0.05", rep: 17 });
 * assert.deepEqual(parseReplayKey("time=12:30:0"), { condition: "time=12:30", rep: 0 });
 * assert.throws(() => parseReplayKey("groups=5;icc=0.05"), /is not of the form <condition>:<rep>/);
 * ```
 */
export function parseReplayKey(text: string): { condition: string; rep: number } {
  const at = text.lastIndexOf(":");
  const tail = at < 0 ? "" : text.slice(at + 1);
  if (at < 0 || !/^\d+$/.test(tail) || !Number.isSafeInteger(Number(tail))) {
    throw new RangeError(`replay key "${text}" is not of the form <condition>:<rep>`);
  }
  return { condition: text.slice(0, at), rep: Number(tail) };
}

/**
 * Runs replicate `key` (`<condition>:<rep>`) of the study at `studyUrl` in
 * a fresh worker and returns its record, exactly as a run would store it
 * (a failure record when it failed, timed out or killed its worker).
 * Throws a RangeError for a condition the study does not have. Cost: one
 * worker process (a few hundred ms) and the replicate itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { resolveStudy } from "./load_study.ts";
 * import { replayReplicate } from "./replay.ts";
 * const oneWay = resolveStudy("one-way");
 * const record = await replayReplicate(oneWay, "groups=5;icc=0.05:0");
 * assert.deepEqual([record.condition, record.rep, record.status], ["groups=5;icc=0.05", 0, "ok"]);
 * assert.deepEqual(record.fits.map((f) => f.method), ["REML", "ML", "ANOVA"]);
 * await assert.rejects(
 *   replayReplicate(oneWay, "groups=6;icc=0.05:0"),
 *   /has no condition "groups=6;icc=0.05"/,
 * );
 * ```
 */
export async function replayReplicate(
  studyUrl: string,
  key: string,
  options: ReplayOptions = {},
): Promise<ReplicateRecord> {
  const { condition: wanted, rep } = parseReplayKey(key);
  const study = await loadStudy(studyUrl);
  const conditions = studyConditions(study);
  const condition = conditions.find((c) => conditionKey(c) === wanted);
  if (!condition) {
    throw new RangeError(
      `study "${study.name}" has no condition "${wanted}": its conditions are ${
        conditions.map(conditionKey).join(", ")
      }`,
    );
  }
  let record: ReplicateRecord | null = null;
  const programs = await prepareMethods(study);
  await runPool([{ condition, rep }][Symbol.iterator](), {
    programs,
    studyUrl,
    seed: options.seed ?? study.seed,
    workers: 1,
    timeout: options.timeout ?? study.timeout ?? DEFAULT_TIMEOUT,
    memoryLimit: options.memoryLimit ?? study.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
    onRecord: (r) => void (record = r),
  });
  return record!;
}
