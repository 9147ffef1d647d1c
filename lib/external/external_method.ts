/**
 * Other software as a study's estimation method: an adapter program (R with
 * lme4, Python with statsmodels, anything that speaks the protocol) fits
 * each replicate's data beside vcsim's own methods, on the same replicates.
 *
 * Process model: each worker process starts ONE adapter process per
 * command line (`command` + `args`), lazily on its first fit, and keeps it
 * for every later replicate (methods with the same command line share it).
 * Requests and replies are JSON lines on its stdin and stdout, one reply per
 * request, in order; see adapter_protocol.ts for the messages.
 *
 * Supervision:
 * - the adapter replies `ok: false`, or its reply lacks a variance: that
 *   fit fails with the message; the adapter is kept;
 * - the adapter dies, or sends a line that is not a JSON object with the
 *   request's id: that fit fails with a message saying so, the process is
 *   dropped (killed) and a new one is started for the next replicate;
 * - the adapter hangs: the runner's per-replicate time limit kills the
 *   worker, which closes the adapter's stdin; the adapter must end at
 *   stdin EOF (the shipped ones do), and the replicate is rerun without
 *   this method's fit.
 *
 * Before any replicate the runner calls the method's `check` in the main
 * process: it runs `command args... --check`, which must load the software
 * and exit 0, else the run stops with one line, e.g. `lme4 is not
 * available: Rscript .../lme4_adapter.R --check failed: <first line of its
 * stderr>`. The method's `programs` (`[command]`) are granted to the
 * workers as `--allow-run=<command>`; nothing else is needed (the adapter
 * inherits the worker's environment without `--allow-env`).
 *
 * @module
 */

import type { ModelFrame } from "../model/frame.ts";
import type { MethodPlugin, MethodResult } from "../fit/method_plugin.ts";
import { errorText } from "../_error_text.ts";
import { adapterRequest, GarbageReplyError, parseReply, replyResult } from "./adapter_protocol.ts";
import { type AdapterProcess, commandLine, startAdapter } from "./_adapter_process.ts";

/** Options of {@linkcode externalMethod}. */
export interface ExternalMethodOptions {
  /** The method's name in the store and the reports, e.g. `lme4-REML`. */
  readonly name: string;
  /** The program that starts the adapter, e.g. `Rscript` (as found on PATH) or a path. */
  readonly command: string;
  /** Its arguments, e.g. the adapter script's path. @default [] */
  readonly args?: readonly string[];
  /** What the adapter maximizes. @default "REML" */
  readonly criterion?: "REML" | "ML";
  /** Passed to the adapter with every request (`settings`). @default {} */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** What the check says is missing, e.g. `lme4`. @default the name */
  readonly software?: string;
  /** How long the check may take, in seconds. @default 120 */
  readonly checkTimeout?: number;
}

const NAME = /^[A-Za-z0-9][\w.-]*$/;

/** Adapters of this worker process, by command line. */
const running = new Map<string, AdapterProcess>();
/** Exchanges in order: one request at a time per process. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Closes every adapter this process started and waits for them to end.
 * Workers need not call it (their adapters end with them); a program that
 * fits external methods in its own process calls it before it ends. The
 * next fit of an external method starts its adapter anew.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { externalMethod, stopAdapters } from "./external_method.ts";
 * import type { MethodContext } from "../fit/method_plugin.ts";
 * // The test suite's fake adapter: variance 1 for every term, "request <k>" in its messages.
 * const fake = new URL("../../tests/external/_fake_adapter.ts", import.meta.url).href;
 * const method = externalMethod({
 *   name: "fake",
 *   command: Deno.execPath(),
 *   args: ["run", "--quiet", fake],
 * });
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 5, 6]), X: new Float64Array(4).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1]), levels: ["a", "b"] }],
 * };
 * const context = {} as MethodContext; // an external fit reads none of it
 * const first = await method.fit(frame, context);
 * assert.deepEqual(first.variances, { g: 1, Residual: 1 });
 * assert.ok(first.messages?.includes("request 1"));
 * assert.ok((await method.fit(frame, context)).messages?.includes("request 2"));
 * await stopAdapters();
 * // A new adapter process: its first request again.
 * assert.ok((await method.fit(frame, context)).messages?.includes("request 1"));
 * await stopAdapters();
 * ```
 */
export async function stopAdapters(): Promise<void> {
  const all = [...running.values()];
  running.clear();
  await Promise.all(all.map((a) => a.close()));
}

