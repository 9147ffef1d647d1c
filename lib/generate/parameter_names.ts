/**
 * How the generators' option names map to the statsmodels notebook's
 * parameter names and to the command-line flags.
 *
 * @module
 */

/**
 * The notebook's name for each option of {@linkcode nested} and
 * {@linkcode crossed} that the notebook has (`generate_nested` and
 * `generate_crossed` in the statsmodels variance-components notebook). The
 * command-line flag is the notebook name with `-` for `_`, e.g.
 * `--n-group1`, `--unexplained-sd`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { NOTEBOOK_PARAMETER_NAMES } from "./parameter_names.ts";
 * assert.equal(NOTEBOOK_PARAMETER_NAMES.unexplainedSd, "unexplained_sd");
 * ```
 */
export const NOTEBOOK_PARAMETER_NAMES = {
  nGroup1: "n_group1",
  nGroup2: "n_group2",
  nRep: "n_rep",
  group1Sd: "group1_sd",
  group2Sd: "group2_sd",
  unexplainedSd: "unexplained_sd",
} as const;

/**
 * The command-line flag of an option name: the notebook name with `-` for
 * `_` (`--n-group1`), or the kebab-case of the option for options the
 * notebook lacks (`nRepRange` -> `--n-rep-range`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { optionFlag } from "./parameter_names.ts";
 * assert.equal(optionFlag("group1Sd"), "--group1-sd");
 * assert.equal(optionFlag("emptyCellFraction"), "--empty-cell-fraction");
 * ```
 */
export function optionFlag(option: string): string {
  const notebook = (NOTEBOOK_PARAMETER_NAMES as Record<string, string>)[option];
  const snake = notebook ?? option.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
  return "--" + snake.replaceAll("_", "-");
}
