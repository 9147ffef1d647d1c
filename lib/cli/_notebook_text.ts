/**
 * The text of `deno task notebook`: per model of the statsmodels notebook
 * its statsmodels table (as printed in the notebook), vcsim's table, the
 * unrounded numbers side by side, and every difference explained in one
 * line. Lines stay within 100 columns.
 *
 * @module
 */

import { formatSummary } from "../fit/summary.ts";
import { VERSION } from "../version.ts";
import {
  LME4,
  type NotebookModelResult,
  STATSMODELS,
  statsmodelsVariances,
} from "./_notebook_models.ts";

/** One explained difference: a stable key (for tests) and its line. */
export interface NotebookNote {
  readonly key: "names" | "codes" | "groups" | "scale" | "var-std-err" | "loglik" | "stop";
  readonly text: string;
}

const LABEL = 24, COLUMN = 18;

/** `x` with `digits` decimals, or blank. */
function fixed(x: number | null | undefined, digits = 6): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "" : x.toFixed(digits);
}

/** A one-significant-digit-and-one-decimal exponent form, e.g. `9.6e-5`. */
export function shortExponent(x: number): string {
  return x.toExponential(1).replace(/e([+-])0*(\d)/, "e$1$2").replace("e+", "e");
}

function row(label: string, ...cells: string[]): string {
  return (label.padEnd(LABEL) + cells.map((c) => c.padStart(COLUMN)).join("")).trimEnd();
}

/** The difference lines of one model. */
export function notebookNotes(result: NotebookModelResult): NotebookNote[] {
  const { spec, statsmodels, vcsim } = result;
  const notes: NotebookNote[] = [];
  for (const [v, printed] of spec.names) {
    if (v === printed) continue;
    const why = spec.id === "model1"
      ? " (group2 labels restart per group1)"
      : spec.id === "model2"
      ? " (the exog_re=oo intercept per group)"
      : " (the vc_formula keys)";
    notes.push({ key: "names", text: `names: statsmodels' ${printed} Var is vcsim's ${v}${why}` });
  }
  if (spec.intercept[0] !== spec.intercept[1]) {
    notes.push({
      key: "names",
      text: `names: statsmodels' ${spec.intercept[0]} is vcsim's ${spec.intercept[1]} (R's name)`,
    });
  }
  if (spec.id === "model2") {
    notes.push({
      key: "codes",
      text:
        "group2 codes are group1 * 20 + group2: a level per cell, as VCSpec's per-group matrices",
    });
  }
  if (spec.design === "crossed") {
    notes.push({
      key: "groups",
      text:
        "No. Groups: statsmodels counts its groups= (one, all rows); vcsim counts each term's levels",
    });
  }
  notes.push({
    key: "scale",
    text:
      "Scale is vcsim's Residual Var, which vcsim's table gives an SE (statsmodels' gives none)",
  });
  notes.push({
    key: "var-std-err",
    text:
      "Var Std.Err.: statsmodels' is sqrt(Scale) x SE(Var/Scale) (variance-ratio scale), not SE(Var)",
  });
  const gap = vcsim.logLik - statsmodels.llf;
  notes.push({
    key: "loglik",
    text: spec.design === "crossed"
      ? `Log-Likelihood: statsmodels stops ${
        shortExponent(gap)
      } short of the REML maximum (yet says Converged)`
      : `Log-Likelihood: the same REML criterion; statsmodels stops ${
        shortExponent(gap)
      } below vcsim's maximum`,
  });
  notes.push({
    key: "stop",
    text: "Var, Intercept, Std.Err.: differ only by where statsmodels stops; there vcsim agrees",
  });
  return notes;
}

/** The unrounded side-by-side block of one model. */
function numbersBlock(result: NotebookModelResult): string[] {
  const { spec, statsmodels: sm, vcsim, atStatsmodels: at } = result;
  const smVar = statsmodelsVariances(spec, sm);
  const lines = [
    row("Unrounded", "statsmodels", "vcsim at sm's", "vcsim at its"),
    row("", "", "estimates", "REML optimum"),
    row("Log-Likelihood", fixed(sm.llf), fixed(at.logLik), fixed(vcsim.logLik)),
    row("Scale (Residual Var)", fixed(sm.scale), "", fixed(vcsim.variances.Residual)),
  ];
  for (const [v, printed] of spec.names) {
    lines.push(row(`${printed} Var`, fixed(smVar[v]), "", fixed(vcsim.variances[v])));
  }
  lines.push(
    row(spec.intercept[0], fixed(sm.fe_params), fixed(at.intercept), fixed(vcsim.intercept)),
  );
  lines.push(
    row(
      `${spec.intercept[0]} Std.Err.`,
      fixed(sm.bse_fe),
      fixed(at.interceptSe),
      fixed(vcsim.interceptSe),
    ),
  );
  for (const [v, printed, key] of spec.names) {
    lines.push(
      row(
        `${printed} Var Std.Err.`,
        fixed(sm.var_std_err[key]),
        fixed(at.statsmodelsVarSe[v]),
        fixed(vcsim.statsmodelsVarSe[v]),
      ),
    );
  }
  for (const [v] of spec.names) {
    lines.push(row(`SE(${v} Var)`, "", "", fixed(result.varianceSe[v])));
  }
  return lines;
}

