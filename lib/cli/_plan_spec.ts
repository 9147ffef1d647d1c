/**
 * What `deno task plan` is asked: the target (`rejection>=0.8`), the
 * candidate values of the factor varied, the fixed values of the others,
 * and which result row the target is about.
 *
 * @module
 */

import type { FactorValue } from "../study/design_grid.ts";
import type { StudyDefinition } from "../study/study.ts";
import type { SearchTarget } from "../study/design_search.ts";
import type { MeasureRow } from "../report/measure_row.ts";

/** Measures a plan can aim at, with the row field that names their kind. */
const MEASURES: Readonly<Record<string, "test" | "interval" | null>> = {
  rejection: "test",
  coverage: "interval",
  coverage_defined: "interval",
  mean_width: "interval",
  bias: null,
  relative_bias: null,
  empirical_se: null,
  mse: null,
  rmse: null,
};

/** A parsed target: the measure and what it must reach. */
export interface PlanTarget extends SearchTarget {
  readonly measure: string;
}

/**
 * Parses `measure>=value` or `measure<=value` (spaces allowed). Throws a
 * RangeError naming the measures a plan can aim at.
 */
export function parseTarget(text: string): PlanTarget {
  const m = /^\s*([a-z_]+)\s*(>=|<=)\s*(\S+)\s*$/.exec(text);
  const value = m ? Number(m[3]) : NaN;
  if (!m || !Number.isFinite(value)) {
    throw new RangeError(
      `--target must read <measure> >= <value> or <measure> <= <value>, e.g. "rejection>=0.8", got "${text}"`,
    );
  }
  if (!Object.hasOwn(MEASURES, m[1])) {
    throw new RangeError(
      `--target measure "${m[1]}" is not one a plan can aim at: ${
        Object.keys(MEASURES).join(", ")
      }`,
    );
  }
  return { measure: m[1], direction: m[2] === ">=" ? "at-least" : "at-most", value };
}

/**
 * Candidate values: `lo:hi` or `lo:hi:step` (integers, inclusive), or a
 * comma-separated list of numbers. Throws a RangeError otherwise.
 */
export function parseValues(text: string): number[] {
  const range = /^\s*(-?\d+)\s*:\s*(-?\d+)\s*(?::\s*(\d+)\s*)?$/.exec(text);
  if (range) {
    const [lo, hi, step] = [Number(range[1]), Number(range[2]), Number(range[3] ?? 1)];
    if (!(hi >= lo) || !(step >= 1)) {
      throw new RangeError(`--values ${text}: expected lo:hi[:step] with lo <= hi and step >= 1`);
    }
    return Array.from({ length: Math.floor((hi - lo) / step) + 1 }, (_, i) => lo + i * step);
  }
  const list = text.split(",").map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((x) => !Number.isFinite(x) || text.trim() === "")) {
    throw new RangeError(`--values must be lo:hi[:step] or a list of numbers, got "${text}"`);
  }
  return list.sort((a, b) => a - b);
}

/** A factor value as written on the command line, typed like the study's values. */
function typedValue(study: StudyDefinition, factor: string, text: string): FactorValue {
  const known = study.factors[factor].find((v) => String(v) === text);
  if (known !== undefined) return known;
  const n = Number(text);
  return text.trim() !== "" && Number.isFinite(n) ? n : text;
}

/**
 * The fixed factors of the plan's design: every factor of the study but
 * `vary` must have one value, from `--at factor=value` or the study's only
 * value. Throws a TypeError naming what is missing or unknown.
 */
export function fixedFactors(
  study: StudyDefinition,
  options: { vary: string; at: readonly string[] },
): Record<string, FactorValue[]> {
  if (!Object.hasOwn(study.factors, options.vary)) {
    throw new TypeError(
      `--vary ${options.vary}: not a factor of study "${study.name}" (its factors are ${
        Object.keys(study.factors).join(", ")
      })`,
    );
  }
  const fixed: Record<string, FactorValue[]> = {};
  for (const item of options.at) {
    const eq = item.indexOf("=");
    const name = item.slice(0, eq), text = item.slice(eq + 1);
    if (eq < 1 || !Object.hasOwn(study.factors, name) || name === options.vary) {
      throw new TypeError(
        `--at ${item}: expected factor=value for a factor other than ${options.vary} (factors: ${
          Object.keys(study.factors).join(", ")
        })`,
      );
    }
    fixed[name] = [typedValue(study, name, text)];
  }
  for (const [name, values] of Object.entries(study.factors)) {
    if (name === options.vary || fixed[name]) continue;
    if (values.length !== 1) {
      throw new TypeError(
        `factor ${name} has ${values.length} values (${
          values.join(", ")
        }): fix one with --at ${name}=<value>`,
      );
    }
    fixed[name] = [values[0]];
  }
  return fixed;
}

/** Which result row the target is about; unset fields take the only candidate. */
export interface RowChoice {
  readonly measure: string;
  readonly method?: string;
  readonly parameter?: string;
  readonly test?: string;
  readonly interval?: string;
}

/**
 * The one row of `rows` the target is about. Throws a TypeError listing
 * the choices when a field is needed to tell rows apart or matches none.
 */
export function chooseRow(rows: readonly MeasureRow[], choice: RowChoice): MeasureRow {
  let left = rows.filter((r) => r.measure === choice.measure);
  const kind = MEASURES[choice.measure];
  type Field = [string, (r: MeasureRow) => string | null | undefined, string | undefined];
  const fields: Field[] = [
    ["method", (r) => r.method, choice.method],
    ["parameter", (r) => r.parameter, choice.parameter],
  ];
  if (kind === "test") fields.push(["test", (r) => r.test, choice.test]);
  if (kind === "interval") fields.push(["interval", (r) => r.interval, choice.interval]);
  for (const [field, get, wanted] of fields) {
    const options = [...new Set(left.map(get))].filter((x): x is string => typeof x === "string");
    if (wanted === undefined && options.length > 1) {
      throw new TypeError(`give --${field}: the results have ${options.join(", ")}`);
    }
    const pick = wanted ?? options[0];
    if (!options.includes(pick)) {
      throw new TypeError(
        `--${field} ${pick}: the results for ${choice.measure} have ${
          options.join(", ") || "none"
        }`,
      );
    }
    left = left.filter((r) => get(r) === pick);
  }
  if (left.length !== 1) throw new TypeError(`${left.length} result rows match the target`);
  return left[0];
}
