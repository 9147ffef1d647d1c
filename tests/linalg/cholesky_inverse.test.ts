// _choleskyInverse (row-wise triangular inverse, then X'X) against the
// column-by-column solves of inverseFromCholesky, and A A^-1 = I, for random
// SPD matrices of orders 1 to 150 (sizes around the SIMD Cholesky's 40 included).
// The SIMD route (row updates four terms at a time) is checked against the scalar
// loops bit for bit.
import assert from "node:assert";
import { choleskyInPlace, inverseFromCholesky } from "../../lib/linalg/cholesky.ts";
import { _choleskyInverse } from "../../lib/linalg/_cholesky_inverse.ts";
import { _simdAxpy } from "../../lib/linalg/_simd_axpy.ts";
import { deriveStream } from "../../lib/rng/mod.ts";

for (const n of [1, 2, 7, 39, 40, 41, 150]) {
  Deno.test(`_choleskyInverse, order ${n}: the solves' inverse, and A A^-1 = I`, () => {
    const stream = deriveStream(n, ["cholesky inverse"]);
    const B = Float64Array.from({ length: n * n }, () => stream.normal());
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0;
        for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
        A[i * n + j] = s;
      }
    }
    const L = Float64Array.from(A);
    assert.equal(choleskyInPlace(L, n), -1);
    const got = _choleskyInverse(L, n), want = inverseFromCholesky(L, n);
    const scale = Math.max(...want.map(Math.abs));
    let worst = 0, identity = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        worst = Math.max(worst, Math.abs(got[i * n + j] - want[i * n + j]) / scale);
        assert.equal(got[i * n + j], got[j * n + i], `symmetric at ${i}, ${j}`);
        let s = 0;
        for (let k = 0; k < n; k++) s += A[i * n + k] * got[k * n + j];
        identity = Math.max(identity, Math.abs(s - (i === j ? 1 : 0)));
      }
    }
    assert.ok(worst < 1e-13, `order ${n}: relative difference ${worst}`);
    assert.ok(identity < 1e-12, `order ${n}: |A A^-1 - I| ${identity}`);
  });
}

/** Index of the first entry whose bits differ (Object.is, so -0 and NaN count), or -1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return a.length === b.length ? -1 : a.length;
}

Deno.test("_choleskyInverse: the SIMD route gives the scalar loops' inverse to the bit", () => {
  assert.notEqual(_simdAxpy(), null, "WebAssembly SIMD is available here");
  // Both routes (the row sweep below order 200, four terms at a time from it), odd and even
  // orders (the kernels' pairs and their last single entry), zero coefficients (the
  // skipped terms: a fifth of them, or nine in ten, so that four terms at a time span rests of
  // more than 8 entries) and a growing, shrinking, growing memory (views must follow the buffer).
  const cases = [1, 2, 3, 7, 40, 41, 150, 199, 200, 333, 64, 512].map((n) => ({ n, zeros: 0.2 }));
  for (const { n, zeros } of [...cases, { n: 301, zeros: 0.9 }]) {
    const stream = deriveStream(n, ["cholesky inverse", "bits"]);
    const L = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < i; k++) L[i * n + k] = stream.uniform() < zeros ? 0 : stream.normal();
      L[i * n + i] = 0.5 + stream.uniform() * n;
      for (let k = i + 1; k < n; k++) L[i * n + k] = 999; // the upper triangle is not read
    }
    const scalar = _choleskyInverse(L, n, { simd: false }), simd = _choleskyInverse(L, n);
    const at = firstDifference(simd, scalar);
    assert.equal(at, -1, `order ${n}: entry ${at} is ${simd[at]} by SIMD, ${scalar[at]} scalar`);
  }
});
