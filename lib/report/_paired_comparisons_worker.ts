/**
 * The Web Worker behind {@linkcode pairedComparisonsOfFile}: opens the
 * store read-only, computes the paired comparisons, closes the store, posts
 * them back (or the error, by name and message) and ends.
 *
 * @module
 */

import { openStore } from "../store/store.ts";
import { type ComparisonOptions, pairedComparisons } from "./paired_comparisons.ts";

/** What the worker is sent. */
export interface ComparisonRequest {
  readonly path: string;
  readonly options: ComparisonOptions;
}

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<ComparisonRequest>) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
};

scope.onmessage = (e) => {
  let reply: unknown;
  try {
    const store = openStore(e.data.path, { readOnly: true });
    try {
      reply = { rows: pairedComparisons(store, e.data.options) };
    } finally {
      // Closed before replying: the caller may end this worker as soon as the reply arrives,
      // and a connection cut off mid-close can leave SQLite's -wal and -shm files behind.
      store.close();
    }
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    reply = { error: { name, message } };
  }
  scope.postMessage(reply);
  scope.close();
};
