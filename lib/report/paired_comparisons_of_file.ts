/**
 * Paired comparisons of a store file computed in a Web Worker, so that a
 * caller can compute the performance measures of the same store on its own
 * thread meanwhile: on two cores the closing report of a study takes the
 * longer of the two instead of their sum.
 *
 * @module
 */

import type { ComparisonOptions, ComparisonRow } from "./paired_comparisons.ts";
import type { ComparisonRequest } from "./_paired_comparisons_worker.ts";

const ERRORS: Record<string, ErrorConstructor> = { RangeError, TypeError };

/**
 * The {@linkcode pairedComparisons} of the store at `path`, computed in a
 * Web Worker (with this program's permissions). Rejects with the error the
 * computation threw, of the same class when it is a RangeError or TypeError.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openStore } from "../store/store.ts";
 * import { pairedComparisons } from "./paired_comparisons.ts";
 * import { pairedComparisonsOfFile } from "./paired_comparisons_of_file.ts";
 * const path = Deno.makeTempFileSync({ suffix: ".sqlite" });
 * const store = openStore(path);
 * store.writeManifest({
 *   study: "s", config: {}, configHash: "0", seed: 1, reps: 2, shard: null,
 *   versions: {}, createdAt: "2024-01-01T00:00:00Z", timings: {},
 * });
 * const fit = (method: string, estimate: number) => ({
 *   method, status: "ok" as const, converged: true, singular: false, evaluations: 1,
 *   fitMs: 0, message: null,
 *   parameters: [{ parameter: "g", truth: 1, estimate, se: null, intervals: [] }],
 * });
 * store.writeReplicates([[1, 2], [3, 5]].map(([reml, ml], rep) => ({
 *   condition: "c", rep, status: "ok" as const, message: null, generateMs: 0, totalMs: 0,
 *   fits: [fit("REML", reml), fit("ML", ml)],
 * })));
 * const here = pairedComparisons(store);
 * store.close();
 * assert.deepEqual(await pairedComparisonsOfFile(path), here);
 * await assert.rejects(pairedComparisonsOfFile(path, { reference: "X" }), RangeError);
 * Deno.removeSync(path);
 * ```
 */
export function pairedComparisonsOfFile(
  path: string,
  options: ComparisonOptions = {},
): Promise<ComparisonRow[]> {
  const worker = new Worker(new URL("./_paired_comparisons_worker.ts", import.meta.url), {
    type: "module",
  });
  return new Promise<ComparisonRow[]>((resolve, reject) => {
    worker.onmessage = (e) => {
      worker.terminate();
      const { rows, error } = e.data as {
        rows?: ComparisonRow[];
        error?: { name: string; message: string };
      };
      if (error) reject(new (ERRORS[error.name] ?? Error)(error.message));
      else resolve(rows!);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      worker.terminate();
      reject(new Error(`the paired comparisons could not be computed: ${e.message}`));
    };
    const request: ComparisonRequest = { path, options };
    worker.postMessage(request);
  });
}
