// Runs lib/cli/fit.ts as `deno task fit` does (deno run --allow-read).
import assert from "node:assert";
import { join } from "node:path";
import { assertOneLineError, runCli } from "./_run_cli.ts";
import { tempDir } from "../_temp_dir.ts";

const run = (...args: string[]) => runCli("fit", ["--allow-read"], args);
const PASTES = "tests/fixtures/lme4/pastes.csv";
const PASTES_FORMULA = "strength ~ 1 + (1|batch/cask)";

/** Writes `text` to a CSV file in a temporary directory (removed when the tests end). */
async function tempCsv(text: string): Promise<string> {
  const file = join(await tempDir(), "data.csv");
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
      /Scale:\s+0\.678\s/,
      /Log-Likelihood:\s+-123\.4954/,
      /Converged:\s+Yes/,
      /\(Intercept\)\s+60\.053/,
      /No\. Groups:\s+batch 10, batch:cask 30/,
      /batch Var\s+1\.6573\s/,
      /batch:cask Var\s+8\.4337\s/,
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

// ---------------------------------------------------------------------------
// Summaries a statistician can read at a glance: every column separate,
// exact interval headers, significant digits at any scale, both styles.

/**
 * An unbalanced nested dataset with a covariate at magnitude `m`: intercept
 * m, SDs 0.2m, 0.3m, 0.4m, slope 0.05m (vcsim's nested generator, numpy
 * stream seed 7), written to a temporary CSV.
 */
async function scaledCsv(m: number): Promise<string> {
  const { nested } = await import("../../lib/generate/nested.ts");
  const { NumpyRandomState } = await import("../../lib/rng/numpy_random_state.ts");
  const { writeCsv } = await import("../../lib/data/csv_write.ts");
  const data = nested(new NumpyRandomState(7), {
    nGroup1: 8,
    nGroup2: 3,
    nRepRange: [1, 4],
    intercept: m,
    group1Sd: 0.2 * m,
    group2Sd: 0.3 * m,
    unexplainedSd: 0.4 * m,
    covariates: [{ name: "x", slope: 0.05 * m }],
  });
  return await tempCsv(writeCsv(data));
}

/** Exact header text of the tails at each level tested (the level's digits, plus one). */
const TAILS: Record<
  string,
  { lower: string; upper: string; lowPct: string; upPct: string; level: string }
> = {
  "0.95": { lower: "0.025", upper: "0.975", lowPct: "2.5", upPct: "97.5", level: "95" },
  "0.999": { lower: "0.0005", upper: "0.9995", lowPct: "0.05", upPct: "99.95", level: "99.9" },
};

/** Fields of a line: runs of text separated by two or more spaces, with where they end. */
function fields(line: string): { text: string; end: number }[] {
  return [...line.matchAll(/\S+(?: \S+)*/g)].map((m) => ({
    text: m[0],
    end: m.index! + m[0].length,
  }));
}

/** A token that should be a number once brackets, separators and a `<` are stripped. */
function numericToken(token: string): string | null {
  const core = token.replace(/^[[(<]+/, "").replace(/[\]),;:%]+$/, "");
  return /^[-+]?(\d|\.\d)/.test(core) ? core : null;
}

// Lines (or fields) where text and numbers mix by design: header pairs, group
// counts, the likelihood line, titles, notes, and an interval's status note.
const FREE_TEXT =
  /^(Formula:|Data:|No\. Groups:|Min\. group size:|Max\. group size:|Mean group size:|Number of obs:|REML criterion|Note:|Linear mixed model|\d+(\.\d+)?% confidence intervals)/;
const STATUS_NOTE = /^(undefined|not-applicable|failed):/;
const TABLE_HEADER = /^\s*(Coef\.|method|Groups|Estimate|AIC)\s/;

/**
 * Asserts the summary's numbers parse one by one: every token that starts
 * like a number is a finite number; outside free text and status notes each
 * number is a field of its own (two or more spaces around it) and, in a
 * table, ends where its column's header ends (right-aligned, widths from
 * the content). Returns the headers' tail labels found.
 */
function assertNumbersParse(text: string, what: string): string[] {
  const lines = text.split("\n");
  let headerEnds: Set<number> | null = null;
  const labels: string[] = [];
  for (const [n, line] of lines.entries()) {
    const where = `${what}, line ${n + 1}: "${line}"`;
    if (/^\s*(Formula|Data):/.test(line)) continue;
    for (const token of line.trim().split(/\s+/)) {
      const core = numericToken(token);
      if (core !== null) {
        assert.ok(Number.isFinite(Number(core)), `${where}: "${token}" is not a number`);
      }
      // A decimal number glued to a label ("Var80194299.28").
      assert.ok(
        !/[A-Za-z)][-+]?\d+\.\d/.test(token),
        `${where}: "${token}" joins a label and a number`,
      );
    }
    if (line.trim() === "" || /^[-=]+$/.test(line)) {
      if (line.trim() === "" || !(headerEnds && lines[n - 1].match(TABLE_HEADER))) {
        headerEnds = null;
      }
      continue;
    }
    if (FREE_TEXT.test(line.trim())) continue;
    if (TABLE_HEADER.test(line)) {
      headerEnds = new Set(fields(line).map((f) => f.end));
      labels.push(...fields(line).map((f) => f.text));
      continue;
    }
    for (const f of fields(line)) {
      if (STATUS_NOTE.test(f.text)) break;
      const tokens = f.text.split(" ");
      const numeric = tokens.filter((t) => numericToken(t) !== null);
      if (numeric.length === 0) continue;
      assert.equal(tokens.length, 1, `${where}: "${f.text}" runs a number into other text`);
      if (headerEnds) {
        assert.ok(headerEnds.has(f.end), `${where}: "${f.text}" is not under a header`);
      }
    }
  }
  return labels;
}

