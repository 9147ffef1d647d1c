/**
 * Checks of a study definition's fields, one rule per function, used by
 * `defineStudy`. Each throws a one-line TypeError (wrong kind) or
 * RangeError (wrong value) naming the study, the field and the value.
 *
 * @module
 */

import { intervalPlugin } from "../inference/intervals/registry.ts";
import { testPlugin } from "../inference/tests/registry.ts";
import { methodPlugin } from "../fit/methods/registry.ts";
import { type Condition, conditionKey, designGrid } from "./design_grid.ts";
import type { Ademp, StudyDefinition } from "./study.ts";

/** Every field of {@linkcode StudyDefinition}, in the order of its declaration. */
const KNOWN_FIELDS = [
  "name",
  "ademp",
  "factors",
  "filter",
  "generate",
  "truth",
  "formula",
  "methods",
  "intervals",
  "tests",
  "alpha",
  "level",
  "bootstrapReplicates",
  "reps",
  "seed",
  "timeout",
  "memoryLimit",
] as const satisfies readonly (keyof StudyDefinition)[];

// A field added to StudyDefinition but not to KNOWN_FIELDS fails type checking here.
type Unlisted = Exclude<keyof StudyDefinition, typeof KNOWN_FIELDS[number]>;
const _everyFieldListed: [Unlisted] extends [never] ? true : Unlisted = true;

const ADEMP_FIELDS = [
  "aims",
  "data",
  "estimands",
  "methods",
  "performance",
] as const satisfies readonly (keyof Ademp)[];

/** A value as a message shows it: strings quoted, objects by kind. */
export function _show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return value.length === 0 ? "[]" : "an array";
  if (value !== null && typeof value === "object") return "an object";
  return String(value);
}

/** `study "name"`, as messages name a study. */
export function _label(study: { name?: unknown }): string {
  return typeof study.name === "string" ? `study ${JSON.stringify(study.name)}` : "the study";
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** An object whose fields are all known, with a name that is a word. */
export function _checkShape(study: unknown): asserts study is StudyDefinition {
  if (!isRecord(study)) throw new TypeError(`a study must be an object, got ${_show(study)}`);
  for (const field of Object.keys(study)) {
    if (!(KNOWN_FIELDS as readonly string[]).includes(field)) {
      throw new TypeError(
        `unknown field ${JSON.stringify(field)} in ${_label(study)}: known fields are ${
          KNOWN_FIELDS.join(", ")
        }`,
      );
    }
  }
  if (typeof study.name !== "string" || !/^[\w.-]+$/.test(study.name)) {
    throw new TypeError(
      `study name must be a word (letters, digits, _ . -), got ${_show(study.name)}`,
    );
  }
  if (study.ademp !== undefined) checkAdemp(study.ademp, _label(study));
}

function checkAdemp(ademp: unknown, label: string): void {
  if (!isRecord(ademp)) throw new TypeError(`ademp of ${label} must be an object`);
  for (const [field, text] of Object.entries(ademp)) {
    if (!(ADEMP_FIELDS as readonly string[]).includes(field)) {
      throw new TypeError(
        `unknown ademp field ${JSON.stringify(field)} in ${label}: known fields are ${
          ADEMP_FIELDS.join(", ")
        }`,
      );
    }
    if (typeof text !== "string") {
      throw new TypeError(`ademp.${field} of ${label} must be a string, got ${_show(text)}`);
    }
  }
}

/** The functions, the formula, the estimation and interval methods. */
export function _checkMembers(study: StudyDefinition): void {
  const label = _label(study);
  for (const f of ["generate", "truth"] as const) {
    if (typeof study[f] !== "function") {
      throw new TypeError(`${label} needs a ${f} function, got ${_show(study[f])}`);
    }
  }
  if (study.filter !== undefined && typeof study.filter !== "function") {
    throw new TypeError(`filter of ${label} must be a function, got ${_show(study.filter)}`);
  }
  if (typeof study.formula !== "string" && typeof study.formula !== "function") {
    throw new TypeError(
      `${label} needs a formula (a string, or a function of the condition), got ${
        _show(study.formula)
      }`,
    );
  }
  if (!Array.isArray(study.methods) || study.methods.length === 0) {
    throw new TypeError(
      `${label} needs at least one estimation method, got ${_show(study.methods)}`,
    );
  }
  const names = new Set<string>();
  for (const m of study.methods) {
    let name: string;
    try {
      name = methodPlugin(m).name;
    } catch (e) {
      throw new TypeError(`${(e as Error).message} (in ${label})`);
    }
    if (names.has(name)) {
      throw new TypeError(`estimation method "${name}" appears twice in ${label}`);
    }
    names.add(name);
  }
  if (!Array.isArray(study.intervals)) {
    throw new TypeError(`intervals of ${label} must be an array, got ${_show(study.intervals)}`);
  }
  const kinds = new Set<string>();
  for (const m of study.intervals) {
    let name: string;
    try {
      name = intervalPlugin(m).name;
    } catch (e) {
      throw new TypeError(`${(e as Error).message} (in ${label})`);
    }
    if (kinds.has(name)) throw new TypeError(`interval method "${name}" appears twice in ${label}`);
    kinds.add(name);
  }
  checkTests(study, label);
}

function checkTests(study: StudyDefinition, label: string): void {
  if (study.tests === undefined) return;
  if (!Array.isArray(study.tests)) {
    throw new TypeError(`tests of ${label} must be an array, got ${_show(study.tests)}`);
  }
  const names = new Set<string>();
  for (const entry of study.tests) {
    let name: string;
    try {
      name = testPlugin(entry).name;
    } catch (e) {
      throw new TypeError(`${(e as Error).message} (in ${label})`);
    }
    if (names.has(name)) throw new TypeError(`test "${name}" appears twice in ${label}`);
    names.add(name);
  }
}

function checkNumber(
  label: string,
  field: string,
  value: unknown,
  rule: { expected: string; ok: (x: number) => boolean },
): void {
  if (typeof value !== "number") {
    throw new TypeError(`${field} of ${label} must be ${rule.expected}, got ${_show(value)}`);
  }
  if (!rule.ok(value)) {
    throw new RangeError(`${field} of ${label} must be ${rule.expected}, got ${_show(value)}`);
  }
}

const POSITIVE_INTEGER = {
  expected: "a positive integer",
  ok: (x: number) => Number.isSafeInteger(x) && x >= 1,
};
const POSITIVE_NUMBER = {
  expected: "a positive number",
  ok: (x: number) => Number.isFinite(x) && x > 0,
};
const LEVEL = {
  expected: "a number between 0 and 1 (exclusive)",
  ok: (x: number) => x > 0 && x < 1,
};

/** reps, level, alpha, bootstrapReplicates, timeout, memoryLimit and seed. */
export function _checkNumbers(study: StudyDefinition): void {
  const label = _label(study);
  checkNumber(label, "reps", study.reps, POSITIVE_INTEGER);
  if (study.level !== undefined) checkNumber(label, "level", study.level, LEVEL);
  if (study.alpha !== undefined) checkNumber(label, "alpha", study.alpha, LEVEL);
  if (study.bootstrapReplicates !== undefined) {
    checkNumber(label, "bootstrapReplicates", study.bootstrapReplicates, POSITIVE_INTEGER);
  }
  if (study.timeout !== undefined) checkNumber(label, "timeout", study.timeout, POSITIVE_NUMBER);
  if (study.memoryLimit !== undefined) {
    checkNumber(label, "memoryLimit", study.memoryLimit, POSITIVE_INTEGER);
  }
  checkSeed(label, study.seed);
}

function checkSeed(label: string, seed: unknown): void {
  const expected = "a safe integer or a non-empty string";
  if (typeof seed === "string") {
    if (seed === "") throw new RangeError(`seed of ${label} must be ${expected}, got ""`);
    return;
  }
  if (typeof seed !== "number") {
    throw new TypeError(`seed of ${label} must be ${expected}, got ${_show(seed)}`);
  }
  if (!Number.isInteger(seed)) {
    throw new RangeError(`seed of ${label} must be ${expected}, got ${_show(seed)}`);
  }
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(
      `seed ${seed} of ${label} is beyond 2^53, where numbers lose digits: pass it as a string`,
    );
  }
}

