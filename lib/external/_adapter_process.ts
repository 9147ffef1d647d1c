/**
 * One running adapter process: requests go to its stdin, reply lines come
 * from its stdout, its stderr is passed on (and its last lines kept for
 * messages). One exchange at a time. When the process ends, the pending
 * exchange (or the next one) fails with why it ended.
 *
 * @module
 */

import { errorText } from "../_error_text.ts";

/** Stderr characters kept for messages. */
const TAIL = 2048;
/** A reply longer than this without a newline is garbage, not a reply (64 MiB). */
const MAX_LINE = 64 * 1024 * 1024;
/** How long to wait for the last of stderr once the process has ended, ms. */
const STDERR_GRACE_MS = 500;

const encoder = new TextEncoder();

/** The command line of `command` with `args`, for messages. */
export function commandLine(command: string, args: readonly string[]): string {
  return [command, ...args].map((a) => /[\s"']/.test(a) || a === "" ? JSON.stringify(a) : a)
    .join(" ");
}

/** The last non-empty line of `text`, or "". */
function lastLine(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  return lines.at(-1) ?? "";
}

function passOn(text: string): void {
  try {
    Deno.stderr.writeSync(encoder.encode(text + "\n"));
  } catch { /* stderr closed: nothing to tell */ }
}

/** Splits a byte stream into lines (without "\n" or "\r\n"), calling `line` for each. */
async function eachLine(
  stream: ReadableStream<Uint8Array>,
  line: (text: string) => void,
): Promise<void> {
  let buffered = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    buffered += text;
    let end: number;
    while ((end = buffered.indexOf("\n")) >= 0) {
      line(buffered.slice(0, end).replace(/\r$/, ""));
      buffered = buffered.slice(end + 1);
    }
    if (buffered.length > MAX_LINE) {
      line(buffered.slice(0, 200));
      buffered = "";
    }
  }
  if (buffered !== "") line(buffered);
}

/** A started adapter; see {@linkcode startAdapter}. */
export interface AdapterProcess {
  /** The adapter's process id. */
  readonly pid: number;
  /** The command line, for messages. */
  readonly label: string;
  /** The next request id. */
  nextId(): number;
  /**
   * Writes `line` and resolves with the next non-empty stdout line;
   * rejects (with why the process ended) when it ends first.
   */
  exchange(line: string): Promise<string>;
  /** Kills the process (SIGKILL). */
  kill(): void;
  /** Closes its stdin and resolves once it has ended and its output is read. */
  close(): Promise<void>;
}

/** Lines in arrival order, taken one at a time; null once they have ended. */
class LineQueue {
  readonly #lines: string[] = [];
  #waiter: ((line: string | null) => void) | null = null;
  #ended = false;

  get waiting(): boolean {
    return this.#waiter !== null;
  }

  push(line: string): void {
    const w = this.#waiter;
    this.#waiter = null;
    if (w) w(line);
    else this.#lines.push(line);
  }

  end(): void {
    this.#ended = true;
    const w = this.#waiter;
    this.#waiter = null;
    w?.(null);
  }

  /** The next line, or null when none will come. */
  next(): Promise<string | null> {
    if (this.#lines.length > 0) return Promise.resolve(this.#lines.shift()!);
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiter = resolve);
  }

  /** Forgets a pending `next` (its caller gave up). */
  cancel(): void {
    this.#waiter = null;
  }
}

/**
 * Starts `command` with `args`, its three streams piped. Throws when it
 * cannot be started (not found, no permission).
 */
export function startAdapter(command: string, args: readonly string[]): AdapterProcess {
  const label = commandLine(command, args);
  const child = new Deno.Command(command, {
    args: [...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const input = child.stdin.getWriter();
  const replies = new LineQueue();
  let tail = "";
  // Once stdout has ended, no reply can come: a waiting exchange is told so.
  const stdout = eachLine(child.stdout, (text) => {
    if (text.trim() !== "") replies.push(text);
  }).catch(() => {}).then(() => replies.end());
  const stderr = eachLine(child.stderr, (text) => {
    tail = (tail + text + "\n").slice(-TAIL);
    passOn(text);
  }).catch(() => {});
  const endReason = async (): Promise<string> => {
    const s = await child.status;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      stderr,
      new Promise<void>((resolve) => timer = setTimeout(resolve, STDERR_GRACE_MS)),
    ]);
    clearTimeout(timer);
    const how = s.signal ? `was killed by ${s.signal}` : `exited with code ${s.code}`;
    const said = lastLine(tail);
    return `the adapter ${label} ${how}${said ? ` (${said})` : ""}`;
  };
  let id = 0;
  return {
    pid: child.pid,
    label,
    nextId: () => ++id,
    async exchange(line) {
      if (replies.waiting) throw new Error(`the adapter ${label} is already busy with a request`);
      const reply = replies.next();
      try {
        await input.write(encoder.encode(line + "\n"));
      } catch (e) {
        replies.cancel();
        await stdout;
        throw new Error(`${await endReason()}; writing to it failed: ${errorText(e)}`);
      }
      const got = await reply;
      if (got === null) throw new Error(await endReason());
      return got;
    },
    kill() {
      try {
        child.kill("SIGKILL");
      } catch { /* already ended */ }
    },
    async close() {
      await input.close().catch(() => {});
      await Promise.all([child.status, stdout, stderr]);
    },
  };
}
