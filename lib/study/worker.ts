/**
 * The study worker: loads the study module once, then runs the replicates
 * it is sent and posts each record back as soon as it is done, so a worker
 * that dies loses only the replicate it was working on.
 *
 * Messages in: `{ type: "init", studyUrl, seed }`, `{ type: "run", tasks }`.
 * Messages out: `{ type: "ready" }`, `{ type: "record", record }`,
 * `{ type: "idle" }`, `{ type: "fatal", message }`, and `{ type: "exit" }`
 * when study code ends the worker (`self.close()`, `Deno.exit`), which
 * would otherwise leave the runner waiting forever.
 *
 * @module
 */

import { runReplicate } from "./replicate.ts";
import { loadStudy } from "./load_study.ts";
import type { StudyDefinition } from "./study.ts";
import { type Condition, conditionKey } from "./design_grid.ts";
import type { ReplicateRecord } from "../store/records.ts";

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

// A worker that closes itself gets no event in the parent: say so first. Deno.exit
// fires "unload" (self.close() does not), so both paths are covered.
let exiting = false;
const announceExit = () => {
  if (exiting) return;
  exiting = true;
  post({ type: "exit" });
};
const scope = globalThis as unknown as { close(): void };
const close = scope.close.bind(scope);
scope.close = () => {
  announceExit();
  close();
};
globalThis.addEventListener("unload", announceExit);

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
    if (exiting) return;
    let record: ReplicateRecord;
    try {
      record = runReplicate(study!, task.condition, task.rep, seed);
    } catch (e) {
      // runReplicate turns generator errors into records; this catches the rest
      // (a throwing truth function, say), so one bad replicate never kills the batch.
      const key = conditionKey(task.condition);
      record = {
        condition: key,
        rep: task.rep,
        status: "error",
        message: `${
          e instanceof Error ? e.message : String(e)
        } (replay with --replay '${key}:${task.rep}')`,
        generateMs: 0,
        totalMs: 0,
        fits: [],
      };
    }
    if (exiting) return;
    post({ type: "record", record });
  }
  post({ type: "idle" });
});
