/**
 * Timers of study code, tracked per replicate: the worker gives each
 * replicate one macrotask turn after it returns (so errors and rejections
 * it left behind surface while it is still the current replicate), then
 * cancels the timers it left pending, so none of them can fire during a
 * later replicate and be blamed on it.
 *
 * @module
 */

/** Per-replicate timer tracking; see {@linkcode trackTimers}. */
export interface TimerTracker {
  /** Starts tracking the timers of a new replicate. */
  open(): void;
  /** Resolves after one macrotask turn (timers of delay 0 it set have fired). */
  turn(): Promise<void>;
  /**
   * Runs `body` in a timer callback of its own and resolves to its result
   * (a worker's heap limit stops code run there, but not code run in a
   * message handler or a promise continuation, which then hangs).
   */
  run<T>(body: () => T): Promise<T>;
  /** Cancels the tracked replicate's pending timers and stops tracking. */
  close(): void;
}

/**
 * Wraps the global `setTimeout` and `setInterval` (and their `clear`
 * functions) so that timers set while a replicate is open are cancelled
 * when it closes. Call once per worker.
 */
export function trackTimers(): TimerTracker {
  type SetTimer = (handler: unknown, delay?: number, ...args: unknown[]) => number;
  type ClearTimer = (id?: number) => void;
  const g = globalThis as unknown as Record<string, unknown>;
  const setT = (g.setTimeout as SetTimer).bind(globalThis);
  const setI = (g.setInterval as SetTimer).bind(globalThis);
  const clearT = (g.clearTimeout as ClearTimer).bind(globalThis);
  const clearI = (g.clearInterval as ClearTimer).bind(globalThis);
  let open: Set<number> | null = null;
  const intervals = new Set<number>();
  const wrap = (set: SetTimer, repeating: boolean): SetTimer => (handler, delay, ...args) => {
    const id = set(handler, delay, ...args);
    if (open) open.add(id);
    if (repeating) intervals.add(id);
    return id;
  };
  g.setTimeout = wrap(setT, false);
  g.setInterval = wrap(setI, true);
  g.clearTimeout = (id?: number) => {
    open?.delete(id!);
    clearT(id);
  };
  g.clearInterval = (id?: number) => {
    open?.delete(id!);
    intervals.delete(id!);
    clearI(id);
  };
  return {
    open() {
      open = new Set();
    },
    turn: () => new Promise<void>((resolve) => void setT(resolve, 0)),
    run: <T>(body: () => T) =>
      new Promise<T>((resolve, reject) =>
        void setT(() => {
          try {
            resolve(body());
          } catch (e) {
            reject(e);
          }
        }, 0)
      ),
    close() {
      if (!open) return;
      for (const id of open) {
        if (intervals.delete(id)) clearI(id);
        else clearT(id);
      }
      open = null;
    },
  };
}
