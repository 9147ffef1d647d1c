/**
 * The adapter protocol: what vcsim sends an external program for one
 * replicate, and how its answer becomes a method result. Version 1.
 *
 * Framing: UTF-8 JSON lines. vcsim writes one request per line on the
 * adapter's stdin and reads exactly one reply line per request on its
 * stdout, in order, before it sends the next request. A line is one JSON
 * object with no raw newline inside, ended by `"\n"`; empty lines are
 * ignored. Anything else the adapter prints must go to stderr: a stdout
 * line that is not a JSON object, or whose `id` is not the request's, is
 * garbage (that fit fails and the adapter is restarted). The adapter ends
 * when its stdin ends (it may drop a request it has not answered yet).
 *
 * Request (names are safe in R, Python and formula languages):
 *
 * ```json
 * {"protocol": 1, "id": 3, "criterion": "REML", "n": 200,
 *  "y": [1.5, ...],
 *  "fixed": [{"name": "x1", "term": "(Intercept)", "values": [1, ...]}],
 *  "random": [{"name": "f1", "term": "group1", "codes": [0, 0, ...], "levels": 10},
 *             {"name": "f2", "term": "group1:group2", "codes": [0, 1, ...], "levels": 50}],
 *  "settings": {}}
 * ```
 *
 * `criterion` is `"REML"` or `"ML"`; the model is
 * `y ~ 0 + x1 + ... + (1|f1) + (1|f2) + ...`, each `f` a factor of 0-based
 * codes (every code below `levels` occurs), each `x` a numeric column
 * (vcsim's fixed-effects design, intercept included as a column of ones).
 * `term` is vcsim's name of the column or term. `settings` are the
 * method's own options for the adapter, passed through as given.
 *
 * Reply, keyed by the request's safe names:
 *
 * ```json
 * {"id": 3, "ok": true,
 *  "variances": {"f1": 3.9, "f2": 8.7, "Residual": 15.9},
 *  "fixed": {"x1": {"estimate": -0.03, "se": 0.149}},
 *  "converged": true, "singular": false, "messages": ["..."], "evaluations": 41}
 * ```
 *
 * or `{"id": 3, "ok": false, "error": "what went wrong"}`, which fails that
 * fit with the message and keeps the adapter. `variances` are required (a
 * finite number for every `f` and `Residual`); the rest is optional:
 * `fixed` (else vcsim's GLS at the variances; an `se` may be null),
 * `varianceSe` (by the same keys; else vcsim's REML information),
 * `converged` (default true), `singular` (default: some variance is 0),
 * `messages` and `evaluations`.
 *
 * @module
 */

import type { ModelFrame } from "../model/frame.ts";
import type { MethodResult } from "../fit/method_plugin.ts";

/** The protocol version a request carries. */
export const PROTOCOL_VERSION = 1;

/** A numeric fixed-effects column of a request. */
export interface RequestColumn {
  /** Safe name (`x1`, `x2`, ...). */
  readonly name: string;
  /** vcsim's name, e.g. `(Intercept)`. */
  readonly term: string;
  /** One value per row. */
  readonly values: readonly number[];
}

/** A random-intercept factor of a request. */
export interface RequestFactor {
  /** Safe name (`f1`, `f2`, ...). */
  readonly name: string;
  /** vcsim's term name, e.g. `group1:group2`. */
  readonly term: string;
  /** 0-based level code of each row. */
  readonly codes: readonly number[];
  /** The number of levels. */
  readonly levels: number;
}

/** One replicate's fit request. */
export interface AdapterRequest {
  /** {@linkcode PROTOCOL_VERSION}. */
  readonly protocol: number;
  /** Sequence number of the request in this adapter process, from 1; the reply echoes it. */
  readonly id: number;
  /** What to maximize. */
  readonly criterion: "REML" | "ML";
  /** Rows. */
  readonly n: number;
  /** The response, one value per row. */
  readonly y: readonly number[];
  /** The fixed-effects columns (`y ~ 0 + x1 + ...`). */
  readonly fixed: readonly RequestColumn[];
  /** One factor per random-intercept term (`(1|f1) + ...`). */
  readonly random: readonly RequestFactor[];
  /** The method's own options for the adapter. */
  readonly settings: Readonly<Record<string, unknown>>;
}

