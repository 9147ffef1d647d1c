/**
 * Parsing lme4 model formulas restricted to random intercepts, such as
 * `y ~ 1 + x + C(trt) + (1|g1/g2)`, into a {@linkcode Formula}.
 *
 * @module
 */

/** One fixed-effects term: a variable, or an interaction `a:b` of variables. */
export interface FixedTerm {
  /** The variables multiplied in the term, as written. */
  readonly variables: readonly string[];
  /** Per variable: true when wrapped in `C()`/`factor()`, forcing factor coding. */
  readonly asFactor: readonly boolean[];
}

/** A parsed random-intercept model formula. */
export interface Formula {
  /** Name of the response column. */
  readonly response: string;
  /** Whether the fixed effects include an intercept. */
  readonly intercept: boolean;
  /** Fixed-effects terms in the order written, without duplicates. */
  readonly fixed: readonly FixedTerm[];
  /**
   * Random-intercept terms after expanding `/`: each is the list of
   * variables whose interaction is the grouping factor, e.g. `["g1", "g2"]`.
   */
  readonly random: readonly (readonly string[])[];
}

type Token =
  | { kind: "name"; text: string }
  | { kind: "number"; text: string }
  | { kind: "op"; text: string };

const NAME_START = /[A-Za-z_.]/;
const NAME_CHAR = /[A-Za-z0-9_.]/;
const PLAIN_NAME = /^[A-Za-z_.][A-Za-z0-9_.]*$/;
const FACTOR_FUNCTIONS = new Set(["C", "factor", "as.factor"]);

/**
 * The name of a random term as lme4 prints it: its variables joined by `:`,
 * each backquoted when it is not a plain name.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { randomTermName } from "./formula.ts";
 * assert.equal(randomTermName(["g1", "g2"]), "g1:g2");
 * assert.equal(randomTermName(["site id", "g2"]), "`site id`:g2");
 * ```
 */
export function randomTermName(variables: readonly string[]): string {
  return variables.map(quoteName).join(":");
}

/** A column name as written in a formula, backquoted when not a plain name. */
function quoteName(name: string): string {
  return PLAIN_NAME.test(name) ? name : `\`${name}\``;
}

function tokenize(text: string, fail: (problem: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "`") {
      const end = text.indexOf("`", i + 1);
      if (end < 0) fail("unterminated backquoted name");
      if (end === i + 1) fail("empty backquoted name");
      tokens.push({ kind: "name", text: text.slice(i + 1, end) });
      i = end + 1;
    } else if (/[0-9]/.test(c)) {
      let j = i;
      while (j < text.length && /[0-9.]/.test(text[j])) j++;
      tokens.push({ kind: "number", text: text.slice(i, j) });
      i = j;
    } else if (NAME_START.test(c)) {
      let j = i;
      while (j < text.length && NAME_CHAR.test(text[j])) j++;
      tokens.push({ kind: "name", text: text.slice(i, j) });
      i = j;
    } else if (c === "|" && text[i + 1] === "|") {
      tokens.push({ kind: "op", text: "||" });
      i += 2;
    } else if ("~+-:/|()*^,".includes(c)) {
      tokens.push({ kind: "op", text: c });
      i++;
    } else {
      fail(`unexpected character "${c}"`);
    }
  }
  return tokens;
}

const isOp = (t: Token | undefined, text: string): boolean => t?.kind === "op" && t.text === text;

/** Tokens as text with lme4's spacing, for quoting a term in a message. */
function render(tokens: readonly Token[]): string {
  let s = "";
  for (const t of tokens) {
    if (t.kind === "op" && ["+", "-", "|", "||", "~", "*"].includes(t.text)) s += ` ${t.text} `;
    else if (t.kind === "op" && t.text === ",") s += ", ";
    else s += t.kind === "name" ? quoteName(t.text) : t.text;
  }
  return s.replace(/\( /g, "(").replace(/ \)/g, ")").trim();
}

/** Splits tokens at the top-level (outside parentheses) occurrences of `op`. */
function splitTop(tokens: readonly Token[], ops: readonly string[]): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (isOp(t, "(")) depth++;
    if (isOp(t, ")")) depth--;
    if (depth === 0 && t.kind === "op" && ops.includes(t.text)) parts.push([]);
    else parts[parts.length - 1].push(t);
  }
  return parts;
}

