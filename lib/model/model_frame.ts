/**
 * Building a {@linkcode ModelFrame} from a dataset and a formula (dropping
 * incomplete rows, coding factors as R's `model.matrix` does), or directly
 * from arrays for designs built in code.
 *
 * @module
 */

import type { Column, Dataset } from "../data/dataset.ts";
import type { GroupingTerm, ModelFrame } from "./frame.ts";
import { type Formula, parseFormula, randomTermName } from "./formula.ts";
import { _cachedTerms, _interceptColumn, _rememberTerms } from "./_design_cache.ts";

/** Options of {@linkcode modelFrame}; none yet, reserved for contrasts and the like. */
export type ModelFrameOptions = Record<string, never>;

/** A factor restricted to the rows kept: dense codes and the labels in use. */
interface Factor {
  codes: Int32Array;
  levels: readonly string[];
}

/** One variable of the fixed part: a column, coded as a number or a factor. */
interface Variable {
  name: string;
  column: Column;
  isFactor: boolean;
}

/** One design column contributed by a variable to a term. */
interface Part {
  name: string;
  values: Float64Array;
}

// Relative tolerance of the rank check: a column whose residual, after
// projecting out the earlier columns, is below this fraction of its norm.
const RANK_TOLERANCE = 1e-7;

/** Clears `complete[i]` where the column is missing; an infinite value is an error. */
function markMissing(name: string, column: Column, complete: Uint8Array): void {
  if (column.kind === "factor") {
    const codes = column.codes;
    for (let i = 0; i < codes.length; i++) if (codes[i] < 0) complete[i] = 0;
    return;
  }
  const values = column.values;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) complete[i] = 0;
    else if (v === Infinity || v === -Infinity) {
      throw new RangeError(`column "${name}" has an infinite value in row ${i + 1}`);
    }
  }
}

/**
 * A row before which every value is finite, eight at a time: v - v is +0 exactly when v is
 * finite (NaN otherwise), so a block's sum of them is 0 only when all eight are. One branch
 * per block instead of one per value.
 */
function finiteValues(values: Float64Array): number {
  const blocks = values.length - (values.length & 7);
  let i = 0;
  for (; i < blocks; i += 8) {
    const a = values[i] - values[i], b = values[i + 1] - values[i + 1];
    const c = values[i + 2] - values[i + 2], d = values[i + 3] - values[i + 3];
    const e = values[i + 4] - values[i + 4], f = values[i + 5] - values[i + 5];
    const g = values[i + 6] - values[i + 6], h = values[i + 7] - values[i + 7];
    if ((a + b) + (c + d) + ((e + f) + (g + h)) !== 0) break;
  }
  return i;
}

/** A row before which every code is nonnegative, eight at a time (their OR is). */
function cleanCodes(codes: Int32Array): number {
  const blocks = codes.length - (codes.length & 7);
  let i = 0;
  for (; i < blocks; i += 8) {
    const or = codes[i] | codes[i + 1] | codes[i + 2] | codes[i + 3] | codes[i + 4] |
      codes[i + 5] | codes[i + 6] | codes[i + 7];
    if (or < 0) break;
  }
  return i;
}

/** First row with a missing value in the column, or -1; an infinite value is an error. */
function firstMissing(name: string, column: Column): number {
  if (column.kind === "factor") {
    const codes = column.codes;
    for (let i = cleanCodes(codes); i < codes.length; i++) if (codes[i] < 0) return i;
    return -1;
  }
  const values = column.values;
  for (let i = finiteValues(values); i < values.length; i++) {
    const v = values[i];
    // One comparison per value: v - v is 0 exactly when v is finite.
    if (v - v !== 0) {
      if (v !== v) return i;
      throw new RangeError(`column "${name}" has an infinite value in row ${i + 1}`);
    }
  }
  return -1;
}

