/**
 * A helper thread of the SIMD Cholesky (see `cholesky_threads.ts`): it runs
 * the super-panel prepass on the shared memory for the rows it is given, and
 * says when it is done. Its control slot: go (a task number), done (the last
 * task finished), ready, then the prepass's six arguments.
 *
 * @module
 */

import { workerData } from "node:worker_threads";
import { _panelPrepass, type PanelKernel } from "./_panel_prepass.ts";
import { _waitWhile } from "./_spin_wait.ts";

const { module, memory, control: buffer, slot } = workerData as {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  slot: number;
};
const GO = slot, DONE = slot + 1, READY = slot + 2, ARGS = slot + 4;
const control = new Int32Array(buffer);
const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports
  .kernel as PanelKernel;

Atomics.store(control, READY, 1);
let seen = 0;
for (;;) {
  seen = _waitWhile(control, GO, seen);
  const [base, n, j0, panels, from, to] = control.subarray(ARGS, ARGS + 6);
  _panelPrepass(kernel, { base, n, j0, panels, from, to });
  Atomics.store(control, DONE, seen);
  Atomics.notify(control, DONE);
}
