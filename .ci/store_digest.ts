/**
 * Prints the content digest (lib/store/digest.ts) of each store given, one line "<hex>  <path>"
 * each: equal digests mean bit-identical results. Used by .ci/slurm_check.sh.
 *
 * Usage: deno run --allow-read --allow-write .ci/store_digest.ts <store.sqlite>...
 *
 * @module
 */
import { storeDigest } from "../lib/store/digest.ts";

for (const path of Deno.args) console.log(`${await storeDigest(path)}  ${path}`);
