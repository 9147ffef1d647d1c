/**
 * The dense Cholesky factor against a textbook scalar loop (the oracle,
 * written out here: each entry's sum over k ascending, a product then a
 * subtraction, times the reciprocal of the pivot). From order 40 on
 * `choleskyInPlace` runs its inner loop in WebAssembly SIMD and must still
 * give the oracle's factor to the bit, and the same failing pivot, with
 * helper threads sharing its rows too.
 */

import assert from "node:assert/strict";
import {
  choleskyInPlace,
  forwardSolveColumnsInPlace,
  forwardSolveInPlace,
} from "../../lib/linalg/cholesky.ts";
import { simdCholeskyInPlace } from "../../lib/linalg/_simd_cholesky.ts";
import { _choleskyTeamState, setCholeskyThreads } from "../../lib/linalg/cholesky_threads.ts";
import { evalScript } from "../_eval_script.ts";

function oracle(a: Float64Array, n: number): number {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) return j;
    a[j * n + j] = Math.sqrt(d);
    const inv = 1 / a[j * n + j];
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s * inv;
    }
  }
  return -1;
}

/** A Park-Miller stream, so every run tests the same matrices. */
function stream(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

type Kind = "dense" | "sparse" | "ill";

/** A symmetric positive definite n x n matrix, lower triangle meaningful, upper set to 777. */
function spd(n: number, kind: Kind, rnd: () => number): Float64Array {
  const a = new Float64Array(n * n);
  // B B' + ridge, B n x m: dense, with most entries zero (a Schur complement's
  // pattern), or nearly rank-deficient.
  const m = kind === "ill" ? Math.max(1, n >> 2) : n;
  const b = Array.from({ length: n * m }, () => kind === "sparse" && rnd() < 0.9 ? 0 : rnd() - 0.5);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += b[i * m + k] * b[j * m + k];
      a[i * n + j] = s + (i === j ? (kind === "ill" ? 1e-9 : 0.1 + rnd()) : 0);
    }
    for (let j = i + 1; j < n; j++) a[i * n + j] = 777;
  }
  return a;
}

function sameBits(got: Float64Array, want: Float64Array): number {
  for (let i = 0; i < got.length; i++) if (!Object.is(got[i], want[i])) return i;
  return -1;
}

Deno.test("cholesky: the SIMD path is taken and equals the scalar oracle to the bit", () => {
  const rnd = stream(20261201);
  for (const n of [1, 2, 3, 5, 8, 17, 39, 40, 41, 42, 43, 97, 100, 128, 131, 203, 257]) {
    for (const kind of ["dense", "sparse", "ill"] as const) {
      const a = spd(n, kind, rnd);
      const want = a.slice(), simd = a.slice(), viaDispatch = a.slice();
      const expected = oracle(want, n);
      assert.equal(choleskyInPlace(viaDispatch, n), expected, `n ${n} ${kind}: result`);
      assert.equal(sameBits(viaDispatch, want), -1, `n ${n} ${kind}: factor differs`);
      // The SIMD path itself at every order, below the dispatch's threshold too.
      assert.equal(simdCholeskyInPlace(simd, n), expected, `n ${n} ${kind}: SIMD result`);
      if (expected === -1) assert.equal(sameBits(simd, want), -1, `n ${n} ${kind}: SIMD factor`);
    }
  }
});

Deno.test("cholesky: a non-positive pivot is found at the oracle's index; NaN and infinities", () => {
  const rnd = stream(7);
  for (const n of [41, 97, 150, 260]) {
    for (const at of [0, 1, 4, 39, n - 2, n - 1]) {
      for (const bad of [-1, 0, NaN, Infinity, -Infinity]) {
        const a = spd(n, "dense", rnd);
        a[at * n + at] = bad;
        const want = a.slice(), got = a.slice();
        const expected = oracle(want, n);
        assert.equal(choleskyInPlace(got, n), expected, `n ${n}, pivot ${at} = ${bad}`);
        // An infinite pivot does not stop the factorisation: the same bits either way.
        if (expected === -1) assert.equal(sameBits(got, want), -1, `n ${n}, pivot ${at} = ${bad}`);
      }
    }
  }
});

Deno.test("cholesky: the strict upper triangle is left untouched, as the buffer grows", () => {
  const rnd = stream(11);
  // Growing, shrinking and growing again: views of the SIMD buffer must follow it.
  for (const n of [120, 400, 100, 700]) {
    const a = spd(n, "sparse", rnd), want = a.slice();
    assert.equal(choleskyInPlace(a, n), oracle(want, n));
    assert.equal(sameBits(a, want), -1, `n ${n}`);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.equal(a[i * n + j], 777);
  }
});

