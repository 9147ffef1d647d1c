/**
 * Interval kinds are registry plug-ins: the built-ins by name, in reporting
 * order; a user's kind as an object runs through confidenceIntervals beside
 * them; a kind that throws fails alone; malformed plug-ins are refused.
 */
import assert from "node:assert";
import { fitVarComp } from "../../lib/fit/fit.ts";
import {
  confidenceIntervals,
  INTERVAL_METHODS,
  parseIntervalMethods,
} from "../../lib/inference/intervals.ts";
import type { IntervalPlugin } from "../../lib/inference/intervals/interval_plugin.ts";
import { BUILT_IN_INTERVALS, intervalPlugin } from "../../lib/inference/intervals/registry.ts";
import { intervalMaker } from "../../lib/inference/intervals/interval_maker.ts";
import { sharedVarianceCovariance } from "../../lib/inference/intervals/shared_work.ts";
import * as inference from "../../lib/inference/mod.ts";
import { deriveStream } from "../../lib/rng/derive_stream.ts";
import { loadLme4Reference } from "../fit/_lme4_fixtures.ts";

const REPORTING_ORDER = [
  "wald",
  "wald-log",
  "satterthwaite",
  "t",
  "profile",
  "profile-ml",
  "mls",
  "exact",
  "bootstrap",
];
const UNKNOWN = {
  name: "TypeError",
  message: `unknown interval method "nope": expected one of ${REPORTING_ORDER.join(", ")}`,
};

const { frame } = await loadLme4Reference("pastes");
const fit = fitVarComp(frame);
const parameters = [...frame.terms.map((t) => t.name), "Residual", ...frame.fixedNames];

/** A toy kind: estimate +- 1 for every variance and fixed effect. */
const plusMinusOne: IntervalPlugin = {
  name: "plus-minus-1",
  intervals(_frame, fit) {
    const make = intervalMaker("plus-minus-1");
    return [
      ...Object.entries(fit.variances).map(([name, s]) =>
        make.ok(name, { lower: s - 1, upper: s + 1 })
      ),
      ...fit.fixed.map((f) => make.ok(f.name, { lower: f.estimate - 1, upper: f.estimate + 1 })),
    ];
  },
};

const throwing: IntervalPlugin = {
  name: "throws",
  intervals() {
    throw new Error("this kind always throws");
  },
};

Deno.test("every built-in is registered under its name, in reporting order", () => {
  assert.deepStrictEqual([...INTERVAL_METHODS], REPORTING_ORDER);
  assert.deepStrictEqual(Object.keys(BUILT_IN_INTERVALS), REPORTING_ORDER);
  for (const name of REPORTING_ORDER) {
    const plugin = intervalPlugin(name);
    assert.strictEqual(plugin.name, name);
    assert.strictEqual(plugin, BUILT_IN_INTERVALS[name as inference.IntervalMethod]);
    // A built-in object passes through as itself.
    assert.strictEqual(intervalPlugin(plugin), plugin);
  }
  // mod.ts exports the built-in objects.
  const exported = [
    inference.wald,
    inference.waldLog,
    inference.satterthwaite,
    inference.t,
    inference.profile,
    inference.profileMl,
    inference.mls,
    inference.exact,
    inference.bootstrap,
  ];
  assert.deepStrictEqual(exported.map((p) => p.name), REPORTING_ORDER);
  // Results follow the order asked for.
  const { intervals } = confidenceIntervals(frame, fit, {
    methods: INTERVAL_METHODS,
    bootstrap: { stream: deriveStream(1, ["registry"]), replicates: 19 },
  });
  const order = [...new Set(intervals.map((i) => i.method))];
  assert.deepStrictEqual(order, REPORTING_ORDER);
});

Deno.test("an unknown name is a TypeError listing the known ones", () => {
  assert.throws(() => intervalPlugin("nope"), UNKNOWN);
  assert.throws(() => parseIntervalMethods("wald, nope"), UNKNOWN);
  assert.throws(
    () => confidenceIntervals(frame, fit, { methods: ["wald", "nope" as "wald"] }),
    UNKNOWN,
  );
  // Names are not looked up along the prototype chain.
  assert.throws(() => intervalPlugin("toString"), TypeError);
  assert.deepStrictEqual(parseIntervalMethods(" wald,t ,"), ["wald", "t"]);
});

Deno.test("a user's plug-in runs beside the built-ins and its intervals carry its name", () => {
  const alone = confidenceIntervals(frame, fit, { methods: ["wald", "profile"] });
  const mixed = confidenceIntervals(frame, fit, {
    methods: ["wald", plusMinusOne, "profile"],
  });
  const mine = mixed.intervals.filter((i) => i.method === "plus-minus-1");
  assert.deepStrictEqual(mine.map((i) => i.parameter), parameters);
  for (const i of mine) {
    assert.strictEqual(i.status, "ok");
    assert.strictEqual(i.upper! - i.lower!, 2);
  }
  assert.deepStrictEqual(
    mixed.intervals.filter((i) => i.method !== "plus-minus-1"),
    alone.intervals,
  );
  assert.ok("plus-minus-1" in mixed.timingMs);
});

Deno.test("a throwing plug-in gives failed intervals and does not stop the others", () => {
  const alone = confidenceIntervals(frame, fit, { methods: ["wald", "mls"] });
  const { intervals } = confidenceIntervals(frame, fit, {
    methods: ["wald", throwing, "mls"],
  });
  const failed = intervals.filter((i) => i.method === "throws");
  assert.deepStrictEqual(
    failed,
    parameters.map((parameter) => ({
      parameter,
      method: "throws",
      lower: null,
      upper: null,
      status: "failed",
      note: "this kind always throws",
    })),
  );
  assert.deepStrictEqual(intervals.filter((i) => i.method !== "throws"), alone.intervals);
});