Deno.test("every number parses separately, at magnitudes 1e-3, 1e3 and 1e7, levels 0.95 and 0.999, both styles", async () => {
  const files = new Map<number, string>();
  for (const m of [1e-3, 1e3, 1e7]) files.set(m, await scaledCsv(m));
  try {
    const runs = [];
    for (const [m, file] of files) {
      for (const style of ["statsmodels", "lme4"]) {
        for (const level of ["0.95", "0.999"]) {
          for (const extra of [[], ["--sd-scale"], ["--method", "ml"], ["--method", "anova"]]) {
            const args = [
              file,
              "--formula",
              "y ~ 1 + x + (1|group1/group2)",
              "--style",
              style,
              "--level",
              level,
              "--ci",
              "wald,wald-log,satterthwaite,t,profile,profile-ml,exact",
              ...extra,
            ];
            runs.push(
              run(...args).then((r) => ({
                r,
                what: `m=${m} ${args.slice(3).join(" ")}`,
                style,
                level,
              })),
            );
          }
        }
      }
    }
    for (const { r, what, style, level } of await Promise.all(runs)) {
      assert.equal(r.code, 0, `${what}: ${r.stderr}`);
      const labels = assertNumbersParse(r.stdout, what);
      const tails = TAILS[level];
      // Exact tail headers: statsmodels' coefficient and interval tables, lme4's interval table.
      const expected = style === "statsmodels"
        ? [`[${tails.lower}`, `${tails.upper}]`]
        : [`${tails.lowPct} %`, `${tails.upPct} %`];
      for (const label of expected) {
        assert.ok(labels.includes(label), `${what}: no header ${label}`);
      }
      assert.ok(
        !labels.some((l) => /^\[|\]$|%$/.test(l) && !expected.includes(l)),
        `${what}: inexact header in ${labels.join(" | ")}`,
      );
      assert.match(
        r.stdout,
        new RegExp(`^${tails.level.replace(".", "\\.")}% confidence intervals`, "m"),
      );
    }
  } finally {
    for (const file of files.values()) await Deno.remove(file);
  }
});

Deno.test("the parse check catches the run-together columns of the issue", () => {
  // As vcsim 0.2.0 printed Dyestuff's Wald interval and a large residual variance and SE.
  for (
    const bad of [
      "(Intercept)   wald     1489.5091565.491",
      "Residual Var80194299.28317039615.745",
      "                 Coef.  Std.Err.\n(Intercept)    1527.500 19.383",
    ]
  ) {
    assert.throws(() => assertNumbersParse(bad, "bad"), assert.AssertionError, bad);
  }
});

