import assert from "node:assert";
import {
  formatFixedTerm,
  formatFormula,
  parseFormula,
  randomTermName,
} from "../../lib/model/formula.ts";

const plain = (variables: string[]) => ({ variables, asFactor: variables.map(() => false) });

Deno.test("one random intercept, intercept implicit", () => {
  assert.deepEqual(parseFormula("y ~ (1|g)"), {
    response: "y",
    intercept: true,
    fixed: [],
    random: [["g"]],
  });
});

Deno.test("white space does not matter", () => {
  const a = parseFormula("y~1+x+(1|g1)+(1|g2)");
  const b = parseFormula("  y ~ 1 +   x\n + ( 1 | g1 ) + (1| g2)\t");
  assert.deepEqual(a, b);
  assert.deepEqual(a.random, [["g1"], ["g2"]]);
  assert.deepEqual(a.fixed, [plain(["x"])]);
});

Deno.test("fixed terms: variables, C(), factor(), as.factor() and interactions", () => {
  const f = parseFormula("y ~ x + C(trt) + factor(dose) + as.factor(d2) + a:C(b) + (1|g)");
  assert.deepEqual(f.fixed, [
    plain(["x"]),
    { variables: ["trt"], asFactor: [true] },
    { variables: ["dose"], asFactor: [true] },
    { variables: ["d2"], asFactor: [true] },
    { variables: ["a", "b"], asFactor: [false, true] },
  ]);
});

Deno.test("names may contain dots and underscores, or be backquoted", () => {
  const f = parseFormula("y.1 ~ x_2 + .z + `my col` + (1|`group 1`/g.2)");
  assert.equal(f.response, "y.1");
  assert.deepEqual(f.fixed, [plain(["x_2"]), plain([".z"]), plain(["my col"])]);
  assert.deepEqual(f.random, [["group 1"], ["group 1", "g.2"]]);
  assert.equal(
    formatFormula(f),
    "y.1 ~ 1 + x_2 + .z + `my col` + (1 | `group 1`) + " +
      "(1 | `group 1`:g.2)",
  );
  assert.deepEqual(parseFormula(formatFormula(f)), f);
});

Deno.test("repeated fixed terms count once; a:b equals b:a", () => {
  const f = parseFormula("y ~ x + x + a:b + b:a + (1|g)");
  assert.deepEqual(f.fixed, [plain(["x"]), plain(["a", "b"])]);
});

Deno.test("interaction grouping factor (1|g1:g2)", () => {
  assert.deepEqual(parseFormula("y ~ 1 + (1|g1:g2)").random, [["g1", "g2"]]);
});

Deno.test("nesting (1|a/b) and (1|a/b/c) expand", () => {
  assert.deepEqual(parseFormula("y ~ 1 + (1|g1/g2)").random, [["g1"], ["g1", "g2"]]);
  assert.deepEqual(parseFormula("y ~ (1|a/b/c)").random, [["a"], ["a", "b"], ["a", "b", "c"]]);
  // ":" binds tighter than "/", as in R.
  assert.deepEqual(parseFormula("y ~ (1|a/b:c)").random, [["a"], ["a", "b", "c"]]);
  assert.deepEqual(parseFormula("y ~ (1|a/b) + (1|c)").random, [["a"], ["a", "b"], ["c"]]);
});

Deno.test("intercept: 1 +, 0 +, + 0, - 1, leading -1", () => {
  assert.equal(parseFormula("y ~ 1 + x + (1|g)").intercept, true);
  assert.equal(parseFormula("y ~ 0 + x + (1|g)").intercept, false);
  assert.equal(parseFormula("y ~ x + 0 + (1|g)").intercept, false);
  assert.equal(parseFormula("y ~ x - 1 + (1|g)").intercept, false);
  assert.equal(parseFormula("y ~ x + (1|g) - 1").intercept, false);
  assert.equal(parseFormula("y ~ -1 + x + (1|g)").intercept, false);
  assert.equal(parseFormula("y ~ 0 + 1 + (1|g)").intercept, true);
  assert.deepEqual(parseFormula("y ~ 0 + x + (1|g)").fixed, [plain(["x"])]);
});

