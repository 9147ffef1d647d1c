// A criterion helper whose every task fails (tests/fit/parallel_criterion.test.ts): it says it
// is ready, then answers each task with the failure flag and no values.
import { workerData } from "node:worker_threads";
import { DONE, FAILED, GO, READY } from "../../lib/fit/_criterion_slots.ts";

const control = new Int32Array(workerData.control as SharedArrayBuffer);
Atomics.store(control, READY, 1);
let seen = 0;
for (;;) {
  while (Atomics.load(control, GO) === seen) Atomics.wait(control, GO, seen, 100);
  seen = Atomics.load(control, GO);
  control[FAILED] = 1;
  Atomics.store(control, DONE, seen);
  Atomics.notify(control, DONE);
}