/** 0, 1, ..., n - 1 for the largest n asked so far; callers read it only. */
let identityRows = new Int32Array(0);
function allRows(n: number): Int32Array {
  if (identityRows.length < n) {
    identityRows = new Int32Array(n);
    for (let i = 0; i < n; i++) identityRows[i] = i;
  }
  return identityRows.subarray(0, n);
}

/** Rows with every used column present; throws when there are none. */
function completeRows(data: Dataset, used: readonly string[]): Int32Array {
  // Commonly nothing is missing: one scan per column, no row mask.
  if (data.nrow > 0 && used.every((name) => firstMissing(name, data.columns.get(name)!) < 0)) {
    return allRows(data.nrow);
  }
  const complete = new Uint8Array(data.nrow).fill(1);
  for (const name of used) markMissing(name, data.columns.get(name)!, complete);
  let n = 0;
  for (let i = 0; i < data.nrow; i++) n += complete[i];
  if (n === 0) {
    throw new RangeError(
      `no rows left: every row has a missing value in a used column (${used.join(", ")})`,
    );
  }
  const rows = new Int32Array(n);
  for (let i = 0, k = 0; i < data.nrow; i++) if (complete[i]) rows[k++] = i;
  return rows;
}

/** `a, b, c, ...`: at most `max` items, so messages stay one short line. */
function listSome(items: readonly string[], max = 8): string {
  return items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")}, ...`;
}

/**
 * The column as a factor over the kept rows, unused levels dropped. A factor
 * column keeps its level order; a numeric one gets its values as labels,
 * sorted numerically as R's `factor()` does.
 */
function asFactor(column: Column, rows: Int32Array): Factor {
  const n = rows.length;
  if (column.kind === "factor") {
    // Locals, not property reads, in the loops over rows: this runs per replicate.
    const source = column.codes, used = new Uint8Array(column.levels.length);
    if (n === source.length) { for (let i = 0; i < n; i++) used[source[i]] = 1; }
    else for (let i = 0; i < n; i++) used[source[rows[i]]] = 1;
    const recode = new Int32Array(column.levels.length);
    const levels: string[] = [];
    for (let k = 0; k < used.length; k++) {
      if (used[k]) recode[k] = levels.push(column.levels[k]) - 1;
    }
    // Every row kept and every level used: the column's codes serve as they are.
    if (n === source.length && levels.length === column.levels.length) {
      return { codes: source, levels: column.levels };
    }
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = recode[source[rows[i]]];
    return { codes, levels };
  }
  const codes = new Int32Array(n);
  const values = column.values;
  const distinct = [...new Set(Array.from(rows, (r) => values[r]))].sort((a, b) => a - b);
  const index = new Map(distinct.map((v, k) => [v, k]));
  for (let i = 0; i < n; i++) codes[i] = index.get(values[rows[i]])!;
  return { codes, levels: distinct.map(String) };
}

/** Integer codes as a factor: dense codes in numeric order, labels `String(code)`. */
function codesAsFactor(values: ArrayLike<number>): Factor {
  const values64 = Float64Array.from(values);
  return asFactor({ kind: "numeric", values: values64 }, Int32Array.from(values64, (_, i) => i));
}

/** The interaction of factors: observed combinations, the first factor varying slowest. */
function interact(factors: readonly Factor[]): Factor {
  let acc = factors[0];
  for (const next of factors.slice(1)) acc = interactPair(acc, next);
  return acc;
}

/**
 * Two-factor interaction. Combination keys are a * width + b; a presence
 * table over the key space (when it is not much larger than the data)
 * numbers the observed ones in key order without sorting or hashing.
 */
