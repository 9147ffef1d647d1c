/**
 * Helper threads for the SIMD Cholesky (`_simd_cholesky.ts`) of large
 * matrices: before each super-panel of 32 columns, every row below it takes
 * its sums over the columns before it (the prepass, `_panel_prepass.ts`)
 * independently of the other rows, so the rows are split among this thread
 * and its helpers, which run the same WebAssembly kernel on one shared
 * memory. Every entry is still computed by one thread in the same order, so
 * the factor is the same to the bit whatever the number of threads.
 *
 * Off until {@linkcode setCholeskyThreads} asks for more than one thread
 * (`deno task fit` does, for its one large fit; a study's workers do not,
 * since they already keep every core busy). Helpers start on the first large
 * factorisation and are not waited for: until one says it is ready, this
 * thread does its share. They are `unref`'d, so they never keep a process
 * alive; between prepasses they spin for a millisecond, then sleep. Orders
 * below 512 stay on one thread, and a prepass of less than about 0.25 ms of
 * work is not shared: there the hand-off costs more than it saves.
 *
 * @module
 */

import type { Worker } from "node:worker_threads";
import { _startHelper } from "./_helper_thread.ts";
import { _panelPrepass, type PanelKernel, type PrepassArgs } from "./_panel_prepass.ts";
import { _waitWhile } from "./_spin_wait.ts";

/** Int32 slots per helper in the control block: go, done, ready, then the prepass's arguments. */
const SLOT = 16;
const GO = 0, DONE = 1, READY = 2, ARGS = 4;
/** Longest wait for a helper's share of one prepass (the largest takes well under a second). */
const PATIENCE_MS = 30_000;
/** Below this many kernel steps (rows / 4 x columns x panels) a prepass is not worth sharing. */
const MIN_SPLIT_WORK = 131_072;

let requested = 1;

/**
 * Sets how many threads a large Cholesky factorisation uses: 1 (the default)
 * for this thread alone, or more for helpers that share the work. Results
 * are the same to the bit for any count.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { choleskyThreads, setCholeskyThreads } from "./cholesky_threads.ts";
 * setCholeskyThreads(2);
 * assert.equal(choleskyThreads(), 2);
 * setCholeskyThreads(1);
 * assert.throws(() => setCholeskyThreads(0), RangeError);
 * ```
 */
export function setCholeskyThreads(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > 64) {
    throw new RangeError(`thread count must be an integer from 1 to 64; got ${count}`);
  }
  requested = count;
}

/** The thread count set by {@linkcode setCholeskyThreads}. */
export function choleskyThreads(): number {
  return requested;
}

let alone = 0;

/**
 * Runs `work` with this thread's factorisations unshared (for a caller that
 * keeps the other cores busy itself meanwhile), and returns its result.
 */
export function _choleskyAlone<T>(work: () => T): T {
  alone++;
  try {
    return work();
  } finally {
    alone--;
  }
}

/** This thread's kernel on the shared memory, and the helpers that run it too. */
export interface Team {
  readonly memory: WebAssembly.Memory;
  readonly kernel: PanelKernel;
  /** {@linkcode _panelPrepass} with its rows shared among the ready threads. */
  prepass(args: PrepassArgs): void;
}

let current: {
  team: Team;
  workers: Worker[];
  control: Int32Array;
  counts: { shared: number };
} | null = null;

/**
 * The helpers started for the current team, how many have said they are
 * ready, and how many prepasses they have shared (for tests and diagnostics).
 */
export function _choleskyTeamState(): { helpers: number; ready: number; shared: number } {
  if (!current) return { helpers: 0, ready: 0, shared: 0 };
  let ready = 0;
  for (let slot = 0; slot < current.workers.length * SLOT; slot += SLOT) {
    if (Atomics.load(current.control, slot + READY) === 1) ready++;
  }
  return { helpers: current.workers.length, ready, shared: current.counts.shared };
}

/**
 * The team for the current thread count, built from `module` (a kernel that
 * imports a shared `env.memory` of at most `maximumPages`), or null when one
 * thread is asked for or shared memory is not available. A new count ends
 * the old helpers; the memory stays.
 */
export function _choleskyTeam(
  module: WebAssembly.Module,
  options: { maximumPages: number },
): Team | null {
  if (requested <= 1 || alone > 0) return null;
  if (current && current.workers.length === requested - 1) return current.team;
  try {
    const memory = current?.team.memory ??
      new WebAssembly.Memory({ initial: 1, maximum: options.maximumPages, shared: true });
    for (const worker of current?.workers ?? []) worker.terminate();
    const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports
      .kernel as PanelKernel;
    const control = new Int32Array(new SharedArrayBuffer(4 * SLOT * (requested - 1)));
    const workers = startHelpers({ module, memory, control });
    const counts = { shared: 0 };
    const team = newTeam(kernel, { memory, control, helpers: workers.length, counts });
    current = { team, workers, control, counts };
    return current.team;
  } catch {
    return null;
  }
}

/** One helper per slot of `control`; a helper that fails never says it is ready. */
function startHelpers(
  { module, memory, control }: {
    module: WebAssembly.Module;
    memory: WebAssembly.Memory;
    control: Int32Array;
  },
): Worker[] {
  const workers: Worker[] = [];
  for (let slot = 0; slot < control.length; slot += SLOT) {
    try {
      // A helper that fails or ends is given no more work.
      const gone = () => Atomics.store(control, slot + READY, 0);
      const url = new URL("./_cholesky_helper.ts", import.meta.url);
      workers.push(_startHelper(url, { module, memory, control: control.buffer, slot }, gone));
    } catch {
      break; // no more helpers: this thread does their share
    }
  }
  return workers;
}

function newTeam(
  kernel: PanelKernel,
  { memory, control, helpers, counts }: {
    memory: WebAssembly.Memory;
    control: Int32Array;
    helpers: number;
    counts: { shared: number };
  },
): Team {
  const slots = Array.from({ length: helpers }, (_, h) => h * SLOT);
  const sequence = new Int32Array(helpers);
  return {
    memory,
    kernel,
    prepass(args) {
      const { n, j0, panels, from, to } = args;
      const ready = ((to - from) / 4) * j0 * panels < MIN_SPLIT_WORK
        ? []
        : slots.filter((slot) => Atomics.load(control, slot + READY) === 1);
      const per = 4 * Math.ceil((to - from) / 4 / (ready.length + 1));
      const given: number[] = [];
      ready.forEach((slot, r) => {
        const start = from + per * (r + 1), stop = Math.min(to, start + per);
        if (start >= stop) return;
        control.set([args.base, n, j0, panels, start, stop], slot + ARGS);
        const h = slot / SLOT;
        sequence[h] = (sequence[h] + 1) | 0;
        Atomics.store(control, slot + GO, sequence[h]);
        Atomics.notify(control, slot + GO);
        given.push(slot);
      });
      if (given.length > 0) counts.shared++;
      _panelPrepass(kernel, { ...args, to: Math.min(to, from + per) });
      for (const slot of given) {
        const seq = sequence[slot / SLOT];
        _waitWhile(control, slot + DONE, (seq - 1) | 0, { patienceMs: PATIENCE_MS });
      }
    },
  };
}
