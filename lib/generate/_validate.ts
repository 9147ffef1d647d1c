/**
 * Input checks shared by the generators. Every message names the option
 * (with the notebook name where there is one) and the value received.
 *
 * @module
 */

import { checkDistribution, type DistributionSpec } from "../rng/distribution.ts";
import type { CovariateSpec } from "./design_options.ts";
import { NOTEBOOK_PARAMETER_NAMES } from "./parameter_names.ts";

/** The most rows a generated data set may have (Int32Array-indexed). */
export const _MAX_ROWS = 0x7fffffff;

/** `nGroup1 (n_group1)` or just the option name. */
export function _label(name: string): string {
  const notebook = (NOTEBOOK_PARAMETER_NAMES as Record<string, string>)[name];
  return notebook === undefined ? name : `${name} (${notebook})`;
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/** Rejects option names the generator does not know (typos in untyped code). */
export function _checkKnownKeys(
  options: object,
  known: readonly string[],
  generator: string,
): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${generator} options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `${generator}: unknown option "${key}"; expected one of ${known.join(", ")}`,
      );
    }
  }
}

/** A positive integer count (group or replicate count). */
export function _count(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") {
    throw new TypeError(`${_label(name)} must be a positive integer, got ${show(value)}`);
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${_label(name)} must be a positive integer, got ${value}`);
  }
  if (value > _MAX_ROWS) {
    throw new RangeError(`${_label(name)} must be at most ${_MAX_ROWS}, got ${value}`);
  }
  return value;
}

/** A finite standard deviation >= 0. */
export function _sd(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") {
    throw new TypeError(`${_label(name)} must be a finite number >= 0, got ${show(value)}`);
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${_label(name)} must be a finite number >= 0, got ${value}`);
  }
  return value;
}

/** Any finite number. */
export function _finite(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") {
    throw new TypeError(`${_label(name)} must be a finite number, got ${show(value)}`);
  }
  if (!Number.isFinite(value)) {
    throw new RangeError(`${_label(name)} must be a finite number, got ${value}`);
  }
  return value;
}

/** A fraction in [0, 1). */
export function _fraction(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") {
    throw new TypeError(`${_label(name)} must be a number in [0, 1), got ${show(value)}`);
  }
  if (!(value >= 0 && value < 1)) {
    throw new RangeError(`${_label(name)} must be a number in [0, 1), got ${value}`);
  }
  return value;
}

/** An integer range [min, max] with 1 <= min <= max, or undefined. */
export function _range(value: unknown, name: string): [number, number] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length !== 2) {
    throw new TypeError(`${_label(name)} must be an array [min, max], got ${show(value)}`);
  }
  const [min, max] = value;
  if (typeof min !== "number" || typeof max !== "number") {
    throw new TypeError(`${_label(name)} must hold two numbers [min, max], got ${show(value)}`);
  }
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || min > max) {
    throw new RangeError(
      `${_label(name)} must be integers [min, max] with 1 <= min <= max, got ${show(value)}`,
    );
  }
  if (max > _MAX_ROWS) {
    throw new RangeError(`${_label(name)} max must be at most ${_MAX_ROWS}, got ${max}`);
  }
  return [min, max];
}

/** A distribution spec, defaulting to the normal. */
export function _dist(value: unknown, name: string): DistributionSpec {
  return value === undefined ? { kind: "normal" } : checkDistribution(value, { name });
}

/** The covariate list: names unique and not clashing with the design columns. */
export function _covariates(
  value: unknown,
): { name: string; slope: number; dist: DistributionSpec }[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new TypeError(`covariates must be an array of { name, slope }, got ${show(value)}`);
  }
  const seen = new Set(["y", "group1", "group2"]);
  return value.map((c: CovariateSpec, i) => {
    if (typeof c !== "object" || c === null) {
      throw new TypeError(`covariates[${i}] must be an object { name, slope }, got ${show(c)}`);
    }
    if (typeof c.name !== "string" || c.name.length === 0) {
      throw new TypeError(`covariates[${i}].name must be a non-empty string, got ${show(c.name)}`);
    }
    if (seen.has(c.name)) {
      throw new RangeError(
        `covariates[${i}].name "${c.name}" is already a column; names must differ from y, group1, group2 and each other`,
      );
    }
    seen.add(c.name);
    if (c.slope === undefined) {
      throw new TypeError(`covariates[${i}].slope is required: a finite number`);
    }
    return {
      name: c.name,
      slope: _finite(c.slope, `covariates[${i}].slope`, 0),
      dist: _dist(c.dist, `covariates[${i}].dist`),
    };
  });
}

/** Throws if a design would have more rows than supported. */
export function _checkRows(rows: number, what: string): void {
  if (rows > _MAX_ROWS) {
    throw new RangeError(
      `the ${what} design has ${rows} rows; at most ${_MAX_ROWS} are supported`,
    );
  }
}
