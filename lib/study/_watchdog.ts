/**
 * A worker process's watchdog, run as a Web Worker inside it, so that it
 * works even while study code is stuck in a loop on the main thread:
 * - a dead man's switch: when the runner that started the process is gone
 *   (its parent pid changes), the process must end. A worker thread cannot
 *   end its process without permissions study code should not have, but
 *   exhausting its own heap does: V8 aborts the whole process on an
 *   out-of-memory error;
 * - on SIGUSR2 (the runner's question when a replicate is past its time
 *   limit) it writes the protocol line `{ type: "method", name }`: the
 *   method the main thread is running, or null (see _method_beacon.ts);
 *   without a name when that was too long for the beacon and said in a
 *   line before.
 *
 * Its first message is the main thread's {@linkcode MethodBeacon}.
 *
 * @module
 */

import { ASKS_BY_SIGNAL, type MethodBeacon, postLine, readMethod } from "./_method_beacon.ts";

const parent = Deno.ppid;
setInterval(() => {
  if (Deno.ppid === parent) return;
  const hoard: unknown[] = [];
  for (;;) hoard.push(new Array(1 << 16).fill(hoard.length));
}, 500);

let beacon: MethodBeacon | null = null;
const scope = self as unknown as { onmessage: ((e: MessageEvent<MethodBeacon>) => void) | null };
scope.onmessage = (e) => beacon = e.data;

if (ASKS_BY_SIGNAL) {
  Deno.addSignalListener("SIGUSR2", () => {
    // Not set up yet: the runner kills the process without an answer. A name too long for the
    // beacon was said in a line: the answer has none.
    const b = beacon;
    if (b !== null) postLine(b, () => ({ type: "method", name: readMethod(b) }));
  });
}
