/**
 * Synthetic manifests and replicate records for the store tests that run
 * other processes: shaped like a study's, cheap to make in the thousands.
 *
 * @module
 */
import type { Manifest, ReplicateRecord } from "../../lib/store/mod.ts";
import { openStore } from "../../lib/store/mod.ts";

/** A manifest of a toy study with `reps` replicates per condition. */
export function toyManifest(overrides: Partial<Manifest> = {}): Manifest {
  return {
    study: "toy",
    config: { design: { n: [5, 10] }, methods: ["REML", "ML"] },
    configHash: "abc123",
    seed: 42,
    reps: 3,
    shard: null,
    versions: { vcsim: "0.1.0" },
    createdAt: "2024-01-01T00:00:00.000Z",
    timings: {},
    ...overrides,
  };
}

/** A replicate with two fits of two parameters with two intervals each. */
export function toyRecord(condition: string, rep: number): ReplicateRecord {
  return {
    condition,
    rep,
    status: "ok",
    message: null,
    generateMs: 0.5,
    totalMs: 3.75,
    fits: ["REML", "ML"].map((method, m) => ({
      method,
      status: "ok",
      converged: true,
      singular: rep % 2 === 0,
      evaluations: 17 + rep,
      fitMs: 1.25,
      message: null,
      parameters: ["group1", "Residual"].map((parameter, i) => ({
        parameter,
        truth: i + 1,
        estimate: 0.1 + rep / 3 + i + m,
        se: i === 0 ? null : Math.PI / (rep + 1),
        intervals: [
          { interval: "wald", lower: -rep / 7, upper: rep / 7 + 1e-300, status: "ok" },
          { interval: "profile", lower: null, upper: null, status: "undefined" },
        ],
      })),
    })),
  };
}

/** Writes a closed store at `path`: the manifest, `conditions` and the given replicates. */
export function writeToyStore(
  path: string,
  options: { conditions: string[]; reps: Iterable<[string, number]>; manifest?: Manifest },
): void {
  const store = openStore(path);
  try {
    store.writeManifest(options.manifest ?? toyManifest());
    store.registerConditions(options.conditions.map((condition) => ({ condition, params: {} })));
    let batch: ReplicateRecord[] = [];
    for (const [condition, rep] of options.reps) {
      batch.push(toyRecord(condition, rep));
      if (batch.length === 1000) {
        store.writeReplicates(batch);
        batch = [];
      }
    }
    store.writeReplicates(batch);
  } finally {
    store.close();
  }
}
