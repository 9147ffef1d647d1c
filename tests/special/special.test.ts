/**
 * Special functions and distribution quantiles against SciPy 1.17.1
 * (tests/fixtures/special/special.json, made by make_reference.py beside it).
 */
import assert from "node:assert";
import reference from "../fixtures/special/special.json" with { type: "json" };
import {
  chiSquareCdf,
  chiSquareQuantile,
  chiSquareUpper,
  fCdf,
  fQuantile,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedBeta,
  tCdf,
  tQuantile,
} from "../../lib/special/mod.ts";

/** Relative error, absolute near zero. */
function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
}

function checkAll(
  name: string,
  rows: number[][],
  f: (...args: number[]) => number,
  tolerance: number,
) {
  let worst = 0;
  for (const row of rows) {
    const args = row.slice(0, -1), expected = row[row.length - 1];
    const actual = f(...args);
    const error = expected === 0 ? Math.abs(actual) : relativeError(actual, expected);
    worst = Math.max(worst, error);
    assert.ok(
      error <= tolerance,
      `${name}(${args.join(", ")}) = ${actual}, SciPy ${expected} (relative error ${error})`,
    );
  }
  return worst;
}

Deno.test("logGamma matches SciPy gammaln to 1e-14 relative", () => {
  checkAll("logGamma", reference.logGamma, logGamma, 1e-14);
});

Deno.test("normalCdf is accurate in relative terms deep in the lower tail", () => {
  checkAll("normalCdf", reference.normalCdf, normalCdf, 1e-13);
});

Deno.test("normalQuantile matches SciPy to 1e-14 relative, down to p = 1e-300", () => {
  checkAll("normalQuantile", reference.normalQuantile, normalQuantile, 1e-14);
});

Deno.test("chi-square cdf and quantile match SciPy, df from 0.5 to 36000", () => {
  checkAll("chiSquareCdf", reference.chiSquareCdf, chiSquareCdf, 1e-11);
  checkAll("chiSquareQuantile", reference.chiSquareQuantile, chiSquareQuantile, 1e-12);
});

Deno.test("t cdf and quantile match SciPy", () => {
  checkAll("tCdf", reference.tCdf, tCdf, 1e-11);
  checkAll("tQuantile", reference.tQuantile, tQuantile, 1e-12);
});

Deno.test("F cdf and quantile match SciPy, df2 up to 36000", () => {
  checkAll("fCdf", reference.fCdf, fCdf, 1e-12);
  checkAll("fQuantile", reference.fQuantile, fQuantile, 1e-12);
});

Deno.test("regularizedBeta matches SciPy betainc, including large parameters", () => {
  checkAll("regularizedBeta", reference.regularizedBeta, regularizedBeta, 1e-12);
});

Deno.test("F with infinite denominator df is chi-square / df1", () => {
  for (const df1 of [1, 4, 30]) {
    for (const p of [0.025, 0.975]) {
      const expected = chiSquareQuantile(p, df1) / df1;
      assert.ok(relativeError(fQuantile(p, df1, Infinity), expected) < 1e-15);
      // A very large finite df2 approaches the same limit.
      assert.ok(relativeError(fQuantile(p, df1, 1e9), expected) < 1e-6);
    }
  }
});

Deno.test("t with infinite df is normal; quantiles invert the cdfs", () => {
  assert.strictEqual(tQuantile(0.975, Infinity), normalQuantile(0.975));
  for (const df of [1, 3.5, 40]) {
    for (const p of [1e-8, 0.1, 0.6, 0.999]) {
      assert.ok(relativeError(tCdf(tQuantile(p, df), df), p) < 1e-12);
    }
  }
  assert.ok(Number.isNaN(chiSquareQuantile(0.5, 0)));
  assert.ok(Number.isNaN(normalQuantile(1.5)));
  assert.strictEqual(chiSquareQuantile(0, 3), 0);
  assert.strictEqual(chiSquareQuantile(1, 3), Infinity);
});

Deno.test("chiSquareQuantile inverts its tail functions from p = 1e-300 to 1 - 1e-15, df 1e-3 to 36000", () => {
  // Beyond the SciPy table: the tail that keeps relative precision is inverted, so the
  // round trip is relative in p below 1/2 and in 1 - p above (seen: 4.7e-11 at df 36000,
  // where a relative change of x moves P about sqrt(df) times as much).
  const ps = [1e-300, 1e-100, 1e-20, 1e-8, 1e-3, 0.025, 0.3, 0.5, 0.7, 0.975, 0.999, 1 - 1e-8];
  const dfs = [1e-3, 0.01, 0.1, 0.5, 0.9, 1, 1.7, 2, 3.3, 10, 37.5, 1000, 36000];
  for (const p of ps) {
    for (const df of dfs) {
      const q = chiSquareQuantile(p, df);
      assert.ok(q >= 0 && Number.isFinite(q), `chiSquareQuantile(${p}, ${df}) = ${q}`);
      if (q < 1e-290) continue; // the quantile underflows (p = 1e-300 at df = 1e-3)
      const error = p <= 0.5
        ? relativeError(chiSquareCdf(q, df), p)
        : relativeError(chiSquareUpper(q, df), 1 - p);
      assert.ok(error < 1e-9, `chiSquareQuantile(${p}, ${df}) = ${q}: round trip ${error}`);
    }
  }
});

Deno.test("normalQuantile's recent values: repeated and interleaved p get the value computed afresh", () => {
  // Nine distinct p in a row: each is computed afresh (the memory holds the last four).
  const ps = [0.025, 0.975, 0.1, 0.9, 1e-10, 0.3, 0.7, 0.995, 0.4];
  const fresh = ps.map((p) => normalQuantile(p));
  const pattern = [0, 1, 0, 1, 2, 0, 3, 4, 0, 1, 5, 6, 7, 8, 8, 7, 0, 2, 4, 6, 1, 3, 5, 7];
  for (const i of pattern) {
    assert.ok(Object.is(normalQuantile(ps[i]), fresh[i]), `p = ${ps[i]} after ${pattern}`);
  }
  assert.ok(Number.isNaN(normalQuantile(NaN)) && normalQuantile(0) === -Infinity);
});
