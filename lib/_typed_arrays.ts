/**
 * Zeroed typed arrays carved from one buffer. Making a typed array costs
 * 0.3-1.4 us in Deno whatever its size below a few KB, a view of an existing
 * buffer about 25 ns: an object that owns many arrays of one lifetime (a
 * factor's workspaces, an estimator's temporaries) makes them in one
 * allocation. The views keep their common buffer alive together, so only
 * arrays that live and die together belong in one block.
 *
 * @module
 */

const total = (lengths: readonly number[]) => lengths.reduce((a, b) => a + b, 0);

/** Consecutive views of `block` of the given lengths. */
function carve<T extends { subarray(begin: number, end: number): T }>(
  block: T,
  lengths: readonly number[],
): T[] {
  const out: T[] = [];
  for (let i = 0, at = 0; i < lengths.length; at += lengths[i++]) {
    out.push(block.subarray(at, at + lengths[i]));
  }
  return out;
}

/**
 * Zeroed Float64Arrays of the given lengths, views of one buffer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { float64Arrays } from "./_typed_arrays.ts";
 * const [a, b] = float64Arrays([2, 3]);
 * b[0] = 1;
 * assert.deepEqual([Array.from(a), Array.from(b)], [[0, 0], [1, 0, 0]]);
 * assert.equal(a.buffer, b.buffer);
 * ```
 */
export function float64Arrays(lengths: readonly number[]): Float64Array[] {
  return carve(new Float64Array(total(lengths)), lengths);
}

/**
 * Zeroed Int32Arrays of the given lengths, views of one buffer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { int32Arrays } from "./_typed_arrays.ts";
 * const [a, b] = int32Arrays([1, 2]);
 * assert.deepEqual([a.length, b.length, b.byteOffset], [1, 2, 4]);
 * ```
 */
export function int32Arrays(lengths: readonly number[]): Int32Array[] {
  return carve(new Int32Array(total(lengths)), lengths);
}

/** Numbers per slab of {@linkcode scratchFloat64} (4 KiB), and the most it takes from one. */
const SLAB = 512, SLAB_MOST = 64;
let slab = new ArrayBuffer(SLAB * 8), slabUsed = 0;

/**
 * A zeroed Float64Array of `n` numbers for a temporary. Making a typed array
 * costs about a microsecond in Deno (its memory is allocated apart) and a
 * view of an existing buffer about 40 ns: arrays of up to 64 numbers are
 * views of a shared 4 KiB slab, each part of it handed out once (so zeroed),
 * longer ones new arrays. A view keeps its whole slab alive: use this for the
 * work arrays of a computation or of an object that lives no longer, never
 * for a result that a caller may keep.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { scratchFloat64 } from "./_typed_arrays.ts";
 * const a = scratchFloat64(3), b = scratchFloat64(3);
 * a.fill(7);
 * assert.deepEqual([Array.from(b), a.length, scratchFloat64(100).byteOffset], [[0, 0, 0], 3, 0]);
 * ```
 */
export function scratchFloat64(n: number): Float64Array {
  if (n > SLAB_MOST) return new Float64Array(n);
  if (slabUsed + n > SLAB) {
    slab = new ArrayBuffer(SLAB * 8);
    slabUsed = 0;
  }
  const view = new Float64Array(slab, slabUsed * 8, n);
  slabUsed += n;
  return view;
}

/** A {@linkcode scratchFloat64} copy of `values`: for temporaries only, as there. */
export function scratchCopy(values: ArrayLike<number>): Float64Array {
  const out = scratchFloat64(values.length);
  out.set(values);
  return out;
}
