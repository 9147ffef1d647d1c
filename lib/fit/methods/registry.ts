/**
 * The estimation methods a study can name: vcsim's own, by their lower-case
 * names, and any plug-in object a study gives.
 *
 * @module
 */

import type { MethodPlugin } from "../method_plugin.ts";
import { reml } from "./reml.ts";
import { ml } from "./ml.ts";
import { anova } from "./anova.ts";

/** The built-in estimation methods by the names a study uses. */
export const BUILT_IN_METHODS: Readonly<Record<string, MethodPlugin>> = { reml, ml, anova };

const NAME = /^[A-Za-z0-9][\w.-]*$/;

/**
 * The plug-in a study's `methods` entry stands for: a built-in's name, or a
 * plug-in object, checked. Throws a TypeError saying what is wrong.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { methodPlugin } from "./registry.ts";
 * assert.equal(methodPlugin("reml").name, "REML");
 * assert.throws(() => methodPlugin("remll"), /unknown estimation method "remll"/);
 * ```
 */
export function methodPlugin(entry: unknown): MethodPlugin {
  if (typeof entry === "string") {
    const found = BUILT_IN_METHODS[entry];
    if (!found) {
      throw new TypeError(
        `unknown estimation method ${JSON.stringify(entry)}: expected ${
          Object.keys(BUILT_IN_METHODS).join(", ")
        } or a method object with a name and a fit function`,
      );
    }
    return found;
  }
  const m = entry as Partial<MethodPlugin> | null;
  if (typeof m !== "object" || m === null || typeof m.fit !== "function") {
    throw new TypeError(
      `an estimation method must be a built-in name or an object with a name and a fit function, got ${
        typeof entry === "object" ? "an object without a fit function" : String(entry)
      }`,
    );
  }
  if (typeof m.name !== "string" || !NAME.test(m.name)) {
    throw new TypeError(
      `estimation method name must be a word (letters, digits, _ . -), got ${
        JSON.stringify(m.name)
      }`,
    );
  }
  const clash = Object.values(BUILT_IN_METHODS).find((b) => b.name === m.name && b !== m);
  if (clash) {
    throw new TypeError(`estimation method name "${m.name}" is a built-in's: choose another`);
  }
  return m as MethodPlugin;
}