/**
 * Parses an lme4 formula with random intercepts only. The right-hand side is
 * a sum of terms: `1` or `0` (also `+ 0`, `- 1`) for the intercept, fixed
 * terms (`x`, `C(trt)` or `factor(trt)` to force factor coding, `a:b` for an
 * interaction), and random intercepts `(1|g)`, `(1|g1:g2)` for the
 * interaction of grouping factors, or `(1|a/b/c)` for nesting, which expands
 * to `(1|a) + (1|a:b) + (1|a:b:c)`. Names match `[A-Za-z_.][A-Za-z0-9_.]*`
 * or are backquoted. White space is ignored; repeated fixed terms count once.
 *
 * @throws {Error} naming the problem and quoting the formula: no `~`, an
 *   empty response or term, unbalanced parentheses, an unknown function, an
 *   unsupported operator, a random slope such as `(x|g)`, `||`, a repeated
 *   random term, or no random term at all.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseFormula } from "./formula.ts";
 * const f = parseFormula("y ~ x + C(trt) + (1|g1/g2)");
 * assert.equal(f.response, "y");
 * assert.equal(f.intercept, true);
 * assert.deepEqual(f.fixed.map((t) => t.asFactor), [[false], [true]]);
 * assert.deepEqual(f.random, [["g1"], ["g1", "g2"]]);
 * assert.throws(() => parseFormula("y ~ (x|g)"), /random slopes are not supported/);
 * ```
 */
export function parseFormula(text: string): Formula {
  const fail = (problem: string): never => {
    throw new TypeError(`${problem} in formula "${text.trim()}"`);
  };
  const tokens = tokenize(text, fail);
  let depth = 0;
  for (const t of tokens) {
    if (isOp(t, "(")) depth++;
    if (isOp(t, ")") && --depth < 0) fail('unbalanced parentheses: unexpected ")"');
  }
  if (depth !== 0) fail('unbalanced parentheses: missing ")"');

  const sides = splitTop(tokens, ["~"]);
  if (sides.length === 1) fail('missing "~" between response and terms');
  if (sides.length > 2) fail('more than one "~"');
  const [lhs, rhs] = sides;
  if (lhs.length === 0) fail('empty response: nothing before "~"');
  if (lhs.length !== 1 || lhs[0].kind !== "name") {
    fail(`the response must be a column name, not "${render(lhs)}"`);
  }
  const response = lhs[0].text;
  if (rhs.length === 0) fail('no terms after "~"');

  let intercept = true;
  const fixed: FixedTerm[] = [];
  const fixedKeys = new Set<string>();
  const random: string[][] = [];
  const randomKeys = new Set<string>();

  // Terms are separated by top-level + and -; a - applies to the next term.
  const pieces: { sign: "+" | "-"; tokens: Token[] }[] = [];
  let sign: "+" | "-" = "+";
  let current: Token[] = [];
  let depthRhs = 0;
  const close = (next: "+" | "-", last: boolean) => {
    if (current.length === 0) {
      // A leading "-1" is fine; any other empty slot is an empty term.
      if (!(pieces.length === 0 && !last && next === "-" && sign === "+")) fail("empty term");
    } else {
      pieces.push({ sign, tokens: current });
    }
    sign = next;
    current = [];
  };
  for (const t of rhs) {
    if (isOp(t, "(")) depthRhs++;
    if (isOp(t, ")")) depthRhs--;
    if (depthRhs === 0 && (isOp(t, "+") || isOp(t, "-"))) close(t.text as "+" | "-", false);
    else current.push(t);
  }
  close("+", true);

  for (const piece of pieces) {
    const toks = piece.tokens;
    if (toks.length === 1 && toks[0].kind === "number") {
      if (toks[0].text !== "0" && toks[0].text !== "1") {
        fail(`unexpected number ${toks[0].text}; only 0 and 1 (the intercept) may appear`);
      }
      intercept = (toks[0].text === "1") === (piece.sign === "+");
      continue;
    }
    if (isOp(toks[0], "(") && isOp(toks[toks.length - 1], ")") && matches(toks)) {
      if (piece.sign === "-") fail(`cannot remove the random term ${render(toks)}`);
      for (const variables of parseRandom(toks, fail)) {
        const key = [...variables].sort().join("\0");
        if (randomKeys.has(key)) fail(`duplicate random term (1 | ${randomTermName(variables)})`);
        randomKeys.add(key);
        random.push(variables);
      }
      continue;
    }
    if (piece.sign === "-") {
      fail(`removing the term "${render(toks)}" is not supported; only "- 1" is`);
    }
    const term = parseFixed(toks, fail);
    // a:b and b:a are the same term, as in R.
    const key = term.variables.map((v, k) => `${term.asFactor[k] ? "C" : ""}(${v})`).sort()
      .join(":");
    if (!fixedKeys.has(key)) fixed.push(term);
    fixedKeys.add(key);
  }
  if (random.length === 0) fail("needs at least one random-intercept term like (1|g)");
  return { response, intercept, fixed, random };
}

/** Whether the first token's "(" is closed by the last token. */
function matches(tokens: readonly Token[]): boolean {
  let depth = 0;
  for (let k = 0; k < tokens.length; k++) {
    if (isOp(tokens[k], "(")) depth++;
    if (isOp(tokens[k], ")") && --depth === 0) return k === tokens.length - 1;
  }
  return false;
}