Deno.test("formatFormula is canonical and parses back", () => {
  for (
    const [text, canonical] of [
      ["y~x+(1|g)", "y ~ 1 + x + (1 | g)"],
      ["y ~ 0 + factor(t):x + (1|a/b)", "y ~ 0 + C(t):x + (1 | a) + (1 | a:b)"],
      ["strength ~ 1 + (1|batch/cask)", "strength ~ 1 + (1 | batch) + (1 | batch:cask)"],
    ]
  ) {
    const f = parseFormula(text);
    assert.equal(formatFormula(f), canonical);
    assert.deepEqual(parseFormula(canonical), f);
  }
});

Deno.test("term display names", () => {
  assert.equal(randomTermName(["g1", "g2"]), "g1:g2");
  assert.equal(randomTermName(["g"]), "g");
  assert.equal(formatFixedTerm({ variables: ["a", "b"], asFactor: [true, false] }), "C(a):b");
});

/** Asserts parsing throws a one-line message matching `pattern` that quotes the formula. */
function rejects(text: string, pattern: RegExp) {
  assert.throws(() => parseFormula(text), (e: unknown) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, pattern);
    assert.ok(e.message.includes(`"${text.trim()}"`), `quotes the formula: ${e.message}`);
    assert.ok(!e.message.includes("\n"), "one line");
    return true;
  });
}

Deno.test("error: missing ~, empty response, nothing after ~", () => {
  rejects("y + (1|g)", /missing "~"/);
  rejects("~ x + (1|g)", /empty response/);
  rejects("log(y) ~ (1|g)", /response must be a column name/);
  rejects("y ~ ", /no terms after "~"/);
  rejects("y ~ x ~ (1|g)", /more than one "~"/);
});

Deno.test("error: random slopes, with the term quoted as lme4 prints it", () => {
  assert.throws(() => parseFormula("y ~ (x|g)"), {
    message: "random slopes are not supported: (x | g); vcsim fits random intercepts only " +
      'in formula "y ~ (x|g)"',
  });
  rejects("y ~ (1+x|g)", /random slopes are not supported: \(1 \+ x \| g\)/);
  rejects("y ~ (0+x|g)", /random slopes are not supported: \(0 \+ x \| g\)/);
  rejects("y ~ (|g)", /empty term before "\|"/);
});

Deno.test("error: ||, unbalanced parentheses, unknown function", () => {
  rejects("y ~ (1||g)", /"\|\|" .*not supported/);
  rejects("y ~ x + (1|g", /unbalanced parentheses/);
  rejects("y ~ x) + (1|g)", /unbalanced parentheses/);
  rejects("y ~ log(x) + (1|g)", /unknown function log\(\)/);
  rejects("y ~ I(x) + (1|g)", /unknown function I\(\)/);
  rejects("y ~ C(x, 2) + (1|g)", /C\(\) takes one column name/);
});

Deno.test("error: empty terms", () => {
  rejects("y ~ x + + (1|g)", /empty term/);
  rejects("y ~ x + (1|g) +", /empty term/);
  rejects("y ~ + x + (1|g)", /empty term/);
  rejects("y ~ a: + (1|g)", /empty term/);
  rejects("y ~ (1|)", /empty grouping factor/);
  rejects("y ~ (1|a/)", /empty grouping factor/);
});

Deno.test("error: duplicate random terms, also after expanding /", () => {
  rejects("y ~ (1|g) + (1|g)", /duplicate random term \(1 \| g\)/);
  rejects("y ~ (1|a/b) + (1|a)", /duplicate random term \(1 \| a\)/);
  rejects("y ~ (1|a:b) + (1|b:a)", /duplicate random term/);
});

Deno.test("error: no random term", () => {
  rejects("y ~ x", /needs at least one random-intercept term like \(1\|g\)/);
  rejects("y ~ 1", /needs at least one random-intercept term/);
});

Deno.test("error: unsupported operators and terms", () => {
  rejects("y ~ a*b + (1|g)", /operator "\*" is not supported/);
  rejects("y ~ a/b + (1|g)", /operator "\/" is not supported/);
  rejects("y ~ x - z + (1|g)", /removing the term "z" is not supported/);
  rejects("y ~ x - (1|g) + (1|h)", /cannot remove the random term/);
  rejects("y ~ (x) + (1|g)", /not a random term/);
  rejects("y ~ 2 + (1|g)", /unexpected number 2/);
  rejects("y ~ x + (1|g) # note", /unexpected character "#"/);
  rejects("y ~ (1|log(g))", /grouping factors must be column names/);
});
