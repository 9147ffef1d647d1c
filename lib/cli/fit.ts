/**
 * `deno task fit <file.csv> --formula "<formula>" [--method reml|ml|anova]
 * [--ci <list>] [--level 0.95] [--information expected|observed]
 * [--style statsmodels|lme4] [--sd-scale] [--threads N] [--json]`: fits a
 * random-intercept model to a CSV file and prints a statsmodels-style or
 * lme4-style summary, or the JSON object the README describes (section
 * `deno task fit`).
 *
 * @module
 */

import { Argument, Option } from "../_deps/commander.ts";
import { integerArg, numberArg, runCommand, seedArg, vcsimCommand, writeSync } from "./_command.ts";
import { readCsvFile } from "../data/csv_read.ts";
import { modelFrame } from "../model/model_frame.ts";
import { crossProducts } from "../model/cross_products.ts";
import { type EstimationMethod, fitVarComp } from "../fit/fit.ts";
import { formatSummary, type SummaryStyle } from "../fit/summary.ts";
import {
  confidenceIntervals,
  INTERVAL_METHODS,
  parseIntervalMethods,
} from "../inference/intervals.ts";
import { satterthwaiteFixedDf } from "../inference/satterthwaite_df.ts";
import { deriveStream } from "../rng/derive_stream.ts";
import { setCholeskyThreads } from "../linalg/cholesky_threads.ts";

function makeCommand() {
  return vcsimCommand("fit")
    .description(
      "Fit a linear mixed model with random intercepts (lme4 formula syntax) to a CSV file.\n" +
        "Rows with a missing value (empty, NA, NaN, nan, .) in a used column are dropped and counted.",
    )
    .addArgument(new Argument("<file>", "CSV file with a header row"))
    .requiredOption("--formula <formula>", 'e.g. "y ~ 1 + (1|group1/group2)"')
    .addOption(
      new Option("--method <method>", "estimation method").choices(["reml", "ml", "anova"]).default(
        "reml",
      ),
    )
    .option("--ci <methods>", `interval methods, comma-separated: ${INTERVAL_METHODS.join(", ")}`)
    .option("--level <level>", "confidence level", numberArg, 0.95)
    .addOption(
      new Option("--information <kind>", "information behind the variance SEs and Satterthwaite df")
        .choices([
          "expected",
          "observed",
        ])
        .default("expected"),
    )
    .option("--bootstrap-reps <n>", "refits for bootstrap intervals", integerArg, 999)
    .option("--seed <seed>", "seed of the bootstrap stream", seedArg, 1)
    .addOption(
      new Option(
        "--style <style>",
        "summary layout: statsmodels MixedLM, or lme4 summary() with lmerTest's Satterthwaite t tests",
      ).choices(["statsmodels", "lme4"]).default("statsmodels"),
    )
    .option(
      "--sd-scale",
      "list the variances' interval limits as standard deviations (square roots)",
    )
    .option(
      "--threads <n>",
      "threads for a large crossed design: they share the factorisation of its dense block " +
        "and the optimiser's evaluations (results are the same for any count; default: the " +
        "machine's cores, at most 8)",
      integerArg,
      DEFAULT_THREADS,
    )
    .option("--json", "print the JSON object instead of the summary");
}

/** The threads `deno task fit` uses unless told: the machine's cores, at most 8. */
export const DEFAULT_THREADS = Math.max(1, Math.min(8, navigator.hardwareConcurrency ?? 1));

/** Runs the command on `args` and returns the exit status. */
export async function main(args: string[]): Promise<number> {
  const program = makeCommand();
  return await runCommand(program, args, async () => {
    const [file] = program.processedArgs;
    const o = program.opts();
    const methods = o.ci === undefined ? [] : parseIntervalMethods(o.ci);
    if (!(o.level > 0 && o.level < 1)) {
      throw new RangeError(`--level must be in (0, 1), got ${o.level}`);
    }
    if (!(o.threads >= 1 && o.threads <= 64)) {
      throw new RangeError(`--threads must be from 1 to 64, got ${o.threads}`);
    }
    setCholeskyThreads(o.threads);
    let clock = performance.now();
    const data = await readCsvFile(file);
    const read = performance.now() - clock;
    clock = performance.now();
    const frame = modelFrame(data, o.formula);
    const cp = crossProducts(frame);
    const setup = performance.now() - clock;
    clock = performance.now();
    const fit = fitVarComp(frame, { method: o.method as EstimationMethod, crossProducts: cp });
    const fitMs = performance.now() - clock;
    clock = performance.now();
    const inference = confidenceIntervals(frame, fit, {
      methods,
      level: o.level,
      information: o.information as "expected" | "observed",
      crossProducts: cp,
      bootstrap: {
        stream: deriveStream(o.seed, ["bootstrap", file, o.formula]),
        replicates: o.bootstrapReps,
      },
    });
    const intervalsMs = performance.now() - clock;
    const varianceSe = Object.fromEntries(
      inference.variance.parameters.map((p, a) => [p, inference.variance.se[a]]),
    );
    if (o.json) {
      const out = {
        formula: o.formula,
        method: fit.method,
        nobs: fit.nobs,
        droppedRows: fit.droppedRows,
        converged: fit.converged,
        singular: fit.singular,
        logLik: fit.logLik,
        criterion: fit.criterion,
        variances: fit.variances,
        varianceSe,
        varianceSeSource: inference.variance.source,
        information: inference.variance.source === "information"
          ? `${inference.variance.kind} ${inference.variance.likelihood}`
          : null,
        groups: fit.groups,
        fixed: Object.fromEntries(
          fit.fixed.map((f) => [f.name, { estimate: f.estimate, se: f.se }]),
        ),
        intervals: inference.intervals.map((i) => ({ ...i, level: o.level })),
        evaluations: fit.evaluations,
        messages: fit.messages,
        timing_ms: { read, setup, fit: fitMs, intervals: intervalsMs },
      };
      writeSync(Deno.stdout, JSON.stringify(out, null, 2) + "\n");
    } else {
      const lme4 = o.style === "lme4";
      writeSync(
        Deno.stdout,
        formatSummary(fit, {
          style: o.style as SummaryStyle,
          response: frame.response,
          formula: o.formula,
          data: file,
          varianceSe,
          varianceSource: inference.variance,
          fixedDf: lme4 ? satterthwaiteFixedDf(cp, inference.variance) : undefined,
          intervals: inference.intervals,
          level: o.level,
          sdScale: o.sdScale === true,
        }) + "\n",
      );
    }
  });
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