function interactPair(a: Factor, b: Factor): Factor {
  const width = b.levels.length, n = a.codes.length, aCodes = a.codes, bCodes = b.codes;
  const space = a.levels.length * width;
  const codes = new Int32Array(n);
  let distinct: number[];
  if (space <= Math.max(16 * n, 1 << 16)) {
    const index = new Int32Array(space).fill(-1);
    for (let i = 0; i < n; i++) index[aCodes[i] * width + bCodes[i]] = 0;
    distinct = [];
    for (let k = 0; k < space; k++) if (index[k] === 0) index[k] = distinct.push(k) - 1;
    for (let i = 0; i < n; i++) codes[i] = index[aCodes[i] * width + bCodes[i]];
  } else {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = aCodes[i] * width + bCodes[i];
    distinct = [...new Set(keys)].sort((x, y) => x - y);
    const index = new Map(distinct.map((k, j) => [k, j]));
    for (let i = 0; i < n; i++) codes[i] = index.get(keys[i])!;
  }
  return { codes, levels: interactionLabels(a.levels, b.levels, distinct) };
}

/** The last interaction's labels: a simulation study builds the same ones for every replicate. */
let lastLabels:
  | { a: readonly string[]; b: readonly string[]; keys: number[]; levels: string[] }
  | null = null;

/** `a:b` labels of the observed combination keys a * width + b (reused when all match the last). */
function interactionLabels(a: readonly string[], b: readonly string[], keys: number[]): string[] {
  const last = lastLabels, width = b.length;
  if (last && sameItems(last.a, a) && sameItems(last.b, b) && sameItems(last.keys, keys)) {
    return last.levels;
  }
  const levels = keys.map((k) => `${a[Math.floor(k / width)]}:${b[k % width]}`);
  lastLabels = { a: [...a], b: [...b], keys, levels };
  return levels;
}

