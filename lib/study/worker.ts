/**
 * The study worker: loads the study module once, then runs the replicates
 * it is sent and posts each record back as soon as it is done, so a worker
 * that dies loses only the replicate it was working on.
 *
 * Messages in: `{ type: "init", studyUrl, seed }`, `{ type: "run", tasks }`.
 * Messages out: `{ type: "ready" }`, `{ type: "record", record }`,
 * `{ type: "idle" }`, `{ type: "fatal", message }`, and
 * `{ type: "exit", reason, lost }` when the worker is about to die (study
 * code called `self.close()` or `Deno.exit`, or an error escaped), `lost`
 * naming the replicate it was running, if any.
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

/** The replicate a dying worker was running. */
export interface LostTask {
  readonly condition: string;
  readonly rep: number;
}

let study: StudyDefinition | null = null;
let seed: number | string = 0;
// The replicate being run; null between batches.
let current: WorkerTask | null = null;

const post = (message: unknown) => (self as unknown as Worker).postMessage(message);
const text = (e: unknown): string => e instanceof Error ? e.message : String(e);

// The parent learns of a death late (an error event, racing the records still
// in flight) or never (self.close()), so announce it on the ordered message
// channel, naming the replicate to blame. Deno.exit fires "unload"; close is wrapped.
let exiting = false;
const announceExit = (reason: string) => {
  if (exiting) return;
  exiting = true;
  const lost: LostTask | null = current &&
    { condition: conditionKey(current.condition), rep: current.rep };
  post({ type: "exit", reason, lost });
};
const scope = globalThis as unknown as { close(): void };
const close = scope.close.bind(scope);
scope.close = () => {
  announceExit("the worker closed itself (self.close() in study code)");
  close();
};
globalThis.addEventListener("unload", () => announceExit("Deno.exit in study code"));
globalThis.addEventListener("error", (e) => announceExit(`uncaught error: ${text(e.error)}`));
globalThis.addEventListener(
  "unhandledrejection",
  (e) => announceExit(`unhandled rejection: ${text(e.reason)}`),
);

globalThis.addEventListener("message", async (event) => {
  const msg = (event as MessageEvent<ToWorker>).data;
  if (msg.type === "init") {
    try {
      study = await loadStudy(msg.studyUrl);
      seed = msg.seed;
      post({ type: "ready" });
    } catch (e) {
      post({ type: "fatal", message: text(e) });
    }
    return;
  }
  for (const task of msg.tasks) {
    if (exiting) return;
    current = task;
    let record: ReplicateRecord;
    try {
      record = runReplicate(study!, task.condition, task.rep, seed);
    } catch (e) {
      // runReplicate turns study errors into records; this catches the rest, so
      // one bad replicate never takes the batch down with it.
      const key = conditionKey(task.condition);
      record = {
        condition: key,
        rep: task.rep,
        status: "error",
        message: `${text(e)} (replay with --replay '${key}:${task.rep}')`,
        generateMs: 0,
        totalMs: 0,
        fits: [],
      };
    }
    if (exiting) return; // closed during this replicate: the runner records it as failed
    current = null;
    post({ type: "record", record });
  }
  post({ type: "idle" });
});
