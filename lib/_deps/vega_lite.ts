/**
 * Vega-Lite, pinned: compiles the HTML report's chart specs to Vega.
 *
 * @module
 */

export { compile, type TopLevelSpec } from "npm:vega-lite@6.5.0";
