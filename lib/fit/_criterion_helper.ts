/**
 * A helper thread of `_parallel_criterion.ts`: it builds its own factor from
 * the cross-products it is given, then, for each task, evaluates the
 * profiled criterion at the points it finds in the shared data block and
 * writes the values after them. Its control slots: go (a task number), done
 * (the last task finished), ready, the task's point count, and whether the
 * task failed (then the caller evaluates those points itself).
 *
 * @module
 */

import { workerData } from "node:worker_threads";
import type { CrossProducts } from "../model/cross_products.ts";
import { _waitWhile } from "../linalg/_spin_wait.ts";
import { blockedFactor } from "./blocked_factor.ts";
import { profiledCriterion } from "./fit.ts";
import { COUNT, DONE, FAILED, GO, READY } from "./_criterion_slots.ts";

const { cp, reml, control: controlBuffer, data: dataBuffer, capacity } = workerData as {
  cp: CrossProducts;
  reml: boolean;
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
  capacity: number;
};
const control = new Int32Array(controlBuffer), data = new Float64Array(dataBuffer);
const factor = blockedFactor(cp);
const K = cp.nlevels.length, options = { n: cp.n, p: cp.p, reml };

Atomics.store(control, READY, 1);
let seen = 0;
for (;;) {
  seen = _waitWhile(control, GO, seen);
  let failed = 0;
  try {
    for (let i = 0; i < control[COUNT]; i++) {
      const theta = data.subarray(i * K, (i + 1) * K);
      data[capacity * K + i] = factor.update(theta) ? profiledCriterion(factor, options) : Infinity;
    }
  } catch {
    failed = 1;
  }
  control[FAILED] = failed;
  Atomics.store(control, DONE, seen);
  Atomics.notify(control, DONE);
}
