// defineStudy's checks, one case per rule, with the exact message; studyWarnings;
// and every study in the repository still loads.
import assert from "node:assert";
import { defineStudy, type StudyDefinition, studyWarnings } from "../../lib/study/study.ts";
import { loadStudy } from "../../lib/study/load_study.ts";

const BASE: StudyDefinition = {
  name: "x",
  factors: { n: [5, 10] },
  generate: () => {
    throw new Error("generate is never called by defineStudy");
  },
  truth: () => ({ group1: 1, Residual: 1, "(Intercept)": 0 }),
  formula: "y ~ 1 + (1|group1)",
  methods: ["reml"],
  intervals: ["wald"],
  reps: 10,
  seed: 1,
};

type ErrorClass = typeof TypeError | typeof RangeError | typeof Error;

/** defineStudy(BASE with `change`) throws exactly `message`, one line, of class `kind`. */
function fails(change: Record<string, unknown>, kind: ErrorClass, message: string): void {
  const study = { ...BASE, ...change } as StudyDefinition;
  assert.throws(() => defineStudy(study), (e: unknown) => {
    assert.ok(e instanceof kind, `expected a ${kind.name}, got ${e}`);
    assert.equal((e as Error).message, message);
    return true;
  });
}

const passes = (change: Record<string, unknown>): StudyDefinition =>
  defineStudy({ ...BASE, ...change } as StudyDefinition);

Deno.test("a valid study is returned as it is", () => {
  assert.equal(defineStudy(BASE), BASE);
});

Deno.test("an unknown field is an error naming the known fields", () => {
  fails(
    { interval: ["wald"] },
    TypeError,
    'unknown field "interval" in study "x": known fields are name, ademp, factors, filter, ' +
      "generate, truth, formula, methods, intervals, tests, alpha, level, bootstrapReplicates, " +
      "reps, seed, timeout, memoryLimit",
  );
  fails(
    { ademp: { aim: "why" } },
    TypeError,
    'unknown ademp field "aim" in study "x": known fields are aims, data, estimands, methods, ' +
      "performance",
  );
});

Deno.test("timeout must be a positive number", () => {
  assert.equal(passes({ timeout: 0.5 }).timeout, 0.5);
  const message = (v: string) => `timeout of study "x" must be a positive number, got ${v}`;
  fails({ timeout: 0 }, RangeError, message("0"));
  fails({ timeout: Infinity }, RangeError, message("Infinity"));
  fails({ timeout: "30" }, TypeError, message('"30"'));
});

Deno.test("memoryLimit must be a positive integer", () => {
  assert.equal(passes({ memoryLimit: 512 }).memoryLimit, 512);
  const message = (v: string) => `memoryLimit of study "x" must be a positive integer, got ${v}`;
  fails({ memoryLimit: 1.5 }, RangeError, message("1.5"));
  fails({ memoryLimit: -1 }, RangeError, message("-1"));
});

Deno.test("level must be in (0, 1)", () => {
  assert.equal(passes({ level: 0.9 }).level, 0.9);
  const message = (v: string) =>
    `level of study "x" must be a number between 0 and 1 (exclusive), got ${v}`;
  fails({ level: 95 }, RangeError, message("95"));
  fails({ level: 1 }, RangeError, message("1"));
  fails({ level: 0 }, RangeError, message("0"));
  fails({ level: NaN }, RangeError, message("NaN"));
  fails({ level: "0.9" }, TypeError, message('"0.9"'));
});

Deno.test("bootstrapReplicates and reps must be positive integers", () => {
  fails(
    { bootstrapReplicates: 0 },
    RangeError,
    'bootstrapReplicates of study "x" must be a positive integer, got 0',
  );
  fails({ reps: 2.5 }, RangeError, 'reps of study "x" must be a positive integer, got 2.5');
  fails(
    { reps: 2 ** 53 },
    RangeError,
    `reps of study "x" must be a positive integer, got ${2 ** 53}`,
  );
  fails(
    { reps: undefined },
    TypeError,
    'reps of study "x" must be a positive integer, got undefined',
  );
});

Deno.test("seed must be a safe integer or a non-empty string", () => {
  assert.equal(passes({ seed: -3 }).seed, -3);
  assert.equal(passes({ seed: "12345678901234567890" }).seed, "12345678901234567890");
  fails(
    { seed: 2 ** 53 },
    RangeError,
    `seed ${2 ** 53} of study "x" is beyond 2^53, where numbers lose digits: pass it as a string`,
  );
  const message = (v: string) =>
    `seed of study "x" must be a safe integer or a non-empty string, got ${v}`;
  fails({ seed: 1.5 }, RangeError, message("1.5"));
  fails({ seed: "" }, RangeError, message('""'));
  fails({ seed: null }, TypeError, message("null"));
});

