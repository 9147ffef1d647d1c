/**
 * Test plug-ins: a user's test runs like a built-in, a broken one fails
 * only itself, validate errors propagate, and the F test says where it
 * does not apply.
 */
import assert from "node:assert";
import { fitVarComp } from "../../../lib/fit/fit.ts";
import type { ModelFrame } from "../../../lib/model/frame.ts";
import { testContext, varianceTests } from "../../../lib/inference/tests/variance_tests.ts";
import type { TestPlugin } from "../../../lib/inference/tests/test_plugin.ts";
import { seedrandomStream } from "../../../lib/rng/seedrandom_stream.ts";
import { nested } from "../../../lib/generate/nested.ts";
import { modelFrame } from "../../../lib/model/model_frame.ts";
import { crossProducts } from "../../../lib/model/cross_products.ts";
import { _nullSpectrum } from "../../../lib/inference/tests/_rlrt_null.ts";

const frame: ModelFrame = modelFrame(
  nested(seedrandomStream("registry"), { nGroup1: 6, nGroup2: 3, nRep: 2 }),
  "y ~ 1 + (1|group1/group2)",
);
const fit = fitVarComp(frame);

function broken(name: string, result: () => unknown): TestPlugin {
  return { name, test: () => result() as [] };
}

Deno.test("a broken test plug-in fails only itself, one failed result per term with its reason", () => {
  const cases: [TestPlugin, RegExp][] = [
    [
      broken("throws", () => {
        throw new Error("planned");
      }),
      /^planned$/,
    ],
    [broken("not-array", () => 3), /returned number, expected an array/],
    [
      broken("nan", () =>
        frame.terms.map((t) => ({
          parameter: t.name,
          test: "nan",
          statistic: NaN,
          pValue: 0.5,
          status: "ok",
        }))),
      /non-finite statistic/,
    ],
    [
      broken("p2", () =>
        frame.terms.map((t) => ({
          parameter: t.name,
          test: "p2",
          statistic: 1,
          pValue: 2,
          status: "ok",
        }))),
      /p-value outside/,
    ],
    [broken("missing", () => []), /no result for group1, group1:group2|no result for/],
    [
      broken(
        "stranger",
        () => [{
          parameter: "Residual",
          test: "stranger",
          statistic: 1,
          pValue: 0.5,
          status: "ok",
        }],
      ),
      /not a random term/,
    ],
  ];
  for (const [plugin, reason] of cases) {
    const results = varianceTests(frame, fit, { tests: ["f", plugin] });
    const mine = results.filter((r) => r.test === plugin.name);
    assert.equal(mine.length, frame.terms.length, plugin.name);
    for (const r of mine) {
      assert.equal(r.status, "failed", plugin.name);
      assert.match(r.note!, reason, plugin.name);
    }
    assert.ok(results.filter((r) => r.test === "f").every((r) => r.status === "ok"), plugin.name);
  }
});

Deno.test("validate errors propagate, and bootstrap-lrt without a stream is refused", () => {
  const refuses: TestPlugin = {
    name: "refuses",
    validate: () => {
      throw new RangeError("bad options");
    },
    test: () => [],
  };
  assert.throws(() => varianceTests(frame, fit, { tests: [refuses] }), /bad options/);
  assert.throws(() => varianceTests(frame, fit, { tests: ["bootstrap-lrt"] }), /needs a stream/);
  assert.throws(
    () => varianceTests(frame, fit, { tests: ["f", { name: "f", test: () => [] }] }),
    /built-in test's/,
  );
});

Deno.test("data-only work is shared by the tests of every fit of one context", () => {
  const context = testContext(frame, {
    stream: (k) => seedrandomStream(k),
    bootstrapReplicates: 19,
  });
  const ml = fitVarComp(frame, { method: "ml" });
  const a = varianceTests(frame, fit, { tests: ["lrt", "rlrt", "bootstrap-lrt"], context });
  const b = varianceTests(frame, ml, { tests: ["lrt", "rlrt", "bootstrap-lrt"], context });
  assert.deepEqual(a, b);
  // The same as a fresh context: sharing changes nothing but the cost.
  const fresh = testContext(frame, { stream: (k) => seedrandomStream(k), bootstrapReplicates: 19 });
  assert.deepEqual(
    varianceTests(frame, ml, { tests: ["lrt", "rlrt", "bootstrap-lrt"], context: fresh }),
    a,
  );
});

