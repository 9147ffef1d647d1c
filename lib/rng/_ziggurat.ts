/**
 * Standard normal variates by the ziggurat method.
 *
 * @module
 */

// Ziggurat with 256 layers of equal area V under f(x) = exp(-x^2 / 2)
// (Marsaglia & Tsang 2000, "The ziggurat method for generating random
// variables", J. Statistical Software 5(8)). The paper gives r = 3.6541528853610088
// and v = 4.92867323399e-3; v to 12 digits leaves the top layer's area off by
// 1e-9 relative, so both are re-solved to full double precision: R solves
// "the 255th edge closes the top layer at f = 1" with V = R f(R) + sqrt(pi/2)
// erfc(R / sqrt(2)), by mpmath 1.3.0 findroot at 50 digits, started at the
// paper's r. The tests check the closure.
const LAYERS = 256;
const R = 3.654152885361009;
const V = 0.004928673233974655;
/** 2^-52: the resolution of the 52-bit position within a layer. */
const TWO_M52 = 2.220446049250313e-16;

/** Right edges: EDGE[0] = V / f(R) (base layer incl. tail), EDGE[1] = R, ..., EDGE[256] = 0. */
const EDGE = new Float64Array(LAYERS + 1);
/** f at each edge. */
const F_EDGE = new Float64Array(LAYERS + 1);
/** EDGE[i] * 2^-52, so a 52-bit integer times SCALE[i] is uniform on [0, EDGE[i]). */
const SCALE = new Float64Array(LAYERS);

EDGE[0] = V / Math.exp(-0.5 * R * R);
EDGE[1] = R;
for (let i = 1; i < LAYERS - 1; i++) {
  // Layer i spans heights f(EDGE[i]) .. f(EDGE[i+1]) with area V = EDGE[i] * (f(EDGE[i+1]) - f(EDGE[i])).
  const x = EDGE[i];
  EDGE[i + 1] = Math.sqrt(-2 * Math.log(V / x + Math.exp(-0.5 * x * x)));
}
EDGE[LAYERS] = 0;
for (let i = 0; i <= LAYERS; i++) F_EDGE[i] = Math.exp(-0.5 * EDGE[i] * EDGE[i]);
for (let i = 0; i < LAYERS; i++) SCALE[i] = EDGE[i] * TWO_M52;

/**
 * The ziggurat tables, for tests: right edges `edge[0..256]` (`edge[0] =
 * v / f(r)` is the base layer's width including the tail, `edge[1] = r`,
 * `edge[256] = 0`), the tail start `r` and the layer area `v`.
 */
export function _zigguratTables(): { edge: Float64Array; r: number; v: number } {
  return { edge: EDGE.slice(), r: R, v: V };
}

/**
 * A standard normal generator by the ziggurat method (Marsaglia & Tsang 2000,
 * "The ziggurat method for generating random variables", J. Statistical
 * Software 5(8)), with 256 layers, over a raw 32-bit source `next` (signed or
 * unsigned outputs) and a 53-bit `uniform` on [0, 1).
 *
 * Following Doornik (2005, "An improved ziggurat method to generate normal
 * random samples"), the layer index, the sign and the position within the
 * layer come from disjoint random bits: two `next()` outputs give an 8-bit
 * layer index (bits 0-7 of the first), a sign bit (bit 8) and a 52-bit
 * position (bits 12-31 of the first, all of the second), so layer and value
 * are not correlated. A point inside a layer's core is returned at once
 * (98.5% of calls); the wedges use an exact accept/reject against
 * exp(-x^2/2) with one `uniform()`, and the tail beyond r uses Marsaglia's
 * (1964) exponential rejection method. The output is exactly normal up to
 * floating-point rounding.
 *
 * Cost: about 2.07 `next()` calls per variate on average; an `exp` or `log`
 * in only 1.5% of calls.
 */
export function _zigguratSampler(next: () => number, uniform: () => number): () => number {
  return () => zigguratNormal(next, uniform);
}

function zigguratNormal(next: () => number, uniform: () => number): number {
  for (;;) {
    const a = next() >>> 0;
    const b = next() >>> 0;
    const layer = a & 0xff;
    // Bits 12..31 of a and all 32 bits of b: a uniform integer in [0, 2^52).
    const x = ((a >>> 12) * 4294967296 + b) * SCALE[layer];
    if (x < EDGE[layer + 1]) return (a & 0x100) !== 0 ? -x : x;
    const z = _zigguratOutside(a, x, uniform);
    if (z === z) return z;
  }
}

/**
 * The ziggurat's rare path, for a draw whose point `x` (from the first
 * output `a`: layer in bits 0-7, sign in bit 8) is outside its layer's
 * core: the tail's value, the wedge's value when accepted, or NaN when the
 * draw is rejected and must start again with two new outputs. `uniform`
 * is called as {@linkcode _zigguratSampler} would call it.
 */
export function _zigguratOutside(a: number, x: number, uniform: () => number): number {
  const layer = a & 0xff;
  const negative = (a & 0x100) !== 0;
  if (layer === 0) {
    // Tail beyond R (Marsaglia 1964): x = -log(u1)/R, y = -log(u2), accept if 2y > x^2.
    let t: number;
    let e: number;
    do {
      t = -Math.log(1 - uniform()) / R;
      e = -Math.log(1 - uniform());
    } while (e + e <= t * t);
    return negative ? -(R + t) : R + t;
  }
  // Wedge: a uniform height in the layer, accepted if under the curve.
  const h = F_EDGE[layer] + uniform() * (F_EDGE[layer + 1] - F_EDGE[layer]);
  if (h < Math.exp(-0.5 * x * x)) return negative ? -x : x;
  return NaN;
}

/**
 * The core test's tables for a loop that inlines {@linkcode _zigguratSampler}'s
 * fast path: a draw with outputs a, b is `x = ((a >>> 12) * 2^32 + b) *
 * scale[a & 0xff]`, returned (negated when bit 8 of a is set) when `x <
 * edge[(a & 0xff) + 1]`, else handed to {@linkcode _zigguratOutside}. Not to be written.
 */
export const _ZIGGURAT_CORE: { readonly edge: Float64Array; readonly scale: Float64Array } = {
  edge: EDGE,
  scale: SCALE,
};
