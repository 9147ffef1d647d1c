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

/** Parses a replay key `<condition key>:<rep>`, splitting on the last colon. */
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