Deno.test("factors must be non-empty arrays of finite numbers, strings or booleans", () => {
  fails(
    { factors: { n: [] } },
    TypeError,
    'design factor "n" of study "x" needs a non-empty array of values, got []',
  );
  fails(
    { factors: { n: 5 } },
    TypeError,
    'design factor "n" of study "x" needs a non-empty array of values, got 5',
  );
  fails(
    { factors: { n: [5, NaN] } },
    TypeError,
    'design factor "n" of study "x" has the value NaN: expected finite numbers, strings or booleans',
  );
  fails(
    { factors: { n: [5, null] } },
    TypeError,
    'design factor "n" of study "x" has the value null: expected finite numbers, strings or booleans',
  );
  fails({ factors: [5] }, TypeError, 'factors of study "x" must be an object, got an array');
});

Deno.test("factor values that give the same condition key are an error naming both", () => {
  fails(
    { factors: { n: [1, "1"] } },
    RangeError,
    'design factor "n" of study "x" has values 1 and "1", which give the same condition key "n=1"',
  );
  fails(
    { factors: { flag: [true, "true"] } },
    RangeError,
    'design factor "flag" of study "x" has values true and "true", which give the same ' +
      'condition key "flag=true"',
  );
  fails(
    { factors: { n: [0, -0] } },
    RangeError,
    'design factor "n" of study "x" has values 0 and -0, which give the same condition key "n=0"',
  );
  fails({ factors: { n: [5, 10, 5] } }, RangeError, 'design factor "n" of study "x" lists 5 twice');
  // conditionKey formats numbers with String(), which round-trips every double:
  // 0.1 + 0.2 is "0.30000000000000004", not "0.3", so these two are distinct conditions.
  assert.ok(passes({ factors: { icc: [0.1 + 0.2, 0.3] } }));
});

Deno.test("values that forge another condition's key are an error", () => {
  fails(
    { factors: { a: ["1;b=2", "1"], b: ["3", "2;b=3"] } },
    RangeError,
    'two conditions of study "x" have the key "a=1;b=2;b=3": factor values must not contain ' +
      '";" or "="',
  );
});

Deno.test("a truth key that names no parameter of the model is an error listing them", () => {
  fails(
    { factors: {}, truth: () => ({ group_1: 1 }) },
    RangeError,
    'truth of study "x" names "group_1", which is not a parameter of y ~ 1 + (1|group1): ' +
      "parameters are group1, Residual, (Intercept)",
  );
  // With several conditions, the message says in which.
  fails(
    { truth: (c: { n: number }) => c.n === 10 ? { "group1:group2": 1 } : {} },
    RangeError,
    'truth of study "x" in condition n=10 names "group1:group2", which is not a parameter of ' +
      "y ~ 1 + (1|group1): parameters are group1, Residual, (Intercept)",
  );
  fails(
    { formula: "y ~ 0 + (1|group1)" },
    RangeError,
    'truth of study "x" in condition n=5 names "(Intercept)", which is not a parameter of ' +
      "y ~ 0 + (1|group1): parameters are group1, Residual",
  );
});

Deno.test("fixed-effect truth keys: numeric names, factor levels and interactions", () => {
  const formula = "y ~ 1 + x + C(trt) + x:C(trt) + (1|group1/group2)";
  const truth = {
    "(Intercept)": 0,
    x: 1,
    trtb: 2,
    "x:trtb": 3,
    group1: 1,
    "group1:group2": 1,
    Residual: 1,
  };
  assert.ok(passes({ formula, truth: () => truth }));
  fails(
    { formula, truth: () => ({ ...truth, z: 1 }) },
    RangeError,
    'truth of study "x" in condition n=5 names "z", which is not a parameter of ' +
      `${formula}: parameters are group1, group1:group2, Residual, (Intercept), x, ` +
      "trt<level>, x:trt<level>",
  );
});

Deno.test("a formula per condition is parsed per condition", () => {
  const formula = (c: { n: number }) =>
    c.n === 5 ? "y ~ 1 + (1|group1)" : "y ~ 1 + (1|group1/group2)";
  const truth = () => ({ group1: 1, "group1:group2": 1, Residual: 1 });
  fails(
    { formula, truth },
    RangeError,
    'truth of study "x" in condition n=5 names "group1:group2", which is not a parameter of ' +
      "y ~ 1 + (1|group1): parameters are group1, Residual, (Intercept)",
  );
  fails(
    { formula: (c: { n: number }) => c.n === 5 ? "y ~ 1 + (1|group1)" : "y ~ x" },
    Error,
    'study "x" has a bad formula in condition n=10: needs at least one random-intercept term ' +
      'like (1|g) in formula "y ~ x"',
  );
  fails(
    { formula: "y ~ (x|g)" },
    Error,
    'study "x" has a bad formula: random slopes are not supported: (x | g); vcsim fits random ' +
      'intercepts only in formula "y ~ (x|g)"',
  );
  fails(
    { formula: () => 3 },
    TypeError,
    'formula of study "x" returned 3 in condition n=5: expected a formula string',
  );
});

