/**
 * `deno task generate nested|crossed [options] [--out FILE.csv]`: writes one
 * simulated data set as CSV (to stdout without `--out`).
 *
 * Design options use the statsmodels notebook's parameter names with `-`
 * for `_` (`--n-group1`, `--group1-sd`, `--unexplained-sd`, ...). The stream
 * is `deriveStream(seed, ["generate", design])` with `--rng seedrandom` (the
 * default), or numpy's `RandomState(seed)` with `--rng numpy`; the default
 * seed 3123 with `--rng numpy` reproduces the notebook's nested data set.
 * Errors print one line on stderr and exit with status 1.
 *
 * @module
 */

import { Argument, InvalidArgumentError, Option } from "../_deps/commander.ts";
import { integerArg, numberArg, runCommand, vcsimCommand } from "./_command.ts";
import { writeTextFileWhole } from "../_whole_file.ts";
import { deriveStream } from "../rng/derive_stream.ts";
import { NumpyRandomState } from "../rng/numpy_random_state.ts";
import type { RandomStream } from "../rng/stream.ts";
import { parseDistribution } from "../rng/distribution.ts";
import { nested, type NestedOptions } from "../generate/nested.ts";
import { crossed, type CrossedOptions } from "../generate/crossed.ts";
import type { CovariateSpec } from "../generate/design_options.ts";
import { writeCsv } from "../data/csv_write.ts";

const rangeArg = (text: string): [number, number] => {
  const parts = text.split(/[,:]/);
  if (parts.length !== 2) {
    throw new InvalidArgumentError(`expected MIN,MAX (two integers), got "${text}"`);
  }
  return [integerArg(parts[0]), integerArg(parts[1])];
};

const distArg = (text: string) => {
  try {
    return parseDistribution(text);
  } catch (e) {
    throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
  }
};

const covariateArg = (text: string, previous: CovariateSpec[] = []): CovariateSpec[] => {
  const m = /^([^:]+):([^:]+)(?::(.+))?$/.exec(text);
  if (m === null) {
    throw new InvalidArgumentError(`expected NAME:SLOPE or NAME:SLOPE:DIST, got "${text}"`);
  }
  const spec: CovariateSpec = m[3] === undefined
    ? { name: m[1], slope: numberArg(m[2]) }
    : { name: m[1], slope: numberArg(m[2]), dist: distArg(m[3]) };
  return [...previous, spec];
};

function makeCommand() {
  return vcsimCommand("generate")
    .description(
      "Write one simulated data set (columns y, group1, group2, covariates) as CSV.\n" +
        "Defaults: nested n_group1=200 n_group2=20 n_rep=10; crossed 100/100/4;\n" +
        "group1_sd=2 group2_sd=3 unexplained_sd=4 for both.",
    )
    .addArgument(new Argument("<design>", "nested or crossed").choices(["nested", "crossed"]))
    .option("--seed <seed>", "study seed (an integer for --rng numpy)", "3123")
    .addOption(
      new Option("--rng <rng>", "random stream").choices(["seedrandom", "numpy"]).default(
        "seedrandom",
      ),
    )
    .option("--n-group1 <n>", "number of group1 levels (n_group1)", integerArg)
    .option(
      "--n-group2 <n>",
      "number of group2 levels (n_group2; per group1 if nested)",
      integerArg,
    )
    .option("--n-rep <n>", "rows per cell (n_rep)", integerArg)
    .option("--group1-sd <sd>", "SD of group1 effects (group1_sd)", numberArg)
    .option("--group2-sd <sd>", "SD of group2 effects (group2_sd)", numberArg)
    .option("--unexplained-sd <sd>", "SD of the error (unexplained_sd)", numberArg)
    .option("--intercept <b0>", "fixed intercept (default 0)", numberArg)
    .option(
      "--n-group2-range <min,max>",
      "nested: group2 levels per group1 drawn from [min,max]",
      rangeArg,
    )
    .option("--n-rep-range <min,max>", "rows per cell drawn from [min,max]", rangeArg)
    .addOption(
      new Option("--layout <layout>", "crossed: row layout (default permuted)").choices([
        "permuted",
        "balanced",
      ]),
    )
    .option("--empty-cell-fraction <f>", "crossed balanced: fraction of empty cells", numberArg)
    .option("--group1-dist <dist>", "normal, t:DF or skewed:DF", distArg)
    .option("--group2-dist <dist>", "normal, t:DF or skewed:DF", distArg)
    .option("--error-dist <dist>", "normal, t:DF or skewed:DF", distArg)
    .option(
      "--covariate <name:slope[:dist]>",
      "add a covariate x ~ dist, y += slope*x (repeatable)",
      covariateArg,
    )
    .option("--out <file>", "output CSV file (default: stdout)");
}

function makeStream(rng: string, seedText: string, design: string): RandomStream {
  if (rng === "numpy") {
    const seed = Number(seedText);
    if (seedText.trim() === "" || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(
        `--seed must be an integer in [0, 4294967295] with --rng numpy, got "${seedText}"`,
      );
    }
    return new NumpyRandomState(seed);
  }
  const numeric = Number(seedText);
  const seed = seedText.trim() !== "" && Number.isFinite(numeric) ? numeric : seedText;
  return deriveStream(seed, ["generate", design]);
}

async function writeAll(text: string, out: string | undefined): Promise<void> {
  if (out !== undefined) {
    writeTextFileWhole(out, text);
    return;
  }
  const bytes = new TextEncoder().encode(text);
  for (let off = 0; off < bytes.length;) off += await Deno.stdout.write(bytes.subarray(off));
}

/** Runs the command on `args` and returns the exit status. */
async function main(args: string[]): Promise<number> {
  const program = makeCommand();
  return await runCommand(program, args, async () => {
    const design = program.processedArgs[0];
    const o = program.opts();
    const common = {
      nGroup1: o.nGroup1,
      nGroup2: o.nGroup2,
      nRep: o.nRep,
      group1Sd: o.group1Sd,
      group2Sd: o.group2Sd,
      unexplainedSd: o.unexplainedSd,
      intercept: o.intercept,
      nRepRange: o.nRepRange,
      group1Dist: o.group1Dist,
      group2Dist: o.group2Dist,
      errorDist: o.errorDist,
      covariates: o.covariate,
    };
    const stream = makeStream(o.rng, o.seed, design);
    let data;
    if (design === "nested") {
      for (
        const [flag, value] of [["--layout", o.layout], [
          "--empty-cell-fraction",
          o.emptyCellFraction,
        ]] as const
      ) {
        if (value !== undefined) throw new TypeError(`${flag} applies only to the crossed design`);
      }
      const options: NestedOptions = { ...common, nGroup2Range: o.nGroup2Range };
      data = nested(stream, options);
    } else {
      if (o.nGroup2Range !== undefined) {
        throw new TypeError("--n-group2-range applies only to the nested design");
      }
      const options: CrossedOptions = {
        ...common,
        layout: o.layout,
        emptyCellFraction: o.emptyCellFraction,
      };
      data = crossed(stream, options);
    }
    await writeAll(writeCsv(data), o.out);
  });
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