/** The block of one model: header, both tables, the numbers and the notes. */
export function modelBlock(result: NotebookModelResult, index: number): string[] {
  const { spec } = result;
  const vcsimTable = formatSummary(result.fit, {
    varianceSe: result.varianceSe,
    varianceSource: { source: "information", kind: "expected", likelihood: "REML" },
    response: "y",
  });
  return [
    "-".repeat(80),
    `Model ${index + 1} of 4, notebook cell ${spec.cell}: ${spec.title}`,
    `  statsmodels  ${spec.statsmodelsCall[0]}`,
    ...spec.statsmodelsCall.slice(1).map((line) => `               ${line}`),
    `  vcsim        ${spec.vcsimCall}`,
    "",
    "statsmodels 0.13.5, the notebook's table:",
    ...result.statsmodels.summary.trimEnd().split("\n").map((line) => line.trimEnd()),
    "",
    `vcsim ${VERSION} (Var Std.Err. = SE of the variance, expected REML information):`,
    ...vcsimTable.split("\n"),
    "",
    ...numbersBlock(result),
    "(vcsim at sm's estimates: vcsim's criterion and formulas at statsmodels' unrounded",
    " variances. Var Std.Err. there and at vcsim's optimum: sqrt(Scale) x SE(Var/Scale) from",
    " vcsim's inverse observed REML information, by the delta method.)",
    "",
    "Differences, each explained:",
    ...notebookNotes(result).map((n) => `  * ${n.text}`),
  ];
}

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

/** The largest relative difference between the variances of two fits (or references). */
function worstRelative(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
  pairs: readonly (readonly [string, string])[],
): number {
  return Math.max(...pairs.map(([x, y]) => relative(a[x], b[y])));
}

/** vcsim against lme4, the two interfaces against each other, statsmodels at the optimum. */
function closingBlock(results: readonly NotebookModelResult[]): string[] {
  const lines = ["-".repeat(80), "Cross-checks:"];
  for (const [formula, arrays] of [[results[0], results[1]], [results[2], results[3]]]) {
    const ref = LME4[formula.spec.design];
    const toLme4 = formula.spec.names.map(([v], k) => [v, formula.spec.lme4[k]] as const);
    const lme4Gap = worstRelative(formula.fit.variances, ref.variances, [
      ...toLme4,
      ["Residual", "Residual"],
    ]);
    lines.push(
      `  ${formula.spec.design}: vcsim's variances within ${shortExponent(lme4Gap)} (relative) ` +
        `of lme4 1.1-31's, logLik within ${
          shortExponent(Math.abs(formula.vcsim.logLik - ref.logLik))
        }`,
    );
    const pairs = formula.spec.names.map(([v], k) => [v, arrays.spec.names[k][0]] as const);
    const gap = worstRelative(formula.fit.variances, arrays.fit.variances, [
      ...pairs,
      ["Residual", "Residual"],
    ]);
    lines.push(
      `  ${formula.spec.design}, formula vs array interface: ` +
        (gap === 0 ? "identical variances" : `variances within ${shortExponent(gap)} (relative)`),
    );
  }
  lines.push(
    `  statsmodels' own criterion at lme4's crossed optimum: ${
      fixed(STATSMODELS.model3_llf_at_lme4)
    }, above its ${fixed(STATSMODELS.model3.llf)}`,
  );
  return lines;
}

/** The whole text of `deno task notebook`. */
export function notebookText(
  results: readonly NotebookModelResult[],
  data: { nestedYSum: number; crossedYSum: number },
): string {
  const header = [
    "The statsmodels variance-components notebook, redone by vcsim",
    "=".repeat(62),
    "Data: np.random.seed(3123); generate_nested(); generate_crossed(): the notebook's",
    "  40000 nested and 40000 crossed rows, drawn by vcsim's NumpyRandomState(3123);",
    `  sum of y ${fixed(data.nestedYSum)} and ${fixed(data.crossedYSum)} (numpy: ${
      fixed(STATSMODELS.nested_y_sum)
    } and ${fixed(STATSMODELS.crossed_y_sum)}).`,
    "statsmodels: the notebook's tables; the unrounded numbers are those of",
    "  tests/fixtures/notebook/statsmodels_reference.py (statsmodels 0.13.5, same tables).",
    "All fits are REML, as in the notebook; variances are on the variance scale.",
  ];
  return [
    ...header,
    ...results.flatMap((r, i) => ["", ...modelBlock(r, i)]),
    "",
    ...closingBlock(results),
  ].join("\n") + "\n";
}
