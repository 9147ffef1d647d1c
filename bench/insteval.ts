/**
 * InstEval (lme4's 73,421 lecture ratings: 2972 students x 1128 lecturers
 * crossed, plus dept:service), fitted by ML with its variance SEs, by vcsim
 * and by lme4 side by side on this machine, with the two log-likelihoods:
 *
 *   deno run --allow-read --allow-write --allow-run bench/insteval.ts
 *
 * The data come from R (lme4's `InstEval`, written to a temporary CSV), so
 * it needs Rscript with lme4; without them it says so and stops. Times are
 * wall-clock seconds of one run each (the fit, then the SEs for vcsim, with
 * one thread and then with the cores `deno task fit` uses; lmer alone for
 * lme4); the ratio is of the last.
 *
 * @module
 */

import { join } from "node:path";
import { readCsvFile } from "../lib/data/csv_read.ts";
import { modelFrame } from "../lib/model/model_frame.ts";
import { crossProducts } from "../lib/model/cross_products.ts";
import { fitVarComp } from "../lib/fit/fit.ts";
import { varianceCovariance } from "../lib/inference/information.ts";
import { setCholeskyThreads } from "../lib/linalg/cholesky_threads.ts";
import { DEFAULT_THREADS } from "../lib/cli/fit.ts";

const FORMULA = "y ~ 1 + service + (1|s) + (1|d) + (1|dept:service)";
const R_FIT = `suppressMessages(library(lme4)); data(InstEval)
write.csv(InstEval, commandArgs(TRUE)[1], row.names = FALSE)
t <- system.time(m <- lmer(y ~ 1 + service + (1|s) + (1|d) + (1|dept:service), InstEval, REML = FALSE))
cat(t[["elapsed"]], format(as.numeric(logLik(m)), digits = 15), "\\n")`;

async function lme4(csv: string): Promise<{ seconds: number; logLik: number } | null> {
  try {
    const out = await new Deno.Command("Rscript", { args: ["-e", R_FIT, csv], stderr: "piped" })
      .output();
    if (!out.success) return null;
    const [seconds, logLik] = new TextDecoder().decode(out.stdout).trim().split(/\s+/).map(Number);
    return { seconds, logLik };
  } catch {
    return null;
  }
}

const dir = await Deno.makeTempDir();
try {
  const csv = join(dir, "insteval.csv");
  const r = await lme4(csv);
  if (r === null) {
    console.log("insteval: skipped (needs Rscript with lme4 for the data)");
  } else {
    const frame = modelFrame(await readCsvFile(csv), FORMULA);
    console.log(`InstEval ML, ${frame.y.length} rows, ${FORMULA}`);
    // One thread (as a study's worker fits), then the cores that `deno task fit` uses.
    const cores = DEFAULT_THREADS;
    let last = { fitS: 0, seS: 0, logLik: 0, se: [] as readonly (number | null)[] };
    for (const threads of cores > 1 ? [1, cores] : [1]) {
      setCholeskyThreads(threads);
      let t0 = performance.now();
      const cp = crossProducts(frame);
      const fit = fitVarComp(frame, { method: "ml", crossProducts: cp });
      const fitS = (performance.now() - t0) / 1000;
      t0 = performance.now();
      const v = varianceCovariance(frame, fit, { crossProducts: cp });
      const seS = (performance.now() - t0) / 1000;
      console.log(
        `  vcsim, ${threads} thread(s): fit ${fitS.toFixed(2)} s (${fit.evaluations} evaluations)` +
          ` + SEs ${seS.toFixed(2)} s = ${(fitS + seS).toFixed(2)} s; logLik ${fit.logLik}`,
      );
      last = { fitS, seS, logLik: fit.logLik!, se: v.se };
    }
    const { fitS, seS } = last;
    console.log(`  lme4:  lmer ${r.seconds.toFixed(2)} s; logLik ${r.logLik}`);
    console.log(
      `  ratio vcsim (fit + SEs) / lme4 (fit): ${((fitS + seS) / r.seconds).toFixed(2)}; ` +
        `logLik difference vcsim - lme4 ${(last.logLik - r.logLik).toExponential(2)}; ` +
        `SEs ${last.se.map((s) => s?.toPrecision(4)).join(", ")}`,
    );
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
