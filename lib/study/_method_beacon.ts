/**
 * What a worker process's main thread shares with its watchdog thread
 * (_watchdog.ts), in one SharedArrayBuffer: the lock on its protocol output,
 * and the name of the method it is running. Setting the name is a few
 * stores, not a write to the runner, so a replicate's methods cost nothing
 * to announce; the watchdog reads it only when the runner asks (a
 * replicate past its time limit), even while study code hangs the main
 * thread.
 *
 * Both threads write protocol lines under the lock, and the main thread
 * clears the name before it writes a replicate's record: so an answer that
 * names a method always comes before that replicate's record, and the
 * runner can tie it to the first replicate it has no record of.
 *
 * @module
 */

/** The prefix of every protocol line a worker writes. */
export const FRAME = "\u001e@vcsim ";

/** Whether the system has SIGUSR2 (not Windows: there every method is announced by a line). */
export const ASKS_BY_SIGNAL = Deno.build.os !== "windows";

/** Int32 slots: the output lock, a sequence number (odd while the name changes), the name's bytes. */
const LOCK = 0, SEQUENCE = 1, LENGTH = 2, HEADER = 12;
/** Room for a method's name in UTF-8; a longer one is announced by a protocol line instead. */
export const NAME_BYTES = 1024;

/** The shared state (views of one SharedArrayBuffer; posting it to a thread shares it). */
export interface MethodBeacon {
  /** The lock, the sequence number and the name's length (-1: no method; -2: said in a line). */
  readonly state: Int32Array;
  /** The name's UTF-8 bytes. */
  readonly bytes: Uint8Array;
}

/** A new beacon: lock free, no method. */
export function createBeacon(): MethodBeacon {
  const buffer = new SharedArrayBuffer(HEADER + NAME_BYTES);
  const state = new Int32Array(buffer, 0, 3);
  state[LENGTH] = -1;
  return { state, bytes: new Uint8Array(buffer, HEADER) };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Sets the method running (null: none). Returns false when the name does
 * not fit in {@linkcode NAME_BYTES}: the caller must then announce it in a
 * line, and the watchdog's answer names none.
 */
export function setMethod(beacon: MethodBeacon, name: string | null): boolean {
  const { state, bytes } = beacon;
  const fits = name === null || name.length * 3 <= NAME_BYTES ||
    encoder.encode(name).length <= NAME_BYTES;
  Atomics.add(state, SEQUENCE, 1);
  const length = name === null ? -1 : fits ? encoder.encodeInto(name, bytes).written : -2;
  Atomics.store(state, LENGTH, length);
  Atomics.add(state, SEQUENCE, 1);
  return fits;
}

/** The method running, null for none, or undefined when it was said in a line; for the watchdog. */
export function readMethod(beacon: MethodBeacon): string | null | undefined {
  const { state, bytes } = beacon;
  for (;;) {
    const before = Atomics.load(state, SEQUENCE);
    if (before % 2 === 1) continue; // the main thread is between its two stores
    const length = Atomics.load(state, LENGTH);
    const name = length === -1
      ? null
      : length === -2
      ? undefined
      : decoder.decode(bytes.slice(0, length));
    if (Atomics.load(state, SEQUENCE) === before) return name;
  }
}

/**
 * Writes one protocol line to stdout: `message()`, made while holding the
 * output lock, so that lines of the two threads never interleave and an
 * answer reads the method in the order of the lines.
 */
export function postLine(beacon: MethodBeacon, message: () => unknown): void {
  const { state } = beacon;
  while (Atomics.compareExchange(state, LOCK, 0, 1) !== 0) Atomics.wait(state, LOCK, 1, 10);
  try {
    const line = encoder.encode(FRAME + JSON.stringify(message()) + "\n");
    for (let off = 0; off < line.length;) off += Deno.stdout.writeSync(line.subarray(off));
  } finally {
    Atomics.store(state, LOCK, 0);
    Atomics.notify(state, LOCK);
  }
}
