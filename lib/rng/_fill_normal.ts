/**
 * Scaled standard normals into an array, by the stream's own loop when it
 * has one.
 *
 * @module
 */

import type { RandomStream } from "./stream.ts";

/**
 * `out[i] = scale * stream.normal()` for each i in turn: by
 * `stream.fillNormal` when the stream has it (the same values, faster),
 * else draw by draw.
 */
export function _fillNormal(stream: RandomStream, out: Float64Array, scale: number): void {
  if (stream.fillNormal) stream.fillNormal(out, scale);
  else for (let i = 0; i < out.length; i++) out[i] = scale * stream.normal();
}
