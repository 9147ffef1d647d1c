/**
 * csv-parse's synchronous parser, pinned: the reference the tests check
 * vcsim's own CSV scanner and writer against (vcsim itself does not use it).
 *
 * @module
 */

export { parse } from "npm:csv-parse@7.0.3/sync";
