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
  /** Resolves after one macrotask turn (and the replicate's timers of delay 0 have fired). */
  turn(): Promise<void>;

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
  // Pending timers of the open replicate (one-shot ones leave when they fire).
  let open: Set<number> | null = null;
  const intervals = new Set<number>();
  g.setTimeout = (handler: unknown, delay?: number, ...args: unknown[]) => {
    const owner = open;
    const fire = typeof handler === "function"
      ? (...a: unknown[]) => {
        owner?.delete(id);
        return (handler as (...a: unknown[]) => unknown)(...a);
      }
      : handler;
    const id = setT(fire, delay, ...args);
    owner?.add(id);
    return id;
  };
  g.setInterval = (handler: unknown, delay?: number, ...args: unknown[]) => {
    const id = setI(handler, delay, ...args);
    open?.add(id);
    intervals.add(id);
    return id;
  };
  g.clearTimeout = (id?: number) => {
    open?.delete(id!);
    clearT(id);
  };
  g.clearInterval = (id?: number) => {
    open?.delete(id!);
    intervals.delete(id!);
    clearI(id);
  };
  // A macrotask hop without a timer (timers of delay 0 still take about a millisecond).
  const channel = new MessageChannel();
  const hops: (() => void)[] = [];
  channel.port1.onmessage = () => hops.shift()?.();
  const hop = () =>
    new Promise<void>((resolve) => {
      hops.push(resolve);
      channel.port2.postMessage(0);
    });
  return {
    open() {
      open = new Set();
    },
    async turn() {
      await hop();
      // Timers it set are still pending: give those due now one timer turn.
      if (open && open.size > 0) await new Promise<void>((resolve) => void setT(resolve, 0));
    },
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
