/**
 * A worker process's dead man's switch, run as a Web Worker inside it:
 * when the runner that started the process is gone (its parent pid
 * changes), the process must end even if study code is stuck in a loop on
 * its main thread. A worker thread cannot end its process without
 * permissions study code should not have, but exhausting its own heap does:
 * V8 aborts the whole process on an out-of-memory error.
 *
 * @module
 */

const parent = Deno.ppid;
setInterval(() => {
  if (Deno.ppid === parent) return;
  const hoard: unknown[] = [];
  for (;;) hoard.push(new Array(1 << 16).fill(hoard.length));
}, 500);
