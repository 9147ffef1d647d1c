/**
 * Second-order jets in d variables: a value, its gradient and its Hessian
 * (packed lower triangle), propagated exactly through sums, products and
 * smooth scalar functions (forward-mode differentiation to second order).
 * A jet is J = 1 + d + d(d+1)/2 consecutive numbers of a Float64Array at an
 * offset: [f, f_0 .. f_{d-1}, f_00, f_10, f_11, f_20, f_21, f_22, ...].
 *
 * @module
 */

import { scratchFloat64 } from "../_typed_arrays.ts";

/**
 * Jet arithmetic for a fixed number of variables.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { JetSpace } from "./_jets.ts";
 * // f(x, y) = log(1 + x y) at (2, 3): f_x = y / 7, f_xy = 1/7 - x y / 49.
 * const sp = new JetSpace(2), x = sp.alloc(), f = sp.alloc(2);
 * sp.constant(x, 0, 2);
 * x[1] = 1; // dx/dx
 * sp.variableTimes(f, 0, x, 0, { t: 1, xt: 3, c: 1 }); // 1 + y x
 * sp.log(f, sp.size, f, 0);
 * const g = new Float64Array(2), H = new Float64Array(4);
 * sp.unpack(f, sp.size, g, H);
 * assert.ok(Math.abs(f[sp.size] - Math.log(7)) < 1e-15);
 * assert.ok(Math.abs(g[0] - 3 / 7) < 1e-15 && Math.abs(H[1] - (1 / 7 - 6 / 49)) < 1e-15);
 * ```
 */
export class JetSpace {
  /** Number of variables. */
  readonly d: number;
  /** Numbers per jet. */
  readonly size: number;

  constructor(d: number) {
    this.d = d;
    this.size = 1 + d + (d * (d + 1)) / 2;
  }

  /** A zeroed buffer for `count` jets. */
  alloc(count = 1): Float64Array {
    return scratchFloat64(count * this.size);
  }

  /** Offset of H_ij (i >= j) within a jet. */
  hessianIndex(i: number, j: number): number {
    return i >= j ? 1 + this.d + (i * (i + 1)) / 2 + j : 1 + this.d + (j * (j + 1)) / 2 + i;
  }

  /** o = constant c. */
  constant(o: Float64Array, io: number, c: number): void {
    o.fill(0, io, io + this.size);
    o[io] = c;
  }

  /** o += c a. */
  addScaled(o: Float64Array, io: number, a: Float64Array, ia: number, c: number): void {
    for (let k = 0; k < this.size; k++) o[io + k] += c * a[ia + k];
  }

  /** o = f(a) given f(a), f'(a) and f''(a) at the value of a (o may alias a). */
  unary(
    o: Float64Array,
    io: number,
    a: Float64Array,
    ia: number,
    f: readonly [number, number, number],
  ): void {
    const d = this.d, [f0, f1, f2] = f;
    let k = 1 + d;
    for (let i = 0; i < d; i++) {
      const gi = a[ia + 1 + i];
      for (let j = 0; j <= i; j++, k++) {
        o[io + k] = f1 * a[ia + k] + f2 * gi * a[ia + 1 + j];
      }
    }
    for (let i = 1; i <= d; i++) o[io + i] = f1 * a[ia + i];
    o[io] = f0;
  }

  /** o = c a b; o must not alias a or b. */
  product(
    o: Float64Array,
    io: number,
    a: Float64Array,
    ia: number,
    b: Float64Array,
    ib: number,
    c = 1,
  ): void {
    o.fill(0, io, io + this.size);
    this.addProduct(o, io, a, ia, b, ib, c);
  }

  /** o += c a b; o must not alias a or b. */
  addProduct(
    o: Float64Array,
    io: number,
    a: Float64Array,
    ia: number,
    b: Float64Array,
    ib: number,
    c = 1,
  ): void {
    const d = this.d, av = c * a[ia], bv = b[ib], cbv = c * bv;
    let k = 1 + d;
    for (let i = 0; i < d; i++) {
      const ai = c * a[ia + 1 + i], bi = b[ib + 1 + i];
      for (let j = 0; j <= i; j++, k++) {
        o[io + k] += av * b[ib + k] + cbv * a[ia + k] + ai * b[ib + 1 + j] +
          c * a[ia + 1 + j] * bi;
      }
      o[io + 1 + i] += av * bi + bv * ai;
    }
    o[io] += av * bv;
  }

  /** o = c + x_t a: a constant plus variable t (whose value is xt) times a; o must not alias a. */
  variableTimes(
    o: Float64Array,
    io: number,
    a: Float64Array,
    ia: number,
    at: { t: number; xt: number; c: number },
  ): void {
    const d = this.d, { t, xt, c } = at;
    for (let k = 0; k < this.size; k++) o[io + k] = xt * a[ia + k];
    o[io] += c;
    o[io + 1 + t] += a[ia];
    for (let j = 0; j < d; j++) {
      o[io + this.hessianIndex(t, j)] += (j === t ? 2 : 1) * a[ia + 1 + j];
    }
  }

  /** o = 1 / a (o may alias a). */
  reciprocal(o: Float64Array, io: number, a: Float64Array, ia: number): void {
    const w = 1 / a[ia];
    this.unary(o, io, a, ia, [w, -w * w, 2 * w * w * w]);
  }

  /** o = log a (o may alias a). */
  log(o: Float64Array, io: number, a: Float64Array, ia: number): void {
    const v = a[ia];
    this.unary(o, io, a, ia, [Math.log(v), 1 / v, -1 / (v * v)]);
  }

  /** The gradient and the full symmetric Hessian of the jet at (a, ia). */
  unpack(a: Float64Array, ia: number, g: Float64Array, H: Float64Array): void {
    const d = this.d;
    let k = 1 + d;
    for (let i = 0; i < d; i++) {
      g[i] = a[ia + 1 + i];
      for (let j = 0; j <= i; j++, k++) H[i * d + j] = H[j * d + i] = a[ia + k];
    }
  }
}

/** A function's value, gradient and dense Hessian (row-major) at one point. */
export interface SecondOrder {
  f: number;
  readonly g: Float64Array;
  readonly H: Float64Array;
}

/**
 * A {@linkcode SecondOrder} for d variables (f NaN, g and H zero).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { secondOrder } from "./_jets.ts";
 * const out = secondOrder(3);
 * assert.deepEqual([out.g.length, out.H.length], [3, 9]);
 * ```
 */
export function secondOrder(d: number): SecondOrder {
  return { f: NaN, g: scratchFloat64(d), H: scratchFloat64(d * d) };
}
