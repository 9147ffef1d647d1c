/**
 * `deno task merge <stores...> --out FILE`: merges shard stores (or stores
 * of separate runs of one design) into one, as a single run would have
 * written it, and reports what is missing. Missing replicates are reported,
 * not an error: rerun the missing shards and merge again.
 *
 * @module
 */

import { Argument } from "../_deps/commander.ts";
import { runCommand, vcsimCommand, writeSync } from "./_command.ts";
import { mergeStores } from "../store/merge.ts";

/** Missing replicates listed by name before the rest are only counted. */
const LISTED = 20;

function makeCommand() {
  return vcsimCommand("merge")
    .description("Merge study stores of one design (e.g. shards) into a new store.")
    .addArgument(new Argument("<stores...>", "input .sqlite stores"))
    .requiredOption("--out <file>", "the merged store to create (must not exist)");
}

/** Runs the command on `args` and returns the exit status. */
export async function main(args: string[]): Promise<number> {
  const program = makeCommand();
  return await runCommand(program, args, () => {
    const [inputs] = program.processedArgs;
    const { out } = program.opts();
    const result = mergeStores(inputs, out);
    const duplicates = result.duplicates > 0
      ? ` (${result.duplicates} held by more than one input, stored once)`
      : "";
    const lines = [
      `merged ${inputs.length} stores into ${out}: ${result.replicates} replicates${duplicates}`,
    ];
    const missing = result.missing;
    if (missing.length === 0) lines.push("complete: no replicate is missing");
    else {
      lines.push(
        `INCOMPLETE: ${missing.length} replicates are missing (run the missing shards, ` +
          "then merge again):",
      );
      for (const m of missing.slice(0, LISTED)) lines.push(`  ${m.condition}:${m.rep}`);
      if (missing.length > LISTED) lines.push(`  ... and ${missing.length - LISTED} more`);
    }
    writeSync(Deno.stderr, lines.join("\n") + "\n");
    return 0;
  });
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