/** Options of {@linkcode adapterRequest}. */
export interface RequestOptions {
  /** The request's sequence number, echoed in the reply. */
  readonly id: number;
  /** REML or ML. */
  readonly criterion: "REML" | "ML";
  /** The method's options for the adapter. @default {} */
  readonly settings?: Readonly<Record<string, unknown>>;
}

/**
 * The request of `frame`, with safe names `x1..`, `f1..` beside vcsim's.
 * Copies the response, the design and the codes into plain arrays: O(n p)
 * for n rows and p fixed-effects columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { adapterRequest } from "./adapter_protocol.ts";
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 5, 6]), X: new Float64Array(4).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1]), levels: ["a", "b"] }],
 * };
 * const request = adapterRequest(frame, { id: 3, criterion: "REML" });
 * assert.equal(request.protocol, 1);
 * assert.equal(request.n, 4);
 * assert.deepEqual(request.fixed, [{ name: "x1", term: "(Intercept)", values: [1, 1, 1, 1] }]);
 * assert.deepEqual(request.random, [{ name: "f1", term: "g", codes: [0, 0, 1, 1], levels: 2 }]);
 * assert.deepEqual(request.settings, {});
 * ```
 */
export function adapterRequest(frame: ModelFrame, options: RequestOptions): AdapterRequest {
  const n = frame.y.length;
  return {
    protocol: PROTOCOL_VERSION,
    id: options.id,
    criterion: options.criterion,
    n,
    y: Array.from(frame.y),
    fixed: frame.fixedNames.map((term, j) => ({
      name: `x${j + 1}`,
      term,
      values: Array.from(frame.X.subarray(j * n, (j + 1) * n)),
    })),
    random: frame.terms.map((t, k) => ({
      name: `f${k + 1}`,
      term: t.name,
      codes: Array.from(t.codes),
      levels: t.levels.length,
    })),
    settings: options.settings ?? {},
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A reply line that breaks the framing: the adapter cannot be trusted any more.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { GarbageReplyError } from "./adapter_protocol.ts";
 * const error = new GarbageReplyError("the adapter sent a line that is not JSON");
 * assert.ok(error instanceof Error);
 * assert.equal(error.name, "GarbageReplyError");
 * ```
 */
export class GarbageReplyError extends Error {
  override name = "GarbageReplyError";
}

/**
 * Parses reply `line` to `request`: the reply object, or throws a
 * {@linkcode GarbageReplyError} when it is not a JSON object with the
 * request's id.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { adapterRequest, GarbageReplyError, parseReply } from "./adapter_protocol.ts";
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 5, 6]), X: new Float64Array(4).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1]), levels: ["a", "b"] }],
 * };
 * const request = adapterRequest(frame, { id: 3, criterion: "REML" });
 * assert.deepEqual(parseReply('{"id": 3, "ok": true}', request), { id: 3, ok: true });
 * assert.throws(() => parseReply("Loading lme4", request), GarbageReplyError);
 * assert.throws(() => parseReply("[3]", request), /not a JSON object/);
 * assert.throws(() => parseReply('{"id": 2}', request), /replied with id 2 to request 3/);
 * ```
 */
export function parseReply(line: string, request: AdapterRequest): Record<string, unknown> {
  let reply: unknown;
  try {
    reply = JSON.parse(line);
  } catch {
    throw new GarbageReplyError(`the adapter sent a line that is not JSON: ${excerpt(line)}`);
  }
  if (!isObject(reply)) {
    throw new GarbageReplyError(
      `the adapter sent a line that is not a JSON object: ${excerpt(line)}`,
    );
  }
  if (reply.id !== request.id) {
    throw new GarbageReplyError(
      `the adapter replied with id ${JSON.stringify(reply.id)} to request ${request.id}`,
    );
  }
  return reply;
}

/**
 * At most 120 characters of `text`, for messages, as a JSON string literal
 * (quoted, newlines escaped); longer text is cut to 117 and ends in `...`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { excerpt } from "./adapter_protocol.ts";
 * assert.equal(excerpt("a\nb"), '"a\\nb"');
 * const long = excerpt("x".repeat(500));
 * assert.equal(JSON.parse(long), "x".repeat(117) + "...");
 * ```
 */
export function excerpt(text: string): string {
  return JSON.stringify(text.length > 120 ? text.slice(0, 117) + "..." : text);
}

function finite(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`the adapter gave no finite ${what} (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** The variances (and their SEs, if given) of a reply, by vcsim's names. */
function variancesOf(reply: Record<string, unknown>, request: AdapterRequest) {
  const given = reply.variances;
  if (!isObject(given)) throw new TypeError("the adapter's reply has no variances object");
  const keys = [...request.random.map((f) => [f.name, f.term]), ["Residual", "Residual"]];
  const variances: Record<string, number> = {};
  for (const [safe, term] of keys) {
    variances[term] = finite(given[safe], `variance for ${term} (${safe})`);
  }
  const se = reply.varianceSe;
  if (!isObject(se)) return { variances, varianceSe: undefined };
  const varianceSe: Record<string, number | null> = {};
  for (const [safe, term] of keys) {
    const s = se[safe];
    varianceSe[term] = typeof s === "number" && Number.isFinite(s) ? s : null;
  }
  return { variances, varianceSe };
}

/** The fixed effects of a reply by vcsim's names, or undefined when it gave none. */
function fixedOf(reply: Record<string, unknown>, request: AdapterRequest) {
  const given = reply.fixed;
  if (given === undefined || given === null) return undefined;
  if (!isObject(given)) throw new TypeError("the adapter's fixed effects are not an object");
  const fixed: Record<string, { estimate: number; se: number | null }> = {};
  for (const column of request.fixed) {
    const f = given[column.name];
    const estimate = isObject(f) ? f.estimate : f;
    const se = isObject(f) && typeof f.se === "number" && Number.isFinite(f.se) ? f.se : null;
    fixed[column.term] = {
      estimate: finite(estimate, `estimate of ${column.term} (${column.name})`),
      se,
    };
  }
  return fixed;
}

/**
 * The method result of a parsed reply to `request`. An `ok: false` reply,
 * or one without a finite variance for every term, throws its message
 * (that fit fails; the adapter is kept).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { adapterRequest, replyResult } from "./adapter_protocol.ts";
 * const frame = {
 *   response: "y", y: new Float64Array([1, 2, 5, 6]), X: new Float64Array(4).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [{ name: "g", codes: new Int32Array([0, 0, 1, 1]), levels: ["a", "b"] }],
 * };
 * const request = adapterRequest(frame, { id: 1, criterion: "REML" });
 * const result = replyResult({
 *   id: 1, ok: true, variances: { f1: 7.5, Residual: 0.5 },
 *   fixed: { x1: { estimate: 3.5, se: 2 } }, converged: true,
 * }, request);
 * // Keyed back by vcsim's names.
 * assert.deepEqual(result.variances, { g: 7.5, Residual: 0.5 });
 * assert.deepEqual(result.fixed, { "(Intercept)": { estimate: 3.5, se: 2 } });
 * assert.equal(result.converged, true);
 * const refused = { id: 1, ok: false, error: "no fit" };
 * assert.throws(() => replyResult(refused, request), /^Error: no fit$/);
 * assert.throws(
 *   () => replyResult({ id: 1, ok: true, variances: { f1: 7.5 } }, request),
 *   /no finite variance for Residual/,
 * );
 * ```
 */
export function replyResult(reply: Record<string, unknown>, request: AdapterRequest): MethodResult {
  if (reply.ok !== true) {
    const error = typeof reply.error === "string" && reply.error !== ""
      ? reply.error
      : `the adapter's reply is not ok and gives no error (got ${excerpt(JSON.stringify(reply))})`;
    throw new Error(error);
  }
  const { variances, varianceSe } = variancesOf(reply, request);
  const messages = Array.isArray(reply.messages) ? reply.messages.map(String) : [];
  const fixed = fixedOf(reply, request);
  return {
    variances,
    ...(varianceSe ? { varianceSe } : {}),
    ...(fixed ? { fixed } : {}),
    ...(typeof reply.converged === "boolean" ? { converged: reply.converged } : {}),
    ...(typeof reply.singular === "boolean" ? { singular: reply.singular } : {}),
    ...(messages.length > 0 ? { messages } : {}),
    ...(typeof reply.evaluations === "number" && Number.isFinite(reply.evaluations)
      ? { evaluations: reply.evaluations }
      : {}),
  };
}