function parseRandom(tokens: readonly Token[], fail: (problem: string) => never): string[][] {
  const inner = tokens.slice(1, -1);
  if (inner.some((t) => isOp(t, "||"))) {
    fail(`"||" (uncorrelated random effects) is not supported: ${render(tokens)}`);
  }
  const halves = splitTop(inner, ["|"]);
  if (halves.length === 1) {
    fail(`parenthesised term ${render(tokens)} is not a random term like (1|g)`);
  }
  if (halves.length > 2) fail(`more than one "|" in ${render(tokens)}`);
  const [left, right] = halves;
  if (left.length === 0) fail(`empty term before "|" in ${render(tokens)}`);
  if (left.length !== 1 || left[0].kind !== "number" || left[0].text !== "1") {
    fail(
      `random slopes are not supported: ${render(tokens)}; vcsim fits random intercepts only`,
    );
  }
  if (right.length === 0) fail(`empty grouping factor after "|" in ${render(tokens)}`);
  // ":" binds tighter than "/": a/b:c nests the interaction b:c within a.
  const levels = splitTop(right, ["/"]).map((part) => {
    const names = splitTop(part, [":"]).map((atom) => {
      if (atom.length !== 1 || atom[0].kind !== "name") {
        return fail(
          atom.length === 0
            ? `empty grouping factor in ${render(tokens)}`
            : `grouping factors must be column names, not "${render(atom)}" in ${render(tokens)}`,
        );
      }
      return atom[0].text;
    });
    return names;
  });
  const out: string[][] = [];
  let acc: string[] = [];
  for (const names of levels) {
    acc = [...acc, ...names];
    out.push(acc);
  }
  return out;
}

function parseFixed(tokens: readonly Token[], fail: (problem: string) => never): FixedTerm {
  const variables: string[] = [];
  const asFactor: boolean[] = [];
  for (const atom of splitTop(tokens, [":"])) {
    if (atom.length === 0) fail(`empty term in "${render(tokens)}"`);
    const op = atom.find((t) =>
      t.kind === "op" && ["*", "/", "^", "|", "||", ","].includes(t.text)
    );
    const call = atom[0].kind === "name" && isOp(atom[1], "(");
    if (op !== undefined && !call) {
      fail(`operator "${op.text}" is not supported in the fixed term "${render(tokens)}"`);
    }
    if (atom.length === 1 && atom[0].kind === "name") {
      variables.push(atom[0].text);
      asFactor.push(false);
      continue;
    }
    const [head, open, arg, end] = atom;
    if (head.kind === "name" && isOp(open, "(")) {
      if (!FACTOR_FUNCTIONS.has(head.text)) {
        fail(`unknown function ${head.text}() in "${render(atom)}"; only C() and factor() are`);
      }
      if (atom.length !== 4 || arg.kind !== "name" || !isOp(end, ")")) {
        fail(`${head.text}() takes one column name, not "${render(atom)}"`);
      }
      variables.push(arg.text);
      asFactor.push(true);
      continue;
    }
    fail(`cannot read the term "${render(atom)}"`);
  }
  return { variables, asFactor };
}

/**
 * A fixed term as written: `x`, `C(trt)` or `a:C(b)` (factor coding forced
 * by `factor()` or `as.factor()` is written `C()`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { formatFixedTerm, parseFormula } from "./formula.ts";
 * const { fixed } = parseFormula("y ~ x + factor(trt):dose + (1 | g)");
 * assert.deepEqual(fixed.map(formatFixedTerm), ["x", "C(trt):dose"]);
 * assert.equal(formatFixedTerm({ variables: ["2nd dose"], asFactor: [false] }), "`2nd dose`");
 * ```
 */
export function formatFixedTerm(term: FixedTerm): string {
  return term.variables.map((v, k) => term.asFactor[k] ? `C(${quoteName(v)})` : quoteName(v))
    .join(":");
}

/**
 * The canonical text of a formula: the intercept written as `1` or `0`, then
 * the fixed terms, then each random term after expanding `/`. Parsing it
 * gives back an equal {@linkcode Formula}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { formatFormula, parseFormula } from "./formula.ts";
 * const text = formatFormula(parseFormula("y~factor(trt)+(1|g1/g2)"));
 * assert.equal(text, "y ~ 1 + C(trt) + (1 | g1) + (1 | g1:g2)");
 * ```
 */
export function formatFormula(f: Formula): string {
  const terms = [
    f.intercept ? "1" : "0",
    ...f.fixed.map(formatFixedTerm),
    ...f.random.map((vars) => `(1 | ${randomTermName(vars)})`),
  ];
  return `${quoteName(f.response)} ~ ${terms.join(" + ")}`;
}
