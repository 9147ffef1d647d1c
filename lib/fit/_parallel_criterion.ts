/**
 * The profiled criterion of a large crossed design evaluated at several
 * points at once: the Newton minimiser's points of differences are
 * independent, so a helper thread with its own factor takes half of them
 * while this thread evaluates the rest. Each value is computed by the same
 * code from the same cross-products, so the fit is the same to the bit
 * with or without the helper (and whether or not it is ready in time).
 *
 * Used when more than one thread is set (`setCholeskyThreads`, as
 * `deno task fit` does) and the dense block has at least
 * {@linkcode PARALLEL_FROM} positions. Meanwhile this thread's
 * factorisations are not shared with the Cholesky's helpers: the two
 * evaluations keep two cores busy. The helper starts with the fit and is
 * not waited for: this thread takes points from the front, and gives the
 * helper the back half of those left as soon as it says it is ready (so
 * even the first batch is shared once the helper is up). It is `unref`'d
 * and ended with the fit; a helper whose task fails or takes far longer
 * than this thread's share leaves its points to this thread.
 *
 * @module
 */

import type { Worker } from "node:worker_threads";
import type { CrossProducts } from "../model/cross_products.ts";
import { _choleskyAlone, choleskyThreads } from "../linalg/cholesky_threads.ts";
import { _waitWhile } from "../linalg/_spin_wait.ts";
import { _startHelper } from "../linalg/_helper_thread.ts";
import { COUNT, DONE, FAILED, GO, READY, SLOTS } from "./_criterion_slots.ts";

/** Smallest dense block (positions outside the largest term) whose points are shared. */
export const PARALLEL_FROM = 500;
/** The helper's patience: this long plus 20 times this thread's own share of a task. */
const PATIENCE_MS = 60_000;

/** Points evaluated by {@linkcode ParallelCriterion.evaluateAll} and by its helper, so far. */
export interface ParallelCounts {
  points: number;
  helped: number;
}

const total = { helped: 0 };

/** Points evaluated by helpers since the process started (for tests and diagnostics). */
export function _parallelCriterionHelped(): number {
  return total.helped;
}

/** A helper thread for one fit's criterion; see the module. */
export interface ParallelCriterion {
  /** `objective` at each point, in order, about half of them by the helper. */
  evaluateAll(points: readonly Float64Array[], objective: (x: Float64Array) => number): number[];
  /** Ends the helper. */
  close(): void;
  readonly counts: ParallelCounts;
}

/**
 * A helper for the criterion (REML with `reml`, else ML) of `cp`, or null
 * when one thread is set, the design is too small or nested, or no thread
 * can be started. `helper` replaces the helper's module (for tests).
 */
export function parallelCriterion(
  cp: CrossProducts,
  options: { reml: boolean; helper?: URL },
): ParallelCriterion | null {
  const K = cp.nlevels.length;
  let dense = 0;
  for (let t = 1; t < K; t++) dense += cp.nlevels[t];
  if (choleskyThreads() <= 1 || K < 2 || dense < PARALLEL_FROM) return null;
  const capacity = 2 * K + (K * (K - 1)) / 2;
  const control = new Int32Array(new SharedArrayBuffer(4 * SLOTS));
  const data = new Float64Array(new SharedArrayBuffer(8 * capacity * (K + 1)));
  const gone = () => Atomics.store(control, READY, 0);
  let worker: Worker;
  try {
    const url = options.helper ?? new URL("./_criterion_helper.ts", import.meta.url);
    const { reml } = options;
    worker = _startHelper(
      url,
      { cp, reml, capacity, control: control.buffer, data: data.buffer },
      gone,
    );
  } catch {
    return null;
  }
  const counts = { points: 0, helped: 0 };
  const helper = { control, data, K, capacity, worker, gone, counts, task: 0 };
  return {
    counts,
    evaluateAll(points, objective) {
      counts.points += points.length;
      return evaluateShared(points, objective, helper);
    },
    close() {
      gone();
      worker.terminate();
    },
  };
}

/** A running helper: its shared blocks, its worker, and the number of its last task. */
interface Helper {
  readonly control: Int32Array;
  readonly data: Float64Array;
  readonly K: number;
  readonly capacity: number;
  readonly worker: Worker;
  readonly gone: () => void;
  readonly counts: ParallelCounts;
  task: number;
}

/**
 * `objective` at each point, this thread taking them from the front; as
 * soon as the helper is ready (at the start, or when it becomes ready
 * between two of this thread's points), it is given the back half of the
 * points left. Its values are used unless its task failed or timed out.
 */
function evaluateShared(
  points: readonly Float64Array[],
  objective: (x: Float64Array) => number,
  helper: Helper,
): number[] {
  const { control, data, K, capacity } = helper;
  const values = new Array<number>(points.length);
  let next = 0, end = points.length, given = 0, start = 0;
  while (next < end) {
    if (given === 0 && end - next >= 2 && Atomics.load(control, READY) === 1) {
      given = Math.floor((end - next) / 2);
      end -= given;
      for (let i = 0; i < given; i++) data.set(points[end + i], i * K);
      control[COUNT] = given;
      helper.task = (helper.task + 1) | 0;
      Atomics.store(control, GO, helper.task);
      Atomics.notify(control, GO);
      start = performance.now();
    }
    const point = points[next];
    values[next++] = given > 0 ? _choleskyAlone(() => objective(point)) : objective(point);
  }
  if (given === 0) return values;
  try {
    const patienceMs = PATIENCE_MS + 20 * (performance.now() - start);
    _waitWhile(control, DONE, (helper.task - 1) | 0, { patienceMs });
  } catch {
    helper.gone();
    helper.worker.terminate();
  }
  if (control[FAILED] === 1) helper.gone();
  const helped = Atomics.load(control, READY) === 1;
  for (let i = 0; i < given; i++) {
    values[end + i] = helped ? data[capacity * K + i] : objective(points[end + i]);
  }
  if (helped) {
    helper.counts.helped += given;
    total.helped += given;
  }
  return values;
}
