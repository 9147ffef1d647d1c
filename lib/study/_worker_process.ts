/**
 * One worker process: spawned with its heap capped, spoken to in JSON
 * lines, killed at will. Its protocol lines are decoded; any other output
 * (study code's console) is passed on to this process's stderr.
 *
 * @module
 */

import type { FromWorker, ToWorker } from "./worker.ts";
import { FRAME } from "./_method_beacon.ts";

/** A running worker process; see {@linkcode spawnWorker}. */
export interface WorkerProcess {
  /** Sends a message (ignored once the process has ended). */
  send(message: ToWorker): void;
  /** Kills the process (SIGKILL); its output is still read to the end. */
  kill(): void;
  /** Asks which method it is running (SIGUSR2: its watchdog thread answers). */
  ask(): void;
  /** Tells it the run is stopping (SIGINT): it stores what it finished, and says so. */
  interrupt(): void;
  /** Its resident memory in bytes, or null where the system does not tell. */
  residentBytes(): number | null;
}

/** Options of {@linkcode spawnWorker}. */
export interface SpawnOptions {
  /** The worker's JavaScript heap limit in MiB. */
  readonly memoryLimit: number;
  /**
   * Programs the worker may run (`--allow-run=<these>`; no other permission is
   * needed to spawn them). @default none: the worker may only read files
   */
  readonly programs?: readonly string[];
  /**
   * The results store the worker writes its records into: it may write that
   * file and SQLite's files beside it (`-wal`, `-shm`, `-journal`), nothing
   * else, and gives up even that once it has the store open, before it loads
   * the study (worker.ts). @default none: it writes nothing
   */
  readonly storePath?: string;
  /** Every protocol message, in order. */
  readonly onMessage: (message: FromWorker) => void;
  /** Called once, after the last message, with why the process ended. */
  readonly onEnd: (reason: string) => void;
}

const WORKER = new URL("./worker.ts", import.meta.url);
const CONFIG = new URL("../../deno.json", import.meta.url);
const TAIL = 4096;

/** The arguments of `deno` that run a worker. */
function workerArgs(options: SpawnOptions): string[] {
  const { memoryLimit, programs = [], storePath } = options;
  const storeFiles = storePath && ["", "-wal", "-shm", "-journal"].map((end) => storePath + end);
  const args = [
    "run",
    "--quiet",
    "--no-prompt",
    "--allow-read",
    ...(programs.length > 0 ? [`--allow-run=${programs.join(",")}`] : []),
    ...(storeFiles ? [`--allow-write=${storeFiles.join(",")}`] : []),
    // A young generation of 2 MiB semi-spaces (V8's default grows them to 16 MiB): a replicate's
    // garbage is collected sooner, which holds a worker near 150 MiB resident instead of 225,
    // at no cost in time measured on the nested study.
    `--v8-flags=--max-old-space-size=${memoryLimit},--max-semi-space-size=2`,
  ];
  if (CONFIG.protocol === "file:") args.push("--config", decodeURIComponent(CONFIG.pathname));
  return [...args, WORKER.protocol === "file:" ? decodeURIComponent(WORKER.pathname) : WORKER.href];
}

/** Why a worker ended, in a user's words, from its status and the end of its stderr. */
function describeEnd(status: Deno.CommandStatus, stderrTail: string, memoryLimit: number): string {
  if (/out of memory|heap limit|allocation failed/i.test(stderrTail)) {
    return `out of memory (the worker's JavaScript heap limit is ${memoryLimit} MiB)`;
  }
  if (status.signal) return `the worker was killed by ${status.signal}`;
  return `the worker exited with code ${status.code}`;
}

/** Splits a text stream into lines, calling `line` for each (the last one even without "\n"). */
async function eachLine(stream: ReadableStream<Uint8Array>, line: (text: string) => void) {
  let buffered = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    buffered += text;
    let end: number;
    while ((end = buffered.indexOf("\n")) >= 0) {
      line(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
    }
  }
  if (buffered !== "") line(buffered);
}

const encoder = new TextEncoder();
const passOn = (text: string) => {
  try {
    Deno.stderr.writeSync(encoder.encode(text + "\n"));
  } catch { /* stderr closed: nothing to tell */ }
};

/** Starts a worker process. */
export function spawnWorker(options: SpawnOptions): WorkerProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: workerArgs(options),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const input = child.stdin.getWriter();
  let tail = "";
  const stdout = eachLine(child.stdout, (text) => {
    if (text.startsWith(FRAME)) options.onMessage(JSON.parse(text.slice(FRAME.length)));
    else passOn(text);
  });
  const stderr = eachLine(child.stderr, (text) => {
    tail = (tail + text + "\n").slice(-TAIL);
    passOn(text);
  });
  // Its stdin must be closed too, or the open pipe keeps this process alive.
  const closeInput = () => input.close().catch(() => {});
  Promise.all([child.status, stdout, stderr]).then(
    ([status]) => {
      closeInput();
      options.onEnd(describeEnd(status, tail, options.memoryLimit));
    },
    (e) => {
      closeInput();
      options.onEnd(`the worker's output could not be read: ${e?.message ?? e}`);
    },
  );
  let ended = false;
  child.status.then(() => ended = true);
  const signal = (name: Deno.Signal) => {
    if (ended) return;
    try {
      child.kill(name);
    } catch { /* already gone */ }
  };
  return {
    send(message) {
      if (ended) return;
      input.write(encoder.encode(JSON.stringify(message) + "\n")).catch(() => {});
    },
    kill: () => signal("SIGKILL"),
    ask: () => signal("SIGUSR2"),
    interrupt: () => signal("SIGINT"),
    residentBytes() {
      try {
        const pages = Number(Deno.readTextFileSync(`/proc/${child.pid}/statm`).split(" ")[1]);
        return Number.isFinite(pages) ? pages * 4096 : null;
      } catch {
        return null;
      }
    },
  };
}
