/**
 * The interval kinds a caller can name: vcsim's own, by name, in the order
 * they are reported, and any plug-in object a caller gives. Adding a
 * built-in kind is one file in this folder and one line in
 * {@linkcode BUILT_IN_INTERVALS}.
 *
 * @module
 */

import type { IntervalPlugin } from "./interval_plugin.ts";
import { wald } from "./wald.ts";
import { waldLog } from "./wald_log.ts";
import { satterthwaite } from "./satterthwaite.ts";
import { t } from "./t.ts";
import { profile } from "./profile.ts";
import { profileMl } from "./profile_ml.ts";
import { mls } from "./mls.ts";
import { exact } from "./exact.ts";
import { bootstrap } from "./bootstrap.ts";

/** The built-in interval kinds by name, in the order they are reported. */
export const BUILT_IN_INTERVALS = Object.freeze(
  {
    wald,
    "wald-log": waldLog,
    satterthwaite,
    t,
    profile,
    "profile-ml": profileMl,
    mls,
    exact,
    bootstrap,
  } satisfies Record<string, IntervalPlugin>,
);

/**
 * A built-in interval kind. For variances: `wald` (variance scale, truncated
 * at 0), `wald-log`, `satterthwaite` (scaled chi-square), `profile` (profile
 * of the fitted criterion), `profile-ml` (ML profile, lme4's confint), `mls`
 * (modified large-sample, balanced designs), `exact` (chi-square, residual
 * variance, from the within-cell fit), `bootstrap` (parametric percentile). For
 * fixed effects: `wald` (z), `t` (between-group df), `satterthwaite` (t with
 * Satterthwaite df), `profile-ml`, `bootstrap`.
 */
export type IntervalMethod = keyof typeof BUILT_IN_INTERVALS;

/** Every built-in interval kind's name, in the order they are reported. */
export const INTERVAL_METHODS: readonly IntervalMethod[] = Object.freeze(
  Object.keys(BUILT_IN_INTERVALS) as IntervalMethod[],
);

const NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * The plug-in an entry of `methods` stands for: a built-in's name, or a
 * plug-in object, checked (its name a word of letters, digits, `-`, `_` and
 * `.` that is no built-in's unless it is that built-in; an `intervals`
 * function; `validate`, if any, a function). Throws a TypeError saying what
 * is wrong.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { intervalPlugin } from "./registry.ts";
 * assert.equal(intervalPlugin("wald-log").name, "wald-log");
 * assert.throws(() => intervalPlugin("wald_log"), /unknown interval method "wald_log"/);
 * const toy = { name: "toy", intervals: () => [] };
 * assert.equal(intervalPlugin(toy), toy);
 * assert.throws(() => intervalPlugin({ name: "wald", intervals: () => [] }), /built-in/);
 * ```
 */
export function intervalPlugin(entry: string | IntervalPlugin): IntervalPlugin {
  if (typeof entry === "string") {
    if (!Object.hasOwn(BUILT_IN_INTERVALS, entry)) {
      throw new TypeError(
        `unknown interval method "${entry}": expected one of ${INTERVAL_METHODS.join(", ")}`,
      );
    }
    return BUILT_IN_INTERVALS[entry as IntervalMethod];
  }
  const p = entry as Partial<IntervalPlugin> | null;
  if (typeof p !== "object" || p === null) {
    throw new TypeError(
      `an interval method must be a built-in name or a plug-in object with a name and an intervals function, got ${
        p === null ? "null" : typeof p
      }`,
    );
  }
  if (typeof p.name !== "string" || !NAME.test(p.name)) {
    throw new TypeError(
      `interval plug-in name must be a non-empty word of letters, digits, "-", "_" or ".", got ${
        typeof p.name === "string" ? JSON.stringify(p.name) : String(p.name)
      }`,
    );
  }
  if (
    Object.hasOwn(BUILT_IN_INTERVALS, p.name) && BUILT_IN_INTERVALS[p.name as IntervalMethod] !== p
  ) {
    throw new TypeError(
      `interval plug-in name "${p.name}" is a built-in kind's: choose another name`,
    );
  }
  if (typeof p.intervals !== "function") {
    throw new TypeError(
      `interval plug-in "${p.name}" needs an intervals function, got ${typeof p.intervals}`,
    );
  }
  if (p.validate !== undefined && typeof p.validate !== "function") {
    throw new TypeError(
      `validate of interval plug-in "${p.name}" must be a function, got ${typeof p.validate}`,
    );
  }
  return p as IntervalPlugin;
}