Deno.test("cholesky: without WebAssembly (V8 --jitless) the scalar loop gives the same factor", async () => {
  const n = 101, a = spd(n, "sparse", stream(5)), want = a.slice();
  assert.equal(choleskyInPlace(want, n), -1);
  const url = new URL("../../lib/linalg/", import.meta.url).href;
  const code = `
    import { choleskyInPlace } from "${url}cholesky.ts";
    import { simdCholeskyInPlace } from "${url}_simd_cholesky.ts";
    const a = new Float64Array(await new Response(Deno.stdin.readable).arrayBuffer());
    if (typeof WebAssembly !== "undefined") throw new Error("WebAssembly is available");
    if (simdCholeskyInPlace(a.slice(), ${n}) !== null) throw new Error("the SIMD path ran");
    const result = choleskyInPlace(a, ${n});
    await Deno.stdout.write(new Uint8Array(a.buffer));
    Deno.exitCode = result === -1 ? 0 : 3;
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--v8-flags=--jitless", code],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new Uint8Array(a.buffer));
  await writer.close();
  const out = await child.output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const got = new Float64Array(out.stdout.slice().buffer);
  assert.equal(got.length, n * n);
  assert.equal(sameBits(got, want), -1);
});

/** Waits (up to a minute, for a loaded machine) until `count` helpers are ready. */
async function helpersReady(count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (_choleskyTeamState().ready < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(_choleskyTeamState().ready, count, "the helper threads are ready");
}

/**
 * B B' + a ridge for an n x 24 random B: dense and positive definite, cheap to build at the
 * orders whose rows the helpers share (from about 730: smaller ones are not worth it).
 */
function lowRank(n: number, rnd: () => number): Float64Array {
  const m = 24, b = Float64Array.from({ length: n * m }, () => rnd() - 0.5);
  const a = new Float64Array(n * n).fill(777);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = i === j ? 0.5 + rnd() : 0;
      for (let k = 0; k < m; k++) s += b[i * m + k] * b[j * m + k];
      a[i * n + j] = s;
    }
  }
  return a;
}

Deno.test("cholesky: with helper threads, the same factor and failing pivot to the bit", async () => {
  const rnd = stream(424242);
  try {
    for (const threads of [2, 3]) {
      setCholeskyThreads(threads);
      // Helpers start with the first large factorisation and take part once ready.
      choleskyInPlace(lowRank(600, rnd), 600);
      await helpersReady(threads - 1);
      const shared = _choleskyTeamState().shared;
      for (const n of [600, 801, 1030]) {
        const a = lowRank(n, rnd), want = a.slice();
        assert.equal(choleskyInPlace(a, n), oracle(want, n), `${threads} threads, n ${n}`);
        assert.equal(sameBits(a, want), -1, `${threads} threads, n ${n}: factor differs`);
      }
      for (const [at, bad] of [[0, -1], [400, NaN], [770, 0], [799, -1]]) {
        const a = lowRank(801, rnd);
        a[at * 801 + at] = bad;
        const want = a.slice();
        assert.equal(choleskyInPlace(a, 801), oracle(want, 801), `pivot ${at} = ${bad}`);
      }
      assert.ok(_choleskyTeamState().shared > shared, `${threads} threads: the helpers took part`);
    }
  } finally {
    setCholeskyThreads(1);
  }
});

Deno.test("cholesky: helper threads never keep a process from ending", async () => {
  const url = new URL("../../lib/linalg/", import.meta.url).href;
  const code = `
    import { choleskyInPlace, setCholeskyThreads } from "${url}mod.ts";
    import { _choleskyTeamState } from "${url}cholesky_threads.ts";
    setCholeskyThreads(2);
    const n = 800, a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) a[i * n + i] = 2;
    choleskyInPlace(a.slice(), n);
    while (_choleskyTeamState().ready < 1) await new Promise((r) => setTimeout(r, 20));
    choleskyInPlace(a.slice(), n);
    console.log("factored", _choleskyTeamState().ready);
  `;
  const out = await evalScript(code);
  const text = out.stdout + out.stderr;
  assert.equal(out.code, 0, `the process ended with code ${out.code} (${out.signal}): ${text}`);
  assert.equal(text.trim(), "factored 1");
});

Deno.test("forwardSolveColumnsInPlace solves each column to the bits of forwardSolveInPlace", () => {
  // 1 to 6 columns: three at a time, pairs and a single one, in every combination used.
  for (const n of [1, 2, 7, 40, 101]) {
    let seed = n;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
    const l = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < i; k++) l[i * n + k] = rnd();
      l[i * n + i] = 0.5 + rnd();
    }
    for (let columns = 1; columns <= 6; columns++) {
      const b = Float64Array.from({ length: columns * n }, () => rnd() * 10);
      const want = b.slice();
      for (let c = 0; c < columns; c++) forwardSolveInPlace(l, n, want, c * n);
      forwardSolveColumnsInPlace(l, n, b);
      const at = b.findIndex((v, i) => !Object.is(v, want[i]));
      assert.equal(at, -1, `n ${n}, ${columns} columns: entry ${at} is ${b[at]}, not ${want[at]}`);
    }
  }
});