function sameItems<T>(x: readonly T[], y: readonly T[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Checks a grouping factor can carry a variance component. */
function checkGrouping(name: string, levels: number, n: number): void {
  if (levels < 2) {
    throw new RangeError(
      `grouping factor "${name}" has only ${levels} level; a variance component needs at least 2`,
    );
  }
  if (levels === n) {
    throw new RangeError(
      `grouping factor "${name}" has as many levels as observations (${n}); ` +
        "its variance is not identifiable from the residual",
    );
  }
}

/**
 * Throws when a column of X is (numerically) a linear combination of the
 * columns before it: modified Gram–Schmidt with reorthogonalisation on
 * unit-scaled columns, so the first dependent column in order is named.
 */
function checkFullRank(X: Float64Array, n: number, names: readonly string[]): void {
  const basis: Float64Array[] = [];
  if (names.length === 1 && X.some((x) => x !== 0)) return; // one nonzero column, e.g. y ~ 1
  for (let j = 0; j < names.length; j++) {
    const v = X.slice(j * n, (j + 1) * n);
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    let r = 0;
    if (norm > 0 && Number.isFinite(norm)) {
      for (let i = 0; i < n; i++) v[i] /= norm;
      for (let pass = 0; pass < 2; pass++) {
        for (const q of basis) {
          let dot = 0;
          for (let i = 0; i < n; i++) dot += q[i] * v[i];
          for (let i = 0; i < n; i++) v[i] -= dot * q[i];
        }
      }
      norm = 0;
      for (let i = 0; i < n; i++) norm += v[i] * v[i];
      r = Math.sqrt(norm);
    }
    if (!(r > RANK_TOLERANCE)) {
      throw new RangeError(
        `fixed effects are rank deficient: column "${
          names[j]
        }" is a linear combination of the others`,
      );
    }
    for (let i = 0; i < n; i++) v[i] /= r;
    basis.push(v);
  }
}

/**
 * The design columns of the fixed part, following R's `model.matrix` with
 * treatment contrasts: terms ordered by degree; in each term a factor is
 * coded by contrasts (first level dropped) when the term without it is
 * empty or contained in an earlier term, otherwise by a dummy per level;
 * without an intercept the first factor gets a dummy per level. Columns of
 * an interaction vary fastest in its first variable.
 */
function fixedDesign(
  f: Formula,
  data: Dataset,
  rows: Int32Array,
): { X: Float64Array; names: string[] } {
  const n = rows.length;
  // Variables by first appearance; C(x) of a numeric x is a variable of its own.
  const variables: Variable[] = [];
  const keyOf = new Map<string, number>();
  const terms: number[][] = [];
  const seenTerms = new Set<string>();
  for (const term of f.fixed) {
    const ids = term.variables.map((name, k) => {
      const column = data.columns.get(name)!;
      const isFactor = column.kind === "factor" || term.asFactor[k];
      const key = `${name}\0${isFactor}`;
      if (!keyOf.has(key)) keyOf.set(key, variables.push({ name, column, isFactor }) - 1);
      return keyOf.get(key)!;
    });
    const sorted = [...new Set(ids)].sort((a, b) => a - b);
    if (seenTerms.has(sorted.join())) continue;
    seenTerms.add(sorted.join());
    terms.push(sorted);
  }
  terms.sort((a, b) => a.length - b.length);

  const factors = variables.map((v) => {
    if (!v.isFactor) return undefined;
    const factor = asFactor(v.column, rows);
    // As R: contrasts need two levels, and one level is only an intercept.
    if (factor.levels.length < 2) {
      throw new RangeError(
        `factor "${v.name}" has only 1 level (${factor.levels[0]}) in the rows used; ` +
          "it cannot enter the fixed effects",
      );
    }
    return factor;
  });
  // full[t][k]: whether variable k of term t gets one dummy per level.
  const full = terms.map((term, t) =>
    term.map((id) => {
      if (!variables[id].isFactor) return false;
      const rest = term.filter((other) => other !== id);
      if (rest.length === 0) return false;
      return !terms.slice(0, t).some((earlier) => rest.every((r) => earlier.includes(r)));
    })
  );
  if (!f.intercept) {
    first: for (let t = 0; t < terms.length; t++) {
      for (const id of [...terms[t]].sort((a, b) => a - b)) {
        if (variables[id].isFactor) {
          full[t][terms[t].indexOf(id)] = true;
          break first;
        }
      }
    }
  }

  const columns: Part[] = [];
  if (f.intercept) columns.push({ name: "(Intercept)", values: new Float64Array(n).fill(1) });
  terms.forEach((term, t) => {
    let parts: Part[] = [{ name: "", values: new Float64Array(n).fill(1) }];
    term.forEach((id, k) => {
      const v = variables[id];
      const own: Part[] = [];
      const factor = factors[id];
      if (factor === undefined) {
        const values = v.column.kind === "numeric" ? v.column.values : new Float64Array(0);
        const own1 = new Float64Array(n);
        for (let i = 0; i < n; i++) own1[i] = values[rows[i]];
        own.push({ name: v.name, values: own1 });
      } else {
        for (let level = full[t][k] ? 0 : 1; level < factor.levels.length; level++) {
          const values = new Float64Array(n);
          const levelCodes = factor.codes;
          for (let i = 0; i < n; i++) values[i] = levelCodes[i] === level ? 1 : 0;
          own.push({ name: `${v.name}${factor.levels[level]}`, values });
        }
      }
      // The earlier variables vary fastest, as in R.
      const next: Part[] = [];
      for (const o of own) {
        for (const p of parts) {
          const values = new Float64Array(n);
          for (let i = 0; i < n; i++) values[i] = p.values[i] * o.values[i];
          next.push({ name: p.name === "" ? o.name : `${p.name}:${o.name}`, values });
        }
      }
      parts = next;
    });
    columns.push(...parts);
  });
  const X = new Float64Array(n * columns.length);
  columns.forEach((c, j) => X.set(c.values, j * n));
  return { X, names: columns.map((c) => c.name) };
}

/** The last formula text parsed, and its parse: a study's replicates give the same text. */
let lastParsed: { text: string; formula: Formula } | null = null;
function parsedFormula(text: string): Formula {
  if (lastParsed?.text !== text) lastParsed = { text, formula: parseFormula(text) };
  return lastParsed.formula;
}

/**
 * The model frame of `formula` (lme4 syntax, random intercepts only; see
 * `parseFormula`) on `data`. Rows with a missing value in a used column are
 * dropped and counted in `droppedRows`. Numeric variables enter X as they
 * are, factors (factor columns, or any column inside `C()`/`factor()`) by
 * treatment contrasts over the levels present, named `${variable}${level}`
 * as R names them (`trtb`, `trtb:x`). Each random term becomes a grouping
 * term whose levels are the labels present (the observed combinations, as
 * `a:b`, for an interaction), with a numeric column's values as labels.
 * The frame's arrays may be shared with `data` (the response and factor
 * codes when every row is kept) and with other frames (the intercept
 * column of `y ~ 1`): read them, never write them.
 *
 * @throws {Error} for a formula error, an unknown column, a non-numeric
 *   response, an infinite value, no complete row, rank-deficient fixed
 *   effects, or a grouping factor with one level or one level per row.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { modelFrame } from "./model_frame.ts";
 * const frame = modelFrame({
 *   nrow: 4,
 *   columns: new Map([
 *     ["y", { kind: "numeric", values: new Float64Array([1, 2, 3, NaN]) }],
 *     ["g", { kind: "factor", codes: new Int32Array([0, 0, 1, 1]), levels: ["a", "b"] }],
 *   ]),
 * }, "y ~ 1 + (1|g)");
 * assert.deepEqual([...frame.y], [1, 2, 3]);
 * assert.deepEqual(frame.fixedNames, ["(Intercept)"]);
 * assert.deepEqual([...frame.terms[0].codes], [0, 0, 1]);
 * assert.equal(frame.droppedRows, 1);
 * ```
 */
export function modelFrame(
  data: Dataset,
  formula: string | Formula,
  _options: ModelFrameOptions = {},
): ModelFrame {
  const f = typeof formula === "string" ? parsedFormula(formula) : formula;
  const used = [
    ...new Set([f.response, ...f.fixed.flatMap((t) => t.variables), ...f.random.flat()]),
  ];
  for (const name of used) {
    if (!data.columns.has(name)) {
      throw new TypeError(
        `unknown column "${name}" in formula; columns are: ${[...data.columns.keys()].join(", ")}`,
      );
    }
  }
  const response = data.columns.get(f.response)!;
  if (response.kind !== "numeric") {
    throw new TypeError(
      `response ${f.response} is not numeric (a factor with levels ${listSome(response.levels)})`,
    );
  }

  // A design seen before (a study's next replicate) gives its terms without recoding: the
  // response and fixed columns are checked here, the grouping columns by the comparison.
  const randomNames = [...new Set(f.random.flat())];
  const others = used.filter((name) => !randomNames.includes(name));
  const design = { key: JSON.stringify(f.random), data, names: randomNames };
  const othersComplete = data.nrow > 0 &&
    others.every((name) => firstMissing(name, data.columns.get(name)!) < 0);
  const cached = othersComplete ? _cachedTerms(design) : null;
  const rows = cached !== null
    ? allRows(data.nrow)
    : completeRows(data, othersComplete ? randomNames : used);
  const n = rows.length;
  // Every row kept: the frame shares the (read-only) response column.
  let y = response.values;
  if (n < data.nrow) {
    y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = response.values[rows[i]];
  }
  // y ~ 1, the commonest simulation model, needs no design machinery.
  const { X, names } = f.fixed.length === 0 && f.intercept
    ? { X: _interceptColumn(n), names: ["(Intercept)"] }
    : fixedDesign(f, data, rows);
  checkFullRank(X, n, names);

  const terms = cached ?? randomTerms(f, { data, rows });
  return {
    response: f.response,
    y,
    X,
    fixedNames: names,
    terms: cached !== null || n < data.nrow ? terms : _rememberTerms(design, terms),
    droppedRows: data.nrow - n,
  };
}

/** The grouping terms of `f` over the rows kept. */
function randomTerms(f: Formula, at: { data: Dataset; rows: Int32Array }): GroupingTerm[] {
  const n = at.rows.length;
  return f.random.map((variables) => {
    const name = randomTermName(variables);
    const factor = interact(variables.map((v) => asFactor(at.data.columns.get(v)!, at.rows)));
    checkGrouping(name, factor.levels.length, n);
    return { name, codes: factor.codes, levels: factor.levels };
  });
}

/** Input of {@linkcode frameFromArrays}. */
export interface ArrayFrameInput {
  /** The response, one finite value per row. */
  y: ArrayLike<number>;
  /** Fixed-effects design, column-major (n rows); defaults to the intercept column. */
  X?: ArrayLike<number>;
  /** Names of the columns of X; default `(Intercept)` without X, `x1`, `x2`, ... with it. */
  fixedNames?: readonly string[];
  /** Grouping factors by term name, as integer codes per row (any integers). */
  factors: Record<string, ArrayLike<number>>;
  /** Name of the response. @default "y" */
  response?: string;
}

/**
 * A model frame from arrays, for designs built in code. Factor codes may be
 * any integers; they are recoded densely in numeric order with labels
 * `String(code)`. The terms follow the key order of `factors`.
 *
 * @throws {RangeError} if lengths disagree, a value is not finite, a code is
 *   not an integer, a factor has fewer than 2 levels, or X is rank deficient.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { frameFromArrays } from "./model_frame.ts";
 * const frame = frameFromArrays({ y: [1, 2, 3, 4], factors: { g: [7, 7, 3, 3] } });
 * assert.deepEqual(frame.fixedNames, ["(Intercept)"]);
 * assert.deepEqual(frame.terms[0].levels, ["3", "7"]);
 * assert.deepEqual([...frame.terms[0].codes], [1, 1, 0, 0]);
 * ```
 */
export function frameFromArrays(input: ArrayFrameInput): ModelFrame {
  const y = Float64Array.from(input.y);
  const n = y.length;
  if (n === 0) throw new RangeError("y is empty");
  const bad = y.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`y[${bad}] is ${y[bad]}; values must be finite`);
  const X = input.X === undefined ? new Float64Array(n).fill(1) : Float64Array.from(input.X);
  if (X.length % n !== 0 || X.length === 0) {
    throw new RangeError(`X has ${X.length} values, not a positive multiple of n = ${n}`);
  }
  const p = X.length / n;
  const badX = X.findIndex((v) => !Number.isFinite(v));
  if (badX >= 0) throw new RangeError(`X[${badX}] is ${X[badX]}; values must be finite`);
  const fixedNames = input.fixedNames ??
    (input.X === undefined ? ["(Intercept)"] : Array.from({ length: p }, (_, j) => `x${j + 1}`));
  if (fixedNames.length !== p) {
    throw new RangeError(`fixedNames has ${fixedNames.length} names for ${p} columns of X`);
  }
  try {
    checkFullRank(X, n, fixedNames);
  } catch (e) {
    throw new RangeError((e as Error).message);
  }
  const names = Object.keys(input.factors);
  if (names.length === 0) throw new RangeError("needs at least one grouping factor");
  const terms = names.map((name): GroupingTerm => {
    const codes = input.factors[name];
    if (codes.length !== n) {
      throw new RangeError(`factor "${name}" has ${codes.length} codes for ${n} rows`);
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isInteger(codes[i])) {
        throw new RangeError(`factor "${name}" code ${i} is ${codes[i]}, not an integer`);
      }
    }
    const factor = codesAsFactor(codes);
    if (factor.levels.length < 2) {
      throw new RangeError(
        `grouping factor "${name}" has only 1 level; a variance component needs at least 2`,
      );
    }
    return { name, codes: factor.codes, levels: factor.levels };
  });
  return { response: input.response ?? "y", y, X, fixedNames, terms, droppedRows: 0 };
}