Deno.test("the F test: exact ratio in nested data, not applicable to an unbalanced crossed design", () => {
  // Balanced a/b: F(group1) = MS_group1 / MS_group1:group2, F(group2) = MS_group2 / MS_E.
  const [inner, outer] = [...varianceTests(frame, fit, { tests: ["f"] })].sort((x, y) =>
    x.parameter.length - y.parameter.length
  ).reverse();
  assert.equal(inner.parameter, "group1:group2");
  assert.equal(outer.parameter, "group1");
  const y = frame.y, n = y.length;
  const mean = (idx: number[]) => idx.reduce((s, i) => s + y[i], 0) / idx.length;
  const by = (codes: Int32Array) => {
    const m = new Map<number, number[]>();
    codes.forEach((c, i) => m.set(c, [...(m.get(c) ?? []), i]));
    return [...m.values()];
  };
  const g1 = by(frame.terms.find((t) => t.name === "group1")!.codes);
  const g2 = by(frame.terms.find((t) => t.name === "group1:group2")!.codes);
  const all = mean([...Array(n).keys()]);
  const ss1 = g1.reduce((s, idx) => s + idx.length * (mean(idx) - all) ** 2, 0);
  const ss2 = g2.reduce((s, idx) => s + idx.length * mean(idx) ** 2, 0) -
    g1.reduce((s, idx) => s + idx.length * mean(idx) ** 2, 0);
  const sse = g2.reduce((s, idx) => s + idx.reduce((t, i) => t + (y[i] - mean(idx)) ** 2, 0), 0);
  const ms1 = ss1 / 5, ms2 = ss2 / 12, mse = sse / 18;
  assert.ok(Math.abs(outer.statistic! - ms1 / ms2) < 1e-10, `${outer.statistic} vs ${ms1 / ms2}`);
  assert.ok(Math.abs(inner.statistic! - ms2 / mse) < 1e-10, `${inner.statistic} vs ${ms2 / mse}`);

  // 5 x 4 crossed cells of 2 rows, one row dropped: crossed and unbalanced.
  const rows = [...Array(40).keys()].filter((i) => i !== 3);
  const stream = seedrandomStream("crossed");
  const unbalanced: ModelFrame = {
    response: "y",
    y: Float64Array.from(rows, () => stream.normal()),
    X: new Float64Array(rows.length).fill(1),
    fixedNames: ["(Intercept)"],
    terms: [
      { name: "a", codes: Int32Array.from(rows, (i) => i % 5), levels: ["1", "2", "3", "4", "5"] },
      {
        name: "b",
        codes: Int32Array.from(rows, (i) => Math.floor(i / 10)),
        levels: ["1", "2", "3", "4"],
      },
    ],
    droppedRows: 0,
  };
  for (const r of varianceTests(unbalanced, fitVarComp(unbalanced), { tests: ["f"] })) {
    assert.equal(r.status, "not-applicable");
    assert.match(r.note!, /balanced design or a nested chain/);
  }
});

Deno.test("in a study, a test whose validate throws fails the tests of that fit, not the replicate", async () => {
  const { defineStudy, nested: generate, runReplicate } = await import("../../../mod.ts");
  const refuses: TestPlugin = {
    name: "refuses",
    validate: () => {
      throw new RangeError("bad options");
    },
    test: () => [],
  };
  const study = defineStudy({
    name: "v",
    factors: { n: [5] },
    reps: 1,
    seed: 1,
    generate: (_c, s) => generate(s, { nGroup1: 5, nGroup2: 2, nRep: 2 }),
    truth: () => ({}),
    formula: "y ~ 1 + (1|group1)",
    methods: ["reml"],
    intervals: [],
    tests: ["f", refuses],
  });
  const record = await runReplicate(study, { condition: { n: 5 }, rep: 0, seed: 1 });
  assert.equal(record.status, "ok");
  assert.equal(record.fits[0].status, "ok");
  assert.deepEqual(record.fits[0].parameters[0].tests!.map((t) => t.status), ["failed", "failed"]);
  assert.match(record.fits[0].message!, /tests failed: bad options/);
});

Deno.test("rlrt-exact's null spectrum refuses a singular X'X, wherever its Cholesky fails", () => {
  // modelFrame refuses rank-deficient fixed effects, so X'X is made singular by hand: the
  // intercept column duplicated in the cross-products (its Cholesky then fails at pivot 1).
  const frame = modelFrame(
    nested(seedrandomStream("3"), {
      nGroup1: 4,
      nGroup2: 2,
      nRep: 3,
      covariates: [{ name: "x", slope: 1 }],
    }),
    "y ~ 1 + x + (1|group1)",
  );
  const cp = crossProducts(frame);
  const P = cp.p + 1;
  for (let b = 0; b < P; b++) {
    cp.xyxy[1 * P + b] = cp.xyxy[b];
    cp.xyxy[b * P + 1] = cp.xyxy[b];
  }
  cp.xyxy[1 * P + 1] = cp.xyxy[0];
  assert.throws(() => _nullSpectrum(cp, 0), { name: "RangeError", message: "X'X is singular" });
});
