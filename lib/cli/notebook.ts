/**
 * `deno task notebook [--json]`: reproduces the statsmodels
 * variance-components notebook. Draws its nested and crossed data from
 * numpy's stream (seed 3123), fits its four models (nested and crossed,
 * each through the formula and the array interface) by REML, and prints
 * each of vcsim's tables after the notebook's statsmodels table, with the
 * unrounded numbers side by side and every difference explained in one
 * line. `--json` prints the numbers instead.
 *
 * @module
 */

import { runCommand, vcsimCommand, writeSync } from "./_command.ts";
import type { Dataset } from "../data/dataset.ts";
import {
  NOTEBOOK_MODELS,
  notebookData,
  type NotebookModelResult,
  refitNotebookModel,
} from "./_notebook_models.ts";
import { notebookNotes, notebookText } from "./_notebook_text.ts";

/** The notebook redone: every model's result, the text and the data's y sums. */
export interface NotebookRun {
  readonly results: readonly NotebookModelResult[];
  readonly nestedYSum: number;
  readonly crossedYSum: number;
  /** What `deno task notebook` prints. */
  readonly text: string;
}

function sumY(data: Dataset): number {
  const y = data.columns.get("y");
  if (y?.kind !== "numeric") throw new TypeError("column y is not numeric");
  let sum = 0;
  for (const v of y.values) sum += v;
  return sum;
}

/**
 * Redoes the notebook: its data, its four models refitted by vcsim, and the
 * comparison text. Takes a few seconds (4 fits of 40000 rows).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { redoNotebook } from "./notebook.ts";
 * const run = redoNotebook();
 * assert.equal(run.results.length, 4);
 * assert.match(run.text, /Var Std\.Err\.: statsmodels. is sqrt\(Scale\) x SE\(Var\/Scale\)/);
 * ```
 */
export function redoNotebook(): NotebookRun {
  const data = notebookData();
  const results = NOTEBOOK_MODELS.map((spec) => refitNotebookModel(spec, data[spec.design]));
  const sums = { nestedYSum: sumY(data.nested), crossedYSum: sumY(data.crossed) };
  return { results, ...sums, text: notebookText(results, sums) };
}

/** The `--json` object: per model the three columns of numbers and the notes. */
function jsonOf(run: NotebookRun): unknown {
  return {
    nestedYSum: run.nestedYSum,
    crossedYSum: run.crossedYSum,
    models: run.results.map((r) => ({
      id: r.spec.id,
      cell: r.spec.cell,
      title: r.spec.title,
      statsmodels: {
        llf: r.statsmodels.llf,
        scale: r.statsmodels.scale,
        variances: r.statsmodels.variances,
        intercept: r.statsmodels.fe_params,
        interceptSe: r.statsmodels.bse_fe,
        varStdErr: r.statsmodels.var_std_err,
      },
      atStatsmodels: r.atStatsmodels,
      vcsim: { ...r.vcsim, varianceSe: r.varianceSe, converged: r.fit.converged },
      notes: notebookNotes(r),
    })),
  };
}

function makeCommand() {
  return vcsimCommand("notebook")
    .description(
      "Redo the statsmodels variance-components notebook: its data (numpy stream, seed 3123),\n" +
        "its four models fitted by vcsim, each table beside statsmodels', differences explained.",
    )
    .option("--json", "print the numbers as JSON instead of the tables");
}

/** Runs the command on `args` and returns the exit status. */
export async function main(args: string[]): Promise<number> {
  const program = makeCommand();
  return await runCommand(program, args, () => {
    const run = redoNotebook();
    const text = program.opts().json ? JSON.stringify(jsonOf(run), null, 2) + "\n" : run.text;
    writeSync(Deno.stdout, text);
  });
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
