/**
 * A content digest of a store: equal digests mean bit-identical results,
 * whatever the worker count, shard layout, resumes or merges that produced
 * them. Timings and run bookkeeping are left out.
 *
 * @module
 */

import { existsSync } from "node:fs";
import type { ReplicateRecord } from "./records.ts";
import { type Manifest, openStore, type ResultStore } from "./store.ts";

/** Manifest fields that describe a run rather than its results. */
const RUN_FIELDS: readonly (keyof Manifest)[] = ["timings", "createdAt", "shard"];

// Hash in chunks of about this many characters: memory stays bounded on big stores.
const CHUNK_CHARS = 1 << 20;

/**
 * JSON with object keys sorted, so equal values serialise equally. Numbers
 * use JSON's shortest round-trip form, which is lossless for doubles.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { canonicalJson } from "./digest.ts";
 * const text = canonicalJson({ b: 0.1, a: { d: [2, { f: 1, e: null }], c: "x" } });
 * assert.equal(text, '{"a":{"c":"x","d":[2,{"e":null,"f":1}]},"b":0.1}');
 * assert.equal(canonicalJson({ a: { c: "x", d: [2, { e: null, f: 1 }] }, b: 0.1 }), text);
 * ```
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}

/**
 * A replicate's results without its timings (`generateMs`, `totalMs`, each
 * fit's `fitMs`), canonically serialised.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { canonicalReplicate } from "./digest.ts";
 * const fit = {
 *   method: "REML", status: "ok", converged: true, singular: false, evaluations: 12,
 *   fitMs: 3.5, message: null,
 *   parameters: [{ parameter: "Residual", truth: 1, estimate: 0.9, se: 0.1, intervals: [] }],
 * } as const;
 * const record = {
 *   condition: "n=4", rep: 0, status: "ok", message: null, generateMs: 1, totalMs: 5, fits: [fit],
 * } as const;
 * const rerun = { ...record, generateMs: 2, totalMs: 9, fits: [{ ...fit, fitMs: 7 }] };
 * assert.equal(canonicalReplicate(rerun), canonicalReplicate(record));
 * assert.ok(!canonicalReplicate(record).includes("Ms"));
 * const other = { ...record, fits: [{ ...fit, evaluations: 13 }] };
 * assert.notEqual(canonicalReplicate(other), canonicalReplicate(record));
 * ```
 */
export function canonicalReplicate(record: ReplicateRecord): string {
  const { generateMs: _g, totalMs: _t, fits, ...rest } = record;
  return canonicalJson({ ...rest, fits: fits.map(({ fitMs: _f, ...fit }) => fit) });
}

/**
 * SHA-256 (hex) of a store's results: the manifest without timings,
 * `createdAt` and `shard`, the conditions, and every replicate without
 * timings, by condition position then replicate index. Takes a path (opened
 * and closed here) or an open store. Reads every replicate once, hashing in
 * chunks of about 1 MB, so memory stays bounded. Throws an Error for a path
 * that does not exist.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openStore } from "./store.ts";
 * import { storeDigest } from "./digest.ts";
 * // Two runs of one study at different times, with different timings.
 * const digests = [];
 * const runs = [
 *   { createdAt: "2024-01-01T00:00:00Z", ms: 5 },
 *   { createdAt: "2025-06-30T12:00:00Z", ms: 9 },
 * ];
 * for (const { createdAt, ms } of runs) {
 *   const store = openStore(":memory:");
 *   store.writeManifest({
 *     study: "toy", config: {}, configHash: "0", seed: 1, reps: 1, shard: null,
 *     versions: {}, createdAt, timings: { total: ms },
 *   });
 *   store.registerConditions([{ condition: "a", params: {} }]);
 *   store.writeReplicates([{
 *     condition: "a", rep: 0, status: "error", message: "x",
 *     generateMs: 0, totalMs: ms, fits: [],
 *   }]);
 *   digests.push(await storeDigest(store));
 *   store.close();
 * }
 * assert.match(digests[0], /^[0-9a-f]{64}$/);
 * assert.equal(digests[0], digests[1]);
 * await assert.rejects(storeDigest("no/such/results.sqlite"), /no such store/);
 * ```
 */
export async function storeDigest(source: string | ResultStore): Promise<string> {
  if (typeof source === "string" && !existsSync(source)) {
    throw new Error(`cannot digest ${source}: no such store`);
  }
  const store = typeof source === "string" ? openStore(source) : source;
  try {
    const manifest = store.readManifest() as Record<string, unknown> | null;
    const results = manifest ? { ...manifest } : null;
    if (results) { for (const field of RUN_FIELDS) delete results[field]; }
    const encoder = new TextEncoder();
    const digests: Uint8Array[] = [];
    let chunk = canonicalJson({ manifest: results, conditions: store.conditions() }) + "\n";
    for (const record of store.iterateReplicates()) {
      chunk += canonicalReplicate(record) + "\n";
      if (chunk.length >= CHUNK_CHARS) {
        digests.push(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(chunk))));
        chunk = "";
      }
    }
    digests.push(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(chunk))));
    // Chunk boundaries depend on content only, so the digest of digests is canonical too.
    const all = new Uint8Array(digests.length * 32);
    digests.forEach((d, i) => all.set(d, i * 32));
    const final = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
    return Array.from(final, (b) => b.toString(16).padStart(2, "0")).join("");
  } finally {
    if (typeof source === "string") store.close();
  }
}
