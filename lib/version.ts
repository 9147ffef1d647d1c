/**
 * vcsim's version, read from deno.json so there is one place to change it.
 *
 * @module
 */

import project from "../deno.json" with { type: "json" };

/** The version recorded in every store's manifest. */
export const VERSION: string = project.version;
