/**
 * The adapters vcsim ships (lme4 in R, statsmodels in Python) as ready
 * estimation methods. The scripts are plain files beside this module: copy
 * one to change it, and point {@linkcode externalMethod} at the copy.
 *
 * @module
 */

import type { MethodPlugin } from "../fit/method_plugin.ts";
import { externalMethod } from "./external_method.ts";

/** The local path of shipped adapter script `file`; throws when vcsim is not local files. */
function adapterScript(file: string): string {
  const url = new URL(`./${file}`, import.meta.url);
  if (url.protocol !== "file:") {
    throw new Error(
      `the adapter ${file} must be a local file, but vcsim was loaded from ${url.href}: ` +
        `download it and give its path to externalMethod`,
    );
  }
  return decodeURIComponent(url.pathname);
}

/**
 * The path of the shipped lme4 adapter, `lib/external/lme4_adapter.R`.
 * Throws an Error when vcsim was loaded from a URL that is not a file.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { lme4AdapterPath } from "./shipped_adapters.ts";
 * const path = lme4AdapterPath();
 * assert.ok(path.endsWith("lib/external/lme4_adapter.R"));
 * assert.ok(Deno.statSync(path).isFile);
 * ```
 */
export function lme4AdapterPath(): string {
  return adapterScript("lme4_adapter.R");
}

/**
 * The path of the shipped statsmodels adapter, `lib/external/statsmodels_adapter.py`.
 * Throws an Error when vcsim was loaded from a URL that is not a file.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { statsmodelsAdapterPath } from "./shipped_adapters.ts";
 * const path = statsmodelsAdapterPath();
 * assert.ok(path.endsWith("lib/external/statsmodels_adapter.py"));
 * assert.ok(Deno.statSync(path).isFile);
 * ```
 */
export function statsmodelsAdapterPath(): string {
  return adapterScript("statsmodels_adapter.py");
}

/** Options of {@linkcode lme4Method} and {@linkcode statsmodelsMethod}. */
export interface ShippedAdapterOptions {
  /** REML (true) or ML (false). @default true */
  readonly reml?: boolean;
  /** The method's name. @default `lme4-REML`, `statsmodels-ML`, ... */
  readonly name?: string;
  /** The interpreter: a name on PATH or a path. @default "Rscript", "python3" */
  readonly interpreter?: string;
  /** Passed to the adapter with every request (lme4: `optimizer`; statsmodels: `method`, `maxiter`). */
  readonly settings?: Readonly<Record<string, unknown>>;
}

function shipped(
  software: string,
  script: string,
  options: ShippedAdapterOptions & { interpreter: string },
): MethodPlugin {
  const criterion = options.reml === false ? "ML" : "REML";
  return externalMethod({
    name: options.name ?? `${software}-${criterion}`,
    command: options.interpreter,
    args: [script],
    criterion,
    settings: options.settings,
    software,
  });
}

/**
 * lme4's `lmer` as an estimation method (`lme4-REML` or `lme4-ML`), run by
 * `Rscript` with the shipped adapter; needs the R packages lme4 and jsonlite.
 *
 * @example
 * ```ts ignore
 * import { lme4Method } from "./mod.ts";
 * const methods = ["reml", lme4Method(), lme4Method({ reml: false })];
 * ```
 */
export function lme4Method(options: ShippedAdapterOptions = {}): MethodPlugin {
  return shipped("lme4", lme4AdapterPath(), {
    ...options,
    interpreter: options.interpreter ?? "Rscript",
  });
}

/**
 * statsmodels' `MixedLM` (the notebook's `vc_formula` route) as an
 * estimation method (`statsmodels-REML` or `statsmodels-ML`), run by a
 * Python that has statsmodels (`interpreter`, default `python3`). Nothing
 * runs until the runner calls the method's `check` or `fit`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { statsmodelsMethod } from "./shipped_adapters.ts";
 * const reml = statsmodelsMethod();
 * assert.equal(reml.name, "statsmodels-REML");
 * assert.deepEqual(reml.programs, ["python3"]);
 * const ml = statsmodelsMethod({ reml: false, interpreter: "/opt/py/bin/python" });
 * assert.equal(ml.name, "statsmodels-ML");
 * assert.deepEqual(ml.programs, ["/opt/py/bin/python"]);
 * assert.equal(typeof ml.check, "function");
 * ```
 */
export function statsmodelsMethod(options: ShippedAdapterOptions = {}): MethodPlugin {
  return shipped("statsmodels", statsmodelsAdapterPath(), {
    ...options,
    interpreter: options.interpreter ?? "python3",
  });
}
