/**
 * The study worker: loads the study module once, then runs the replicates
 * it is sent and posts each record back as soon as it is done, so a worker
 * that dies loses only the replicate it was working on.
 *
 * Messages in: `{ type: "init", studyUrl, seed }`, `{ type: "run", tasks }`.
 * Messages out: `{ type: "ready" }`, `{ type: "record", record }`,
 * `{ type: "idle" }`, `{ type: "fatal", message }`.
 *
 * @module
 */

import { runReplicate } from "./replicate.ts";
import { loadStudy } from "./load_study.ts";
import type { StudyDefinition } from "./study.ts";
import type { Condition } from "./design_grid.ts";

/** One replicate to run. */
export interface WorkerTask {
  readonly condition: Condition;
  readonly rep: number;
}

/** Messages the runner sends. */
export type ToWorker =
  | { type: "init"; studyUrl: string; seed: number | string }
  | { type: "run"; tasks: WorkerTask[] };

let study: StudyDefinition | null = null;
let seed: number | string = 0;

const post = (message: unknown) => (self as unknown as Worker).postMessage(message);

globalThis.addEventListener("message", async (event) => {
  const msg = (event as MessageEvent<ToWorker>).data;
  if (msg.type === "init") {
    try {
      study = await loadStudy(msg.studyUrl);
      seed = msg.seed;
      post({ type: "ready" });
    } catch (e) {
      post({ type: "fatal", message: e instanceof Error ? e.message : String(e) });
    }
    return;
  }
  for (const task of msg.tasks) {
    post({ type: "record", record: runReplicate(study!, task.condition, task.rep, seed) });
  }
  post({ type: "idle" });
});
