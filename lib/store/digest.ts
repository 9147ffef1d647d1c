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
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}

/** A replicate's results without its timings, canonically serialised. */
export function canonicalReplicate(record: ReplicateRecord): string {
  const { generateMs: _g, totalMs: _t, fits, ...rest } = record;
  return canonicalJson({ ...rest, fits: fits.map(({ fitMs: _f, ...fit }) => fit) });
}

/**
 * SHA-256 (hex) of a store's results: the manifest without timings,
 * `createdAt` and `shard`, the conditions, and every replicate without
 * timings, by condition position then replicate index. Takes a path (opened
 * and closed here) or an open store.
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
