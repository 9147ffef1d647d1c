// Dense Cholesky (choleskyInPlace) at the orders the fitter meets: a crossed
// design's Schur block of 100 (the notebook's crossed design), 400, and
// InstEval's 1156 (d and dept:service after the students' diagonal block),
// where a fit spends nearly all its time. From order 40 the factorisation's
// inner loop runs in WebAssembly SIMD; the scalar loop's figures for the same
// orders are in the commit that added it (the two agree to the bit). Rows held in panels of
// four (the kernel reads memory in order) took order 1156 from 58-60 to 39-44 ms; 100 and 400,
// which stay in cache, are unchanged.
// Then the solve for three columns after InstEval's factorisation, and the inverse from the
// factor at 100, 500 and 1158.
// Run: deno bench bench/linalg.bench.ts
import { choleskyInPlace, forwardSolveColumnsInPlace } from "../lib/linalg/cholesky.ts";
import { setCholeskyThreads } from "../lib/linalg/cholesky_threads.ts";
import { _choleskyInverse } from "../lib/linalg/_cholesky_inverse.ts";

let sink = 0;

/** B B' / n + I for a fixed pseudo-random B: positive definite, well conditioned. */
function spd(n: number): Float64Array {
  let s = 12345;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
  const b = Float64Array.from({ length: n * n }, rnd);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let v = 0;
      for (let k = 0; k < n; k++) v += b[i * n + k] * b[j * n + k];
      a[i * n + j] = v / n + (i === j ? 1 : 0);
    }
  }
  return a;
}

for (const n of [100, 400, 1156]) {
  const a = spd(n), work = new Float64Array(n * n);
  Deno.bench(`choleskyInPlace, order ${n}`, { group: `cholesky ${n}` }, () => {
    setCholeskyThreads(1);
    work.set(a);
    sink += choleskyInPlace(work, n);
  });
  // Helper threads share the rows of blocks of order 512 and more (the same factor to the bit).
  if (n >= 512) {
    Deno.bench(`choleskyInPlace, order ${n}, 2 threads`, { group: `cholesky ${n}` }, () => {
      setCholeskyThreads(2);
      work.set(a);
      sink += choleskyInPlace(work, n);
    });
  }
}

// The Schur factor's solve for [X y] after each factorisation: three columns of order 1156 (InstEval).
{
  const n = 1156, l = spd(n), b = new Float64Array(3 * n);
  const rhs = Float64Array.from({ length: 3 * n }, (_, i) => Math.sin(i));
  choleskyInPlace(l, n);
  Deno.bench("forwardSolveColumnsInPlace, order 1156, 3 columns", { group: "solve 1156" }, () => {
    b.set(rhs);
    forwardSolveColumnsInPlace(l, n, b);
    sink += b[3 * n - 1];
  });
}

// The inverse from the factor (the crossed exact information's Y; InstEval's order 1158), with
// its row updates in SIMD four terms at a time and in the scalar loops (the same bits).
for (const n of [100, 500, 1158]) {
  const l = spd(n);
  choleskyInPlace(l, n);
  for (const simd of [true, false]) {
    Deno.bench(`_choleskyInverse, order ${n}${simd ? "" : ", scalar loops"}`, {
      group: `inverse ${n}`,
      baseline: simd,
    }, () => {
      sink += _choleskyInverse(l, n, { simd })[n * n - 1];
    });
  }
}

globalThis.addEventListener("unload", () => {
  if (sink === 0.5) console.log(sink);
});