Deno.test("a throwing truth, formula or filter is reported with its condition", () => {
  const boom = (c: { n: number }) => {
    if (c.n === 10) throw new Error("no such n\nsecond line");
    return { group1: 1 };
  };
  fails({ truth: boom }, Error, 'truth of study "x" threw in condition n=10: no such n');
  fails(
    { formula: (c: { n: number }) => (boom(c), "y ~ (1|group1)") },
    Error,
    'formula of study "x" threw in condition n=10: no such n',
  );
  fails({ filter: boom }, Error, 'filter of study "x" threw in condition n=10: no such n');
});

Deno.test("truth must return an object of finite numbers", () => {
  fails(
    { truth: () => [1] },
    TypeError,
    'truth of study "x" returned an array in condition n=5: expected an object of parameter values',
  );
  fails(
    { truth: () => ({ group1: "4" }) },
    TypeError,
    'truth of study "x" in condition n=5 gives "group1" the value "4": expected a finite number',
  );
});

Deno.test("studyWarnings: one line per variance parameter without truth", () => {
  assert.deepEqual(studyWarnings(BASE), []);
  const study = defineStudy({
    ...BASE,
    factors: { n: [5, 10, 20, 40, 80] },
    formula: "y ~ 1 + (1|group1/group2)",
    // Residual is never given; group1:group2 only for n = 5; fixed effects are not warned about.
    truth: (c): Record<string, number> =>
      c.n === 5 ? { group1: 1, "group1:group2": 1 } : { group1: 1 },
  });
  assert.deepEqual(studyWarnings(study), [
    'no truth for "group1:group2" in 4 of 5 conditions (n=10, n=20, n=40, ...): its bias, MSE ' +
    "and coverage are not computed",
    'no truth for "Residual" in all 5 conditions: its bias, MSE and coverage are not computed',
  ]);
  const one = defineStudy({ ...BASE, truth: (c) => c.n === 5 ? { group1: 1 } : BASE.truth(c) });
  assert.deepEqual(studyWarnings(one), [
    'no truth for "Residual" in condition n=5: its bias, MSE and coverage are not computed',
  ]);
});

// Fixtures made to warn, with the warning they must give.
const WARNS: Record<string, RegExp> = { "tiny_no_truth.ts": /^no truth for "group1:group2"/ };

Deno.test("every study in the repository loads, with no warning unless made to", async () => {
  const dirs = ["../../studies/", "../fixtures/studies/"].map((d) => new URL(d, import.meta.url));
  let loaded = 0;
  for (const dir of dirs) {
    for (const entry of Deno.readDirSync(dir)) {
      // Files starting with _ are shared parts of the fixtures, not studies.
      if (!entry.name.endsWith(".ts") || entry.name.startsWith("_")) continue;
      const study = await loadStudy(new URL(entry.name, dir).href);
      const warnings = studyWarnings(study);
      if (WARNS[entry.name]) {
        assert.equal(warnings.length, 1, entry.name);
        assert.match(warnings[0], WARNS[entry.name]);
      } else assert.deepEqual(warnings, [], entry.name);
      loaded++;
    }
  }
  assert.ok(loaded >= 12, `only ${loaded} studies found`);
});

Deno.test("tests and alpha are checked like the other fields", () => {
  fails(
    { tests: ["lrtt"] },
    TypeError,
    'unknown test "lrtt": expected one of lrt, lrt-chisq, rlrt, rlrt-chisq, rlrt-exact, f, ' +
      'bootstrap-lrt, wald (in study "x")',
  );
  fails({ tests: ["f", "f"] }, TypeError, 'test "f" appears twice in study "x"');
  fails({ tests: "f" }, TypeError, 'tests of study "x" must be an array, got "f"');
  fails(
    { alpha: 1.5 },
    RangeError,
    'alpha of study "x" must be a number between 0 and 1 (exclusive), got 1.5',
  );
  fails(
    { tests: [{ name: "f", test: () => [] }] },
    TypeError,
    'test plug-in name "f" is a built-in test\'s: choose another name (in study "x")',
  );
});