/**
 * Every factor a non-empty array of finite numbers, strings and booleans,
 * no two of which give the same condition key.
 */
export function _checkFactors(study: StudyDefinition): void {
  const label = _label(study);
  if (!isRecord(study.factors)) {
    throw new TypeError(`factors of ${label} must be an object, got ${_show(study.factors)}`);
  }
  for (const [name, values] of Object.entries(study.factors)) {
    const factor = `design factor ${JSON.stringify(name)} of ${label}`;
    if (!Array.isArray(values) || values.length === 0) {
      throw new TypeError(`${factor} needs a non-empty array of values, got ${_show(values)}`);
    }
    const byKey = new Map<string, unknown>();
    for (const v of values as readonly unknown[]) {
      const kind = typeof v;
      if (kind !== "string" && kind !== "boolean" && !(kind === "number" && Number.isFinite(v))) {
        throw new TypeError(
          `${factor} has the value ${_show(v)}: expected finite numbers, strings or booleans`,
        );
      }
      const key = conditionKey({ [name]: v as Condition[string] });
      if (byKey.has(key)) {
        const first = byKey.get(key);
        throw new RangeError(
          Object.is(first, v)
            ? `${factor} lists ${_show(v)} twice`
            : `${factor} has values ${_show(first)} and ${
              _show(v)
            }, which give the same condition key ${JSON.stringify(key)}`,
        );
      }
      byKey.set(key, v);
    }
  }
}

/**
 * The study's conditions, with a filter that names the condition it threw
 * on, checked to have distinct keys (a value containing `;` or `=` could
 * forge another condition's key).
 */
export function _conditions(study: StudyDefinition): Condition[] {
  const label = _label(study);
  const filter = study.filter;
  const conditions = designGrid(study.factors, {
    filter: filter &&
      ((c) => {
        try {
          return filter(c);
        } catch (e) {
          throw new Error(`filter of ${label} threw in condition ${conditionKey(c)}: ${_text(e)}`, {
            cause: e,
          });
        }
      }),
  });
  const seen = new Set<string>();
  for (const c of conditions) {
    const key = conditionKey(c);
    if (seen.has(key)) {
      throw new RangeError(
        `two conditions of ${label} have the key ${
          JSON.stringify(key)
        }: factor values must not contain ";" or "="`,
      );
    }
    seen.add(key);
  }
  return conditions;
}

/** The first line of an error's message. */
export function _text(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}
