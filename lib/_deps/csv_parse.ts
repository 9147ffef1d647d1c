/**
 * csv-parse's synchronous parser, pinned: reads CSV datasets (and, in the
 * tests, checks written CSV).
 *
 * @module
 */

export { parse } from "npm:csv-parse@7.0.3/sync";
