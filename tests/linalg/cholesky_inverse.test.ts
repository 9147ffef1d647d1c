// _choleskyInverse (row-wise triangular inverse, then X'X) against the
// column-by-column solves of inverseFromCholesky, and A A^-1 = I, for random
// SPD matrices of orders 1 to 150 (sizes around the SIMD Cholesky's 40 included).
import assert from "node:assert";
import { choleskyInPlace, inverseFromCholesky } from "../../lib/linalg/cholesky.ts";
import { _choleskyInverse } from "../../lib/linalg/_cholesky_inverse.ts";
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
