/**
 * Intervals at the edges: a zero variance estimate (Dyestuff2, lme4 gives 0
 * and singular), a near-singular fit, and a design where MLS does not apply.
 * Every interval has a clear status and never a NaN.
 */
import assert from "node:assert";
import { fitVarComp } from "../../lib/fit/fit.ts";
import {
  type ConfidenceInterval,
  confidenceIntervals,
  INTERVAL_METHODS,
} from "../../lib/inference/intervals.ts";
import { nested } from "../../lib/generate/nested.ts";
import { deriveStream } from "../../lib/rng/derive_stream.ts";
import { modelFrame } from "../../lib/model/model_frame.ts";
import { loadLme4Reference } from "../fit/_lme4_fixtures.ts";

function assertWellFormed(intervals: readonly ConfidenceInterval[]) {
  for (const i of intervals) {
    const text = JSON.stringify(i);
    if (i.status === "ok") {
      assert.ok(Number.isFinite(i.lower) && Number.isFinite(i.upper), text);
      assert.ok(i.lower! <= i.upper!, text);
    } else {
      assert.ok(["undefined", "not-applicable", "failed"].includes(i.status), text);
      assert.strictEqual(i.lower, null, text);
      assert.strictEqual(i.upper, null, text);
      assert.ok(i.note && i.note.length > 0, `a ${i.status} interval says why: ${text}`);
    }
    assert.ok(i.df === undefined || Number.isFinite(i.df), text);
  }
}

const allMethods = (seed: number) => ({
  methods: INTERVAL_METHODS,
  bootstrap: { stream: deriveStream(seed, ["edge"]), replicates: 99 },
});

Deno.test("zero estimate: log-Wald and Satterthwaite undefined, Wald and profile start at 0", async () => {
  const { frame } = await loadLme4Reference("dyestuff2");
  const fit = fitVarComp(frame, { method: "reml" });
  assert.strictEqual(fit.variances.Batch, 0);
  const { intervals } = confidenceIntervals(frame, fit, allMethods(1));
  assertWellFormed(intervals);
  const get = (m: string) => intervals.find((i) => i.parameter === "Batch" && i.method === m)!;
  assert.strictEqual(get("wald-log").status, "undefined");
  assert.strictEqual(get("satterthwaite").status, "undefined");
  assert.strictEqual(get("wald").lower, 0);
  assert.strictEqual(get("profile").lower, 0);
  assert.ok(get("profile").upper! > 0);
  assert.strictEqual(get("profile-ml").lower, 0);
  // MLS applies (balanced one-way) and is truncated at 0.
  assert.strictEqual(get("mls").status, "ok");
});

Deno.test("near-singular fit: every method gives an interval or a reason, no NaN", () => {
  for (let seed = 0; seed < 8; seed++) {
    const data = nested(deriveStream(seed, ["near singular"]), {
      nGroup1: 4,
      nGroup2: 3,
      nRep: 2,
      group1Sd: 0.02,
      group2Sd: 0.05,
      unexplainedSd: 1,
    });
    const frame = modelFrame(data, "y ~ 1 + (1|group1/group2)");
    for (const method of ["reml", "ml", "anova"] as const) {
      const fit = fitVarComp(frame, { method });
      assertWellFormed(confidenceIntervals(frame, fit, allMethods(seed)).intervals);
    }
  }
});

Deno.test("unbalanced design: MLS is not applicable and says so; exact applies to the residual", () => {
  const data = nested(deriveStream(3, ["unbalanced"]), {
    nGroup1: 6,
    nGroup2: 4,
    nRepRange: [2, 5],
  });
  const frame = modelFrame(data, "y ~ 1 + (1|group1/group2)");
  const { intervals } = confidenceIntervals(frame, fitVarComp(frame), {
    methods: ["mls", "exact"],
  });
  assertWellFormed(intervals);
  for (const i of intervals.filter((i) => i.parameter !== "(Intercept)")) {
    if (i.method === "exact" && i.parameter === "Residual") {
      // The within-cell SS has its chi-square law in any design (tests/inference/exact_interval.test.ts).
      assert.strictEqual(i.status, "ok");
      continue;
    }
    assert.strictEqual(i.status, "not-applicable");
    assert.match(i.note!, i.method === "mls" ? /balanced/ : /residual variance/);
  }
});

Deno.test("bootstrap intervals are reproducible from the stream they are given", async () => {
  const { frame } = await loadLme4Reference("penicillin");
  const fit = fitVarComp(frame);
  const run = (seed: number) =>
    confidenceIntervals(frame, fit, {
      methods: ["bootstrap"],
      bootstrap: { stream: deriveStream(seed, ["bootstrap"]), replicates: 199 },
    }).intervals;
  assert.deepStrictEqual(run(5), run(5));
  assert.notDeepStrictEqual(run(5), run(6));
  // The percentile interval brackets the estimate for a well-determined component.
  const plate = run(5).find((i) => i.parameter === "plate")!;
  assert.ok(plate.lower! < fit.variances.plate && fit.variances.plate < plate.upper!);
});

Deno.test("a grouping factor with a single level is refused before fitting", () => {
  const data = nested(deriveStream(1, ["one level"]), { nGroup1: 1, nGroup2: 3, nRep: 4 });
  assert.throws(
    () => modelFrame(data, "y ~ 1 + (1|group1/group2)"),
    /"group1" has only 1 level/,
  );
});

Deno.test("boundary fit: SEs and intercept Satterthwaite df match the balanced closed forms at 0", async () => {
  // Balanced one-way: the REML likelihood factors into a between-group part
  // (a - 1 df, variance L = s + n s_a) and a within part (a(n - 1) df, variance s),
  // so the inverse expected information gives Var(s_a) = 2/n^2 [L^2/(a - 1) +
  // s^2/(a(n - 1))], here at s_a = 0 (L = s). Dyestuff2: a = 6 batches of n = 5.
  // Finite differences at the bound must step on the scale of the other variances.
  const { frame } = await loadLme4Reference("dyestuff2");
  const fit = fitVarComp(frame, { method: "reml" });
  const s = fit.variances.Residual, a = 6, n = 5;
  const { variance } = confidenceIntervals(frame, fit, { methods: ["wald"] });
  const se = (name: string) => variance.se[variance.parameters.indexOf(name)]!;
  const batch = Math.sqrt((2 / n ** 2) * (s ** 2 / (a - 1) + s ** 2 / (a * (n - 1))));
  assert.ok(Math.abs(se("Batch") / batch - 1) < 1e-6, `${se("Batch")} vs ${batch}`);
  // Var(mean) = L/(an) with gradient (n, 1)/(an): the same algebra gives the intercept
  // Satterthwaite df a - 1 at the boundary too.
  const df = confidenceIntervals(frame, fit, { methods: ["satterthwaite"] }).intervals
    .find((i) => i.parameter === "(Intercept)")!.df!;
  assert.ok(Math.abs(df - (a - 1)) < 1e-6 * (a - 1), `intercept df ${df}`);
});