Deno.test("numbers keep four significant digits at magnitude 1e-3 (no 0.000)", async () => {
  const file = await scaledCsv(1e-3);
  try {
    const args = [file, "--formula", "y ~ 1 + x + (1|group1/group2)"];
    const [json, statsmodels, lme4] = await Promise.all([
      run(...args, "--json"),
      run(...args),
      run(...args, "--style", "lme4"),
    ]);
    const out = JSON.parse(json.stdout);
    const cell = (text: string, label: RegExp) => {
      const line = text.split("\n").find((l) => label.test(l));
      assert.ok(line, `no line ${label}`);
      return Number(line.replace(label, "").trim().split(/\s+/)[0]);
    };
    const close = (printed: number, value: number, what: string) =>
      assert.ok(Math.abs(printed / value - 1) < 5e-4, `${what}: ${printed} vs ${value}`);
    for (const [name, f] of Object.entries(out.fixed) as [string, { estimate: number }][]) {
      const label = new RegExp(`^${name.replace(/[()]/g, "\\$&")}\\s`);
      close(cell(statsmodels.stdout, label), f.estimate, `statsmodels ${name}`);
      close(cell(lme4.stdout, label), f.estimate, `lme4 ${name}`);
    }
    for (const name of ["group1:group2", "Residual"]) {
      close(cell(statsmodels.stdout, new RegExp(`^${name} Var`)), out.variances[name], name);
      const row = new RegExp(`^ ${name}\\s+${name === "Residual" ? "" : "\\(Intercept\\)"}`);
      close(cell(lme4.stdout, row), out.variances[name], `lme4 ${name}`);
    }
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("--style lme4 on Dyestuff prints lme4's summary; --sd-scale lists square roots labelled SD", async () => {
  const args = ["tests/fixtures/lme4/dyestuff.csv", "--formula", "Yield ~ 1 + (1|Batch)"];
  const [r, sd, json] = await Promise.all([
    run(...args, "--style", "lme4"),
    run(...args, "--style", "lme4", "--ci", "profile-ml", "--sd-scale"),
    run(...args, "--ci", "profile-ml", "--json"),
  ]);
  assert.equal(r.code, 0, r.stderr);
  // lmerTest 3.1-3 print(summary(m)) (tests/fixtures/lme4_summary/lme4_summary.json, "printed").
  for (
    const pattern of [
      /^Linear mixed model fit by REML\. t-tests use Satterthwaite's method$/m,
      /^Formula: Yield ~ 1 \+ \(1\|Batch\)$/m,
      /^REML criterion at convergence: 319\.7$/m,
      /^ Batch\s+\(Intercept\)\s+1764\s+42\.00$/m,
      /^ Residual\s+2451\s+49\.51$/m,
      /^Number of obs: 30, groups: {2}Batch, 6$/m,
      /^\(Intercept\)\s+1527\.50\s+19\.38\s+5\s+78\.8\s+6\.23e-09$/m,
    ]
  ) assert.match(r.stdout, pattern);
  // The SD-scale rows are the square roots of the JSON's variance limits.
  const limits = JSON.parse(json.stdout).intervals.find((i: { parameter: string }) =>
    i.parameter === "Batch"
  );
  const row = sd.stdout.split("\n").find((l) => l.startsWith("Batch SD"))!;
  const [lower, upper] = row.trim().split(/\s+/).slice(3).map(Number);
  assert.ok(Math.abs(lower / Math.sqrt(limits.lower) - 1) < 5e-4, row);
  assert.ok(Math.abs(upper / Math.sqrt(limits.upper) - 1) < 5e-4, row);
  assert.match(sd.stdout, /standard deviations: square roots of the variance limits/);
});

Deno.test("--json reports where the variance SEs come from: the information, or the ANOVA estimator", async () => {
  const args = [PASTES, "--formula", PASTES_FORMULA, "--json"];
  const [reml, observed, anova] = await Promise.all([
    run(...args),
    run(...args, "--information", "observed"),
    run(...args, "--method", "anova"),
  ]);
  const source = (r: { stdout: string }) => {
    const out = JSON.parse(r.stdout);
    return [out.varianceSeSource, out.information];
  };
  assert.deepEqual(source(reml), ["information", "expected REML"]);
  assert.deepEqual(source(observed), ["information", "observed REML"]);
  assert.deepEqual(source(anova), ["anova-estimator", null]);
  const text = await run(PASTES, "--formula", PASTES_FORMULA, "--method", "anova");
  assert.match(text.stdout, /Var Std\.Err\.: the ANOVA estimator's sampling variance/);
});