function checkOptions(o: ExternalMethodOptions): void {
  if (typeof o?.name !== "string" || !NAME.test(o.name)) {
    throw new TypeError(
      `external method name must be a word (letters, digits, _ . -), got ${
        JSON.stringify(o?.name)
      }`,
    );
  }
  if (typeof o.command !== "string" || o.command === "" || o.command.includes(",")) {
    throw new TypeError(
      `command of external method "${o.name}" must be a program name or path without commas, got ${
        JSON.stringify(o.command)
      }`,
    );
  }
  if (
    o.args !== undefined && !(Array.isArray(o.args) && o.args.every((a) => typeof a === "string"))
  ) {
    throw new TypeError(`args of external method "${o.name}" must be an array of strings`);
  }
  if (o.criterion !== undefined && o.criterion !== "REML" && o.criterion !== "ML") {
    throw new TypeError(
      `criterion of external method "${o.name}" must be "REML" or "ML", got ${
        JSON.stringify(o.criterion)
      }`,
    );
  }
}

/** The adapter for `o`'s command line, started if this process has none. */
function adapterOf(o: ExternalMethodOptions): AdapterProcess {
  const args = o.args ?? [];
  const key = JSON.stringify([o.command, args]);
  let adapter = running.get(key);
  if (!adapter) {
    try {
      adapter = startAdapter(o.command, args);
    } catch (e) {
      throw new Error(
        `the adapter ${commandLine(o.command, args)} could not be started: ${errorText(e)}`,
      );
    }
    running.set(key, adapter);
  }
  return adapter;
}

/** Drops `adapter` (killing it), so that the next fit starts a new one. */
function drop(adapter: AdapterProcess): void {
  for (const [key, a] of running) if (a === adapter) running.delete(key);
  adapter.kill();
}

async function fitExternal(frame: ModelFrame, o: ExternalMethodOptions): Promise<MethodResult> {
  const adapter = adapterOf(o);
  const request = adapterRequest(frame, {
    id: adapter.nextId(),
    criterion: o.criterion ?? "REML",
    settings: o.settings,
  });
  let line: string;
  try {
    line = await adapter.exchange(JSON.stringify(request));
  } catch (e) {
    drop(adapter);
    throw new Error(`${errorText(e)}: it is restarted for the next replicate`);
  }
  try {
    return replyResult(parseReply(line, request), request);
  } catch (e) {
    if (!(e instanceof GarbageReplyError)) throw e;
    drop(adapter);
    throw new Error(`${e.message} (${adapter.label}): it is restarted for the next replicate`);
  }
}

/** Runs `command args... --check`; throws one line saying why the software is not available. */
async function checkAdapter(o: ExternalMethodOptions): Promise<void> {
  const args = [...(o.args ?? []), "--check"];
  const failed = (why: string) =>
    new Error(
      `${o.software ?? o.name} is not available: ${commandLine(o.command, args)} failed: ${why}`,
    );
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(o.command, { args, stdin: "null", stdout: "piped", stderr: "piped" })
      .spawn();
  } catch (e) {
    throw failed(errorText(e));
  }
  const seconds = o.checkTimeout ?? 120;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<null>((resolve) =>
    timer = setTimeout(() => resolve(null), seconds * 1000)
  );
  const output = await Promise.race([child.output(), expired]);
  clearTimeout(timer);
  if (output === null) {
    try {
      child.kill("SIGKILL");
    } catch { /* ended meanwhile */ }
    await child.output().catch(() => {});
    throw failed(`no answer in ${seconds} s`);
  }
  if (output.success) return;
  const first = new TextDecoder().decode(output.stderr).split("\n").map((l) => l.trim())
    .find((l) => l !== "");
  throw failed(
    first ?? (output.signal ? `killed by ${output.signal}` : `exited with code ${output.code}`),
  );
}

/**
 * An estimation method fitted by an external adapter program, one
 * persistent process per worker; see the module documentation for the
 * process model and adapter_protocol.ts for the protocol.
 *
 * @example
 * ```ts ignore
 * import { defineStudy, externalMethod, nested } from "./mod.ts";
 * const lme4Reml = externalMethod({
 *   name: "lme4-REML",
 *   command: "Rscript",
 *   args: ["lib/external/lme4_adapter.R"],
 *   software: "lme4",
 * });
 * // methods: ["reml", lme4Reml] in a study
 * ```
 */
export function externalMethod(options: ExternalMethodOptions): MethodPlugin {
  checkOptions(options);
  const o = { ...options, args: [...(options.args ?? [])] };
  return {
    name: o.name,
    programs: [o.command],
    fit: (frame) => {
      // One exchange at a time, in order, whatever else this process runs.
      const result = queue.then(() => fitExternal(frame, o));
      queue = result.catch(() => {});
      return result;
    },
    check: () => checkAdapter(o),
  };
}
