/**
 * Vega, pinned: renders the HTML report's charts to SVG, headless.
 *
 * @module
 */

export { parse, View } from "npm:vega@6.4.0";