Deno.test("a plug-in returning something other than its intervals fails alone, saying what", () => {
  const cases: [IntervalPlugin, RegExp][] = [
    [{ name: "not-array", intervals: () => 3 as unknown as [] }, /returned number/],
    [
      {
        name: "wrong-method",
        intervals: () => [{ parameter: "batch", method: "wald", lower: 0, upper: 1, status: "ok" }],
      },
      /"batch" of method "wald"/,
    ],
    [
      {
        name: "nan",
        intervals:
          () => [{ parameter: "batch", method: "nan", lower: NaN, upper: 1, status: "ok" }],
      },
      /non-finite limit/,
    ],
  ];
  for (const [plugin, note] of cases) {
    const { intervals } = confidenceIntervals(frame, fit, { methods: [plugin, "wald"] });
    const mine = intervals.filter((i) => i.method === plugin.name);
    assert.strictEqual(mine.length, parameters.length);
    for (const i of mine) {
      assert.strictEqual(i.status, "failed");
      assert.match(i.note!, note);
    }
    assert.ok(intervals.some((i) => i.method === "wald" && i.status === "ok"));
  }
});

Deno.test("a plug-in with a bad name or no intervals function is a TypeError", () => {
  const intervals = () => [];
  const bad: [unknown, RegExp][] = [
    [{ name: "", intervals }, /name must be a non-empty word.*got ""/],
    [{ name: "has space", intervals }, /name must be a non-empty word.*got "has space"/],
    [{ name: "a/b", intervals }, /got "a\/b"/],
    [{ name: 42, intervals }, /name must be a non-empty word.*got 42/],
    [{ intervals }, /got undefined/],
    [{ name: "wald", intervals }, /"wald" is a built-in kind's: choose another name/],
    [{ name: "toy" }, /"toy" needs an intervals function, got undefined/],
    [{ name: "toy", intervals: "yes" }, /"toy" needs an intervals function, got string/],
    [
      { name: "toy", intervals, validate: 1 },
      /validate of interval plug-in "toy" must be a function/,
    ],
    [null, /a built-in name or a plug-in object.*got null/],
    [7, /got number/],
  ];
  for (const [entry, message] of bad) {
    assert.throws(() => intervalPlugin(entry as IntervalPlugin), TypeError);
    assert.throws(() => intervalPlugin(entry as IntervalPlugin), message);
    assert.throws(
      () => confidenceIntervals(frame, fit, { methods: ["wald", entry as IntervalPlugin] }),
      message,
    );
  }
  // Letters, digits, "-", "_" and "." are fine.
  const ok = { name: "My_kind-2.b", intervals };
  assert.strictEqual(intervalPlugin(ok), ok);
  // Two different kinds may not share a name; the same one twice is fine.
  assert.throws(
    () => confidenceIntervals(frame, fit, { methods: [ok, { name: ok.name, intervals }] }),
    /two different interval plug-ins are named "My_kind-2.b"/,
  );
  assert.doesNotThrow(() => confidenceIntervals(frame, fit, { methods: [ok, ok] }));
});

Deno.test("validate refuses unusable options before anything runs: bootstrap without a stream", () => {
  assert.throws(
    () => confidenceIntervals(frame, fit, { methods: ["wald", "bootstrap"] }),
    { name: "TypeError", message: "bootstrap intervals need options.bootstrap.stream" },
  );
  assert.throws(
    () =>
      confidenceIntervals(frame, fit, {
        methods: ["bootstrap"],
        bootstrap: { stream: deriveStream(1, ["registry"]), replicates: 0 },
      }),
    RangeError,
  );
  let ran = false;
  const refusing: IntervalPlugin = {
    name: "refusing",
    validate: () => {
      throw new RangeError("refusing needs something");
    },
    intervals: () => {
      ran = true;
      return [];
    },
  };
  assert.throws(
    () => confidenceIntervals(frame, fit, { methods: [plusMinusOne, refusing] }),
    /refusing needs something/,
  );
  assert.strictEqual(ran, false);
});

Deno.test("shared work is computed once per call, and kinds see the same values", () => {
  let computed = 0;
  const seen: unknown[] = [];
  const sharing = (name: string): IntervalPlugin => ({
    name,
    intervals(frame, fit, context) {
      seen.push(sharedVarianceCovariance(frame, fit, context));
      seen.push(context.shared("toy-work", () => ({ n: ++computed })));
      return [];
    },
  });
  const inf = confidenceIntervals(frame, fit, {
    methods: [sharing("first"), "wald", sharing("second")],
  });
  assert.strictEqual(computed, 1);
  assert.strictEqual(seen[0], inf.variance);
  assert.strictEqual(seen[2], inf.variance);
  assert.strictEqual(seen[1], seen[3]);
  // A new call starts afresh.
  confidenceIntervals(frame, fit, { methods: [sharing("first")] });
  assert.strictEqual(computed, 2);
  // Work that threw throws the same error for every kind that asks, once computed.
  let attempts = 0;
  const failing = (name: string): IntervalPlugin => ({
    name,
    intervals: (_frame, _fit, context) =>
      context.shared("broken", () => {
        attempts++;
        throw new Error("the shared work broke");
      }),
  });
  const { intervals } = confidenceIntervals(frame, fit, {
    methods: [failing("a"), failing("b")],
  });
  assert.strictEqual(attempts, 1);
  assert.ok(intervals.every((i) => i.status === "failed" && i.note === "the shared work broke"));
});
