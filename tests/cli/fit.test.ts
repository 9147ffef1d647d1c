// Runs lib/cli/fit.ts as `deno task fit` does (deno run --allow-read).
import assert from "node:assert";
import { assertOneLineError, runCli } from "./_run_cli.ts";

const run = (...args: string[]) => runCli("fit", ["--allow-read"], args);
const PASTES = "tests/fixtures/lme4/pastes.csv";
const PASTES_FORMULA = "strength ~ 1 + (1|batch/cask)";

/** Writes `text` to a temporary CSV file and returns its path. */
async function tempCsv(text: string): Promise<string> {
  const file = await Deno.makeTempFile({ suffix: ".csv" });
  await Deno.writeTextFile(file, text);
  return file;
}

Deno.test("summary: statsmodels-style header, coefficient table and one Var row per component", async () => {
  const r = await run(PASTES, "--formula", PASTES_FORMULA);
  assert.equal(r.code, 0, r.stderr);
  for (
    const pattern of [
      /Model:\s+vcsim LMM/,
      /No\. Observations:\s+60/,
      /Method:\s+REML/,
      /Scale:\s+0\.6780/,
      /Log-Likelihood:\s+-123\.4954/,
      /Converged:\s+Yes/,
      /\(Intercept\)\s+60\.053/,
      /No\. Groups:\s+batch 10, batch:cask 30/,
      /batch Var\s+1\.657/,
      /batch:cask Var\s+8\.434/,
    ]
  ) assert.match(r.stdout, pattern);
});

Deno.test("--json prints the contract's object; --ci adds intervals", async () => {
  const r = await run(PASTES, "--formula", PASTES_FORMULA, "--json", "--ci", "wald,profile");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  for (
    const key of [
      "formula",
      "method",
      "nobs",
      "converged",
      "singular",
      "logLik",
      "criterion",
      "variances",
      "groups",
      "fixed",
      "intervals",
      "evaluations",
      "timing_ms",
    ]
  ) assert.ok(key in out, `missing ${key}`);
  assert.equal(out.method, "REML");
  assert.equal(out.nobs, 60);
  assert.deepEqual(out.groups, { batch: 10, "batch:cask": 30 });
  // lme4 1.1-31 REML (tests/fixtures/lme4/pastes.json).
  assert.ok(Math.abs(out.variances.batch / 1.65730912951132 - 1) < 1e-6);
  assert.ok(Math.abs(out.criterion - 246.990745853486) < 1e-6);
  const profile = out.intervals.filter((i: { method: string }) => i.method === "profile");
  const status = Object.fromEntries(
    profile.map((i: { parameter: string; status: string }) => [i.parameter, i.status]),
  );
  // A REML fit's own profile covers the variances; fixed effects need profile-ml.
  assert.deepEqual(status, {
    batch: "ok",
    "batch:cask": "ok",
    Residual: "ok",
    "(Intercept)": "not-applicable",
  });
  for (const i of out.intervals) {
    if (i.status === "ok") assert.ok(i.lower <= i.upper, JSON.stringify(i));
  }
});

Deno.test("missing values: rows dropped and counted in the summary", async () => {
  const file = await tempCsv("y,g\n1,a\n2,a\nNA,b\n4,b\n3,c\n5,c\n,c\n6,d\n2,d\n");
  try {
    const r = await run(file, "--formula", "y ~ 1 + (1|g)");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /No\. Observations:\s+7/);
    assert.match(r.stdout, /Rows dropped:\s+2 \(missing values\)/);
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("bad input: one line on stderr naming the problem, exit status 1, no stack trace", async () => {
  const oneLevel = await tempCsv("y,g,x\n1,a,1\n2,a,2\n3,a,3\n");
  const textResponse = await tempCsv("y,g\nlow,a\nhigh,b\nlow,b\n");
  const empty = await tempCsv("");
  const rankDeficient = await tempCsv(
    "y,g,x,z\n1,a,1,2\n2,a,2,4\n3,b,3,6\n5,b,4,8\n4,c,5,10\n6,c,6,12\n",
  );
  const cases: [string[], RegExp][] = [
    [[PASTES, "--formula", "strength ~ 1 + (1|bach)"], /unknown column "bach"/],
    [[textResponse, "--formula", "y ~ 1 + (1|g)"], /response y is not numeric/],
    [[oneLevel, "--formula", "y ~ 1 + (1|g)"], /"g" has only 1 level/],
    [[rankDeficient, "--formula", "y ~ 1 + x + z + (1|g)"], /rank deficient.*"z"/],
    [[empty, "--formula", "y ~ 1 + (1|g)"], /empty/],
    [[PASTES, "--formula", "strength ~ 1 + (1|batch"], /parenthes/],
    [[PASTES, "--formula", "strength 1 + (1|batch)"], /~/],
    [[PASTES, "--formula", "strength ~ 1 + (cask|batch)"], /random slopes are not supported/],
    [["no-such-file.csv", "--formula", "y ~ 1 + (1|g)"], /no-such-file\.csv/],
    [[PASTES, "--formula", PASTES_FORMULA, "--method", "bayes"], /bayes/],
    [[PASTES, "--formula", PASTES_FORMULA, "--ci", "wald,jackknife"], /jackknife/],
    [[PASTES, "--formula", PASTES_FORMULA, "--level", "95"], /--level/],
    [[PASTES], /--formula/],
  ];
  try {
    for (const [args, message] of cases) {
      assertOneLineError(await run(...args), message, args.join(" "));
    }
  } finally {
    for (const f of [oneLevel, textResponse, empty, rankDeficient]) await Deno.remove(f);
  }
});
