// Runs lib/cli/notebook.ts as `deno task notebook` does (deno run, no permissions).
//
// Reference values:
// - tests/fixtures/notebook/notebook_outputs.txt: the four statsmodels tables
//   printed by the variance-components notebook, copied from its stored outputs.
// - tests/fixtures/notebook/statsmodels.json: the same fits' unrounded numbers,
//   from statsmodels 0.13.5 (statsmodels_reference.py in that folder).
// - tests/fixtures/notebook/lme4.json: lme4 1.1-31 REML fits of the same data
//   (lme4_reference.R in that folder).
// - tests/fixtures/numpy/numpy_randomstate.json: numpy 1.24.2's sums of y of
//   the notebook's data sets.
// Tolerances are those of tests/fit/notebook_statsmodels.test.ts.
import assert from "node:assert";
import { runCli } from "./_run_cli.ts";

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);
const readJson = async (name: string) => JSON.parse(await Deno.readTextFile(fixture(name)));

const lme4 = await readJson("notebook/lme4.json");
const statsmodels = await readJson("notebook/statsmodels.json");
const numpy = await readJson("numpy/numpy_randomstate.json");
const printed = await Deno.readTextFile(fixture("notebook/notebook_outputs.txt"));

/** The notebook's printed tables by model id, from notebook_outputs.txt. */
function notebookTables(): Record<string, string> {
  const tables: Record<string, string> = {};
  for (const block of printed.split(/^## /m).slice(1)) {
    const [head, ...lines] = block.trimEnd().split("\n");
    tables[head.split(" ")[0]] = lines.join("\n");
  }
  return tables;
}

const text = await runCli("notebook", [], []);
const json = await runCli("notebook", [], ["--json"]);
const out = JSON.parse(json.stdout);
const model = (id: string) => out.models.find((m: { id: string }) => m.id === id);

function relative(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

/** |actual - printed| within 1.5 units of the printed last place. */
function assertPrinted(actual: number, shown: string, what: string): void {
  const unit = 10 ** -(shown.split(".")[1]?.length ?? 0);
  assert.ok(Math.abs(actual - Number(shown)) <= 1.5 * unit, `${what}: ${actual} vs ${shown}`);
}

Deno.test("the notebook runs without permissions, within 100 columns", () => {
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stderr, "");
  const long = text.stdout.split("\n").filter((line) => line.length > 100);
  assert.deepStrictEqual(long, []);
  assert.equal(json.code, 0, json.stderr);
});

Deno.test("the fixture's regenerated tables are the notebook's stored outputs", () => {
  const tables = notebookTables();
  assert.deepStrictEqual(Object.keys(tables), ["model1", "model2", "model3", "model4"]);
  for (const [id, table] of Object.entries(tables)) {
    const regenerated = statsmodels[id].summary.trimEnd().split("\n").map((l: string) =>
      l.trimEnd()
    );
    assert.strictEqual(regenerated.join("\n"), table, id);
    // And the notebook prints each of them, verbatim, as statsmodels' side.
    assert.ok(text.stdout.includes(table), `${id}'s statsmodels table is printed`);
  }
});

Deno.test("the notebook's data: numpy's sums of y", () => {
  assert.ok(relative(out.nestedYSum, numpy.notebook_nested_y_sum) < 1e-12);
  assert.ok(relative(out.crossedYSum, numpy.notebook_crossed_y_sum) < 1e-12);
});

Deno.test("vcsim's estimates equal lme4's (nested 1e-5, crossed 1e-6) in both interfaces", () => {
  for (const [id, design, tolerance] of [["model1", "nested", 1e-5], ["model3", "crossed", 1e-6]]) {
    const ref = lme4[design as string], fit = model(id as string).vcsim;
    for (const [name, value] of Object.entries(ref.variances) as [string, number][]) {
      assert.ok(relative(fit.variances[name], value) < (tolerance as number), `${id} ${name}`);
    }
    assert.ok(Math.abs(fit.logLik - ref.logLik) < 1e-6, `${id} logLik`);
    assert.ok(relative(fit.intercept, ref.fixef) < 1e-6, `${id} intercept`);
    assert.ok(relative(fit.interceptSe, ref.fixef_se) < 1e-5, `${id} intercept SE`);
  }
  // The array interface (model2, model4) gives the formula interface's fit exactly.
  const nested = model("model2").vcsim.variances, formula = model("model1").vcsim.variances;
  assert.deepStrictEqual(
    [nested.group1, nested.group2, nested.Residual],
    [formula.group1, formula["group1:group2"], formula.Residual],
  );
  assert.deepStrictEqual(model("model4").vcsim.variances, model("model3").vcsim.variances);
});

Deno.test("nested: vcsim's table rounds to statsmodels' printed one", () => {
  // Printed values: notebook cell [5] (notebook_outputs.txt, model1).
  const fit = model("model1").vcsim;
  assertPrinted(fit.variances.Residual, "15.8825", "Scale");
  assertPrinted(fit.variances.group1, "3.917", "group1 Var");
  assertPrinted(fit.variances["group1:group2"], "8.742", "group2 Var");
  assertPrinted(fit.intercept, "-0.035", "Intercept");
  assertPrinted(fit.interceptSe, "0.149", "Intercept Std.Err.");
  assertPrinted(fit.logLik, "-116022.3805", "Log-Likelihood");
});

Deno.test("at statsmodels' estimates vcsim gives statsmodels' numbers, Var Std.Err. included", () => {
  for (const id of ["model1", "model2", "model3", "model4"]) {
    const m = model(id), ref = statsmodels[id];
    assert.ok(Math.abs(m.atStatsmodels.logLik - ref.llf) < 1e-6, `${id} logLik`);
    assert.ok(relative(m.atStatsmodels.interceptSe, ref.bse_fe) < 1e-9, `${id} intercept SE`);
    // Var Std.Err. = sqrt(Scale) x SE(Var/Scale); vcsim's from finite differences: 1e-5.
    const vcsimSe = Object.values(m.atStatsmodels.statsmodelsVarSe) as number[];
    const smSe = Object.values(ref.var_std_err) as number[];
    vcsimSe.forEach((se, k) => assert.ok(relative(se, smSe[k]) < 1e-5, `${id} Var SE ${k}`));
    // ... which is not the SE of the variance: that is 2.8 to 5 times larger here.
    const varianceSe = Object.values(m.vcsim.varianceSe).slice(0, 2) as number[];
    varianceSe.forEach((se, k) => assert.ok(se > 2.5 * smSe[k], `${id} SE(Var) ${k}`));
  }
});

Deno.test("crossed: statsmodels stops about 1e-4 short in logLik; both logLiks are shown", () => {
  const m = model("model3");
  const gap = m.vcsim.logLik - m.statsmodels.llf;
  assert.ok(gap > 5e-5 && gap < 2e-4, `gap ${gap}`);
  // statsmodels' own criterion at lme4's optimum (statsmodels.json) is vcsim's maximum.
  assert.ok(Math.abs(statsmodels.model3_llf_at_lme4 - m.vcsim.logLik) < 1e-6);
  assert.match(text.stdout, /Log-Likelihood +-112684\.968841 +-112684\.968841 +-112684\.968745/);
  assert.match(text.stdout, /statsmodels stops 9\.6e-5 short of the REML maximum/);
  // The group variances are a few units of the printed digit away (cell [11]: 4.282, 8.150).
  assert.ok(Math.abs(m.vcsim.variances.group1 - 4.282) < 0.01);
  assert.ok(Math.abs(m.vcsim.variances.group2 - 8.150) < 0.02);
});

Deno.test("every difference is explained in one line, each printed", () => {
  const expected: Record<string, string[]> = {
    model1: ["names", "names", "scale", "var-std-err", "loglik", "stop"],
    model2: ["names", "codes", "scale", "var-std-err", "loglik", "stop"],
    model3: ["names", "names", "names", "groups", "scale", "var-std-err", "loglik", "stop"],
    model4: ["groups", "scale", "var-std-err", "loglik", "stop"],
  };
  const lines = text.stdout.split("\n");
  for (const [id, keys] of Object.entries(expected)) {
    const notes = model(id).notes as { key: string; text: string }[];
    assert.deepStrictEqual(notes.map((n) => n.key), keys, id);
    for (const n of notes) assert.ok(lines.includes(`  * ${n.text}`), `${id}: ${n.text}`);
  }
  const varSe = model("model1").notes.find((n: { key: string }) => n.key === "var-std-err");
  assert.match(varSe.text, /sqrt\(Scale\) x SE\(Var\/Scale\).*not SE\(Var\)/);
  assert.match(
    model("model1").notes.find((n: { key: string }) => n.key === "names").text,
    /group2 Var is vcsim's group1:group2/,
  );
});
