/**
 * A study's model parameters per condition and the checks of its true
 * values against them, used by `defineStudy` and `studyWarnings`.
 *
 * Parameters are named as the fit names them: each random term by
 * `randomTermName` (`group1`, `group1:group2`), `Residual`, and the fixed
 * effects (`(Intercept)`, a numeric covariate `x`, `trtb` for level b of a
 * factor `trt`). Whether a fixed variable is a factor, and its levels,
 * depend on the data, so a fixed-effect truth key is accepted when each
 * `:`-separated part starts with the name of a variable of one fixed term.
 *
 * @module
 */

import { type FixedTerm, parseFormula, randomTermName } from "../model/formula.ts";
import { type Condition, conditionKey } from "./design_grid.ts";
import type { StudyDefinition } from "./study.ts";
import { _label, _show, _text } from "./_study_checks.ts";

/** The parameters of one model formula. */
interface ModelParameters {
  /** The random terms' names, then `Residual`. */
  readonly variances: readonly string[];
  readonly intercept: boolean;
  readonly fixed: readonly FixedTerm[];
}

/** One condition's formula, parameters and true values. */
export interface _ConditionModel {
  readonly key: string;
  readonly formula: string;
  readonly parameters: ModelParameters;
  readonly truth: Readonly<Record<string, unknown>>;
}

const inCondition = (key: string): string => key === "" ? "" : ` in condition ${key}`;

function formulaOf(study: StudyDefinition, condition: Condition, key: string): string {
  if (typeof study.formula === "string") return study.formula;
  let text: unknown;
  try {
    text = study.formula(condition);
  } catch (e) {
    throw new Error(`formula of ${_label(study)} threw${inCondition(key)}: ${_text(e)}`, {
      cause: e,
    });
  }
  if (typeof text !== "string") {
    throw new TypeError(
      `formula of ${_label(study)} returned ${_show(text)}${
        inCondition(key)
      }: expected a formula string`,
    );
  }
  return text;
}

function parametersOf(text: string, where: () => string): ModelParameters {
  try {
    const f = parseFormula(text);
    const variances = [...f.random.map(randomTermName), "Residual"];
    return { variances, intercept: f.intercept, fixed: f.fixed };
  } catch (e) {
    throw new Error(`${where()}: ${_text(e)}`, { cause: e });
  }
}

function truthOf(
  study: StudyDefinition,
  condition: Condition,
  key: string,
): Readonly<Record<string, unknown>> {
  let truth: unknown;
  try {
    truth = study.truth(condition);
  } catch (e) {
    throw new Error(`truth of ${_label(study)} threw${inCondition(key)}: ${_text(e)}`, {
      cause: e,
    });
  }
  if (typeof truth !== "object" || truth === null || Array.isArray(truth)) {
    throw new TypeError(
      `truth of ${_label(study)} returned ${_show(truth)}${
        inCondition(key)
      }: expected an object of parameter values`,
    );
  }
  return truth as Record<string, unknown>;
}

/** Evaluates the formula and truth functions of every condition. */
export function _conditionModels(
  study: StudyDefinition,
  conditions: readonly Condition[],
): _ConditionModel[] {
  const parsed = new Map<string, ModelParameters>();
  return conditions.map((condition) => {
    const key = conditionKey(condition);
    const formula = formulaOf(study, condition, key);
    let parameters = parsed.get(formula);
    if (!parameters) {
      const where = () =>
        `${_label(study)} has a bad formula${
          typeof study.formula === "function" ? inCondition(key) : ""
        }`;
      parameters = parametersOf(formula, where);
      parsed.set(formula, parameters);
    }
    return { key, formula, parameters, truth: truthOf(study, condition, key) };
  });
}

/** Whether `name` (`x`, `trtb`, `x:trtb`) is a column of fixed term `variables`. */
function matchesTerm(name: string, variables: readonly string[]): boolean {
  return variables.some((v, i) => {
    if (!name.startsWith(v)) return false;
    const others = variables.filter((_, j) => j !== i);
    if (others.length === 0) return true;
    for (let at = name.indexOf(":", v.length); at >= 0; at = name.indexOf(":", at + 1)) {
      if (matchesTerm(name.slice(at + 1), others)) return true;
    }
    return false;
  });
}

function isParameter(p: ModelParameters, name: string): boolean {
  if (p.variances.includes(name)) return true;
  if (name === "(Intercept)") return p.intercept;
  return p.fixed.some((term) => matchesTerm(name, term.variables));
}

function listParameters(p: ModelParameters): string {
  const fixed = p.fixed.map((t) =>
    t.variables.map((v, k) => t.asFactor[k] ? `${v}<level>` : v).join(":")
  );
  return [...p.variances, ...(p.intercept ? ["(Intercept)"] : []), ...fixed].join(", ");
}

/**
 * Every truth key a parameter of its condition's model, every value a
 * finite number.
 */
export function _checkTruth(study: StudyDefinition, models: readonly _ConditionModel[]): void {
  const label = _label(study);
  for (const m of models) {
    const where = models.length > 1 ? inCondition(m.key) : "";
    for (const [name, value] of Object.entries(m.truth)) {
      if (!isParameter(m.parameters, name)) {
        throw new RangeError(
          `truth of ${label}${where} names ${
            JSON.stringify(name)
          }, which is not a parameter of ${m.formula.trim()}: parameters are ${
            listParameters(m.parameters)
          }`,
        );
      }
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new TypeError(
          `truth of ${label}${where} gives ${JSON.stringify(name)} the value ${
            _show(value)
          }: expected a finite number`,
        );
      }
    }
  }
}

/**
 * One warning per variance parameter (random term or `Residual`) that has
 * no truth in some condition, saying in which.
 */
export function _truthWarnings(models: readonly _ConditionModel[]): string[] {
  // In the models' parameter order, each parameter with the conditions lacking its truth.
  const missing = new Map<string, string[]>();
  for (const m of models) {
    for (const name of m.parameters.variances) {
      const keys = missing.get(name) ?? [];
      if (!Object.hasOwn(m.truth, name)) keys.push(m.key);
      missing.set(name, keys);
    }
  }
  return [...missing].filter(([, keys]) => keys.length > 0).map(([name, keys]) => {
    let where: string;
    if (models.length === 1) where = inCondition(keys[0]);
    else if (keys.length === models.length) where = ` in all ${models.length} conditions`;
    else {
      const shown = keys.slice(0, 3).join(", ") + (keys.length > 3 ? ", ..." : "");
      where = keys.length === 1
        ? ` in condition ${keys[0]}`
        : ` in ${keys.length} of ${models.length} conditions (${shown})`;
    }
    return `no truth for ${
      JSON.stringify(name)
    }${where}: its bias, MSE and coverage are not computed`;
  });
}
