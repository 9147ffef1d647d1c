/**
 * Per-replicate streams derived by hashing (study seed, key...).
 *
 * @module
 */

import { createHash } from "node:crypto";
import { SeedrandomStream, type SeedrandomStreamOptions } from "./seedrandom_stream.ts";

/** One component of a stream key: a string or a finite number. */
export type StreamKeyPart = string | number;

/** Options of {@linkcode deriveStream}. */
export type DeriveStreamOptions = SeedrandomStreamOptions;

function checkPart(value: unknown, what: string): void {
  if (typeof value === "string") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new RangeError(`${what} must be a finite number or a string, got ${value}`);
    }
    return;
  }
  throw new TypeError(
    `${what} must be a string or a finite number, got ${typeof value} ${String(value)}`,
  );
}

/**
 * The seed string of the stream for `(seed, ...key)`: the hex SHA-256
 * (FIPS 180-4) of the JSON text of the tuple `["vcsim/stream/v1", seed,
 * ...key]`. JSON keeps the encoding unambiguous (`1` and `"1"` differ, and
 * no separator can be forged inside a string), and the hash makes streams
 * of neighbouring keys unrelated, unlike `seed + index`.
 *
 * Cost: one SHA-256 of a short text (about a microsecond).
 *
 * @param seed The study seed: a finite number or a string.
 * @param key The key tuple, e.g. `[conditionKey, replicate]`.
 * @throws {TypeError} if the seed or a key part is neither a string nor a number.
 * @throws {RangeError} if a number is not finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { deriveSeed } from "./derive_stream.ts";
 * assert.equal(deriveSeed(1, ["a", 2]).length, 64);
 * assert.notEqual(deriveSeed(1, ["a", 2]), deriveSeed(1, ["a", "2"]));
 * ```
 */
export function deriveSeed(seed: StreamKeyPart, key: readonly StreamKeyPart[]): string {
  checkPart(seed, "The stream seed");
  if (!Array.isArray(key)) {
    throw new TypeError(`the stream key must be an array, got ${typeof key} ${String(key)}`);
  }
  key.forEach((part, i) => checkPart(part, `Stream key part ${i}`));
  return createHash("sha256").update(JSON.stringify(["vcsim/stream/v1", seed, ...key]), "utf8")
    .digest("hex");
}

/**
 * The random stream of `(seed, ...key)`: a {@linkcode SeedrandomStream}
 * seeded with {@linkcode deriveSeed}. A replicate's stream depends only on
 * the study seed, the condition key and the replicate index, never on how
 * many streams were made before it, so results do not depend on workers,
 * shards or resumption.
 *
 * Cost: one SHA-256 plus the generator's warm-up (a few microseconds).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { deriveStream } from "./derive_stream.ts";
 * const a = deriveStream(2024, ["nested/n1=20", 7]);
 * const b = deriveStream(2024, ["nested/n1=20", 7]);
 * assert.equal(a.normal(), b.normal());
 * ```
 */
export function deriveStream(
  seed: StreamKeyPart,
  key: readonly StreamKeyPart[],
  options: DeriveStreamOptions = {},
): SeedrandomStream {
  return new SeedrandomStream(deriveSeed(seed, key), options);
}
