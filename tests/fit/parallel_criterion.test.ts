// Crossed fits whose points of differences are shared with a helper thread
// (lib/fit/_parallel_criterion.ts) are the same to the bit as on one thread: the helper runs
// the same code on its own copy of the cross-products. Its values are checked against this
// thread's own, point by point; a helper whose tasks fail leaves its points to this thread.
import assert from "node:assert";
import { crossProducts } from "../../lib/model/cross_products.ts";
import type { ModelFrame } from "../../lib/model/frame.ts";
import { blockedFactor } from "../../lib/fit/blocked_factor.ts";
import { fitVarComp, profiledCriterion } from "../../lib/fit/fit.ts";
import {
  _parallelCriterionHelped,
  PARALLEL_FROM,
  parallelCriterion,
} from "../../lib/fit/_parallel_criterion.ts";
import { setCholeskyThreads } from "../../lib/linalg/cholesky_threads.ts";
import { evalScript } from "../_eval_script.ts";

/**
 * A crossed design of `rows` rows with random levels of g1 (`l1`) and g2 (`l2`), y with both
 * effects: a small linear congruential stream, so the frame is the same everywhere.
 */
function crossedFrame(rows: number, l1: number, l2: number): ModelFrame {
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const a = Float64Array.from({ length: l1 }, () => next() - 0.5);
  const b = Float64Array.from({ length: l2 }, () => 2 * (next() - 0.5));
  const g1 = new Int32Array(rows), g2 = new Int32Array(rows), y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    g1[i] = i % l1;
    g2[i] = Math.floor(next() * l2);
    y[i] = a[g1[i]] + b[g2[i]] + (next() + next() + next() - 1.5);
  }
  const levels = (l: number) => Array.from({ length: l }, (_, k) => `l${k}`);
  return {
    response: "y",
    y,
    X: new Float64Array(rows).fill(1),
    fixedNames: ["(Intercept)"],
    terms: [
      { name: "g1", codes: g1, levels: levels(l1) },
      { name: "g2", codes: g2, levels: levels(l2) },
    ],
    droppedRows: 0,
  };
}

const frame = crossedFrame(9000, 1200, PARALLEL_FROM + 100);

/** The frame's cross-products and its criterion on this thread, as the fit computes it. */
function criterion(reml: boolean) {
  const cp = crossProducts(frame);
  const factor = blockedFactor(cp);
  const objective = (theta: Float64Array) =>
    factor.update(theta) ? profiledCriterion(factor, { n: cp.n, p: cp.p, reml }) : Infinity;
  return { cp, objective };
}

Deno.test("parallel criterion: the helper's values are this thread's, to the bit", async () => {
  const { cp, objective } = criterion(true);
  setCholeskyThreads(2);
  const parallel = parallelCriterion(cp, { reml: true })!;
  try {
    assert.ok(parallel, "a helper for a dense block of this size");
    const points = Array.from({ length: 5 }, (_, i) => Float64Array.from([0.3 + 0.01 * i, 0.8]));
    // Not yet ready: this thread evaluates all; then the helper takes its share.
    const deadline = Date.now() + 30_000;
    while (parallel.counts.helped === 0 && Date.now() < deadline) {
      const got = parallel.evaluateAll(points, objective);
      const want = points.map(objective);
      assert.deepEqual(got, want);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(parallel.counts.helped > 0, "the helper took part");
    // A point where the factor fails gives Infinity on either side.
    const bad = [...points, Float64Array.from([NaN, 1]), Float64Array.from([1, NaN])];
    assert.deepEqual(parallel.evaluateAll(bad, objective), bad.map(objective));
  } finally {
    parallel?.close();
    setCholeskyThreads(1);
  }
});

Deno.test("parallel criterion: REML and ML fits with a helper equal those on one thread", () => {
  for (const method of ["reml", "ml"] as const) {
    setCholeskyThreads(1);
    const one = fitVarComp(frame, { method });
    setCholeskyThreads(2);
    try {
      // Each fit starts its own helper, which takes part once it is ready: fits until one had
      // its help (the first, unless the machine is very busy), each equal to the one-thread fit.
      let helped = false;
      for (let tries = 0; tries < 10 && !helped; tries++) {
        const before = _parallelCriterionHelped();
        assert.deepEqual(fitVarComp(frame, { method }), one, method);
        helped = _parallelCriterionHelped() > before;
      }
      assert.ok(helped, `no ${method} fit had the helper's help`);
    } finally {
      setCholeskyThreads(1);
    }
  }
});

Deno.test("parallel criterion: none for one thread or a small dense block", () => {
  setCholeskyThreads(2);
  try {
    assert.equal(
      parallelCriterion(crossProducts(crossedFrame(3000, 300, 100)), { reml: true }),
      null,
    );
  } finally {
    setCholeskyThreads(1);
  }
  assert.equal(parallelCriterion(crossProducts(frame), { reml: true }), null);
});

Deno.test("parallel criterion: a helper whose tasks fail leaves its points to this thread", async () => {
  const { cp, objective } = criterion(false);
  setCholeskyThreads(2);
  const helper = new URL("./_failing_criterion_helper.ts", import.meta.url);
  const parallel = parallelCriterion(cp, { reml: false, helper })!;
  try {
    const points = Array.from({ length: 4 }, (_, i) => Float64Array.from([0.5, 0.2 + 0.1 * i]));
    // Wait until the helper has said it is ready, then give it a task.
    for (let i = 0; i < 100; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(parallel.evaluateAll(points, objective), points.map(objective));
    assert.deepEqual(parallel.evaluateAll(points, objective), points.map(objective));
    assert.deepEqual(parallel.counts, { points: 8, helped: 0 });
  } finally {
    parallel.close();
    setCholeskyThreads(1);
  }
});

Deno.test("parallel criterion: a fit with a helper never keeps its process from ending", async () => {
  const url = new URL("../../lib/", import.meta.url).href;
  const code = `
    import { fitVarComp } from "${url}fit/fit.ts";
    import { setCholeskyThreads } from "${url}linalg/cholesky_threads.ts";
    setCholeskyThreads(2);
    const rows = 6000, l1 = 900, l2 = 520;
    const g1 = new Int32Array(rows), g2 = new Int32Array(rows), y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      g1[i] = i % l1; g2[i] = (i * 7919) % l2; y[i] = Math.sin(i) + 0.01 * (g2[i] % 13);
    }
    const levels = (l) => Array.from({ length: l }, (_, k) => "l" + k);
    const fit = fitVarComp({ response: "y", y, X: new Float64Array(rows).fill(1),
      fixedNames: ["(Intercept)"], droppedRows: 0,
      terms: [{ name: "g1", codes: g1, levels: levels(l1) }, { name: "g2", codes: g2, levels: levels(l2) }] });
    console.log("fitted", fit.converged);
  `;
  const out = await evalScript(code, { timeoutMs: 120_000 });
  const text = out.stdout + out.stderr;
  assert.equal(out.code, 0, `the process ended with code ${out.code} (${out.signal}): ${text}`);
  assert.equal(text.trim(), "fitted true");
});
