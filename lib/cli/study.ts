/**
 * `deno task study <name|path> [--reps N] [--seed S] [--workers W]
 * [--out DIR] [--shard i/n] [--fresh] [--json] [--target-mcse X]
 * [--target-bias-mcse R] [--timeout S] [--memory-limit MIB]
 * [--allow-version-change] [--replay <condition>:<rep>]`: runs a study's
 * missing replicates into its store (resuming whatever is stored), then
 * prints the report's performance table. `--target-mcse` keeps raising the
 * replicates in rounds until every coverage MCSE is at most X (a
 * proportion: 0.01 is 1 percentage point), `--target-bias-mcse` until every
 * bias MCSE is at most R x |truth| (R x the empirical SE where the truth is
 * 0); the rounds are recorded in the store, so an interrupted search
 * resumes where it was. Ctrl-C, SIGTERM, or the end of
 * the `deno task` process that started it, stop the run and keep what is
 * stored. `--replay` reruns one replicate in a worker and prints its record.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { Argument } from "../_deps/commander.ts";
import { integerArg, numberArg, runCommand, seedArg, vcsimCommand, writeSync } from "./_command.ts";
import { loadStudy, resolveStudy } from "../study/load_study.ts";
import {
  type RunProgress,
  type RunResult,
  runStudy,
  storePath,
  StoreRefusedError,
} from "../study/runner.ts";
import { replayReplicate } from "../study/replay.ts";
import { parseShard, type Shard, shardFromEnvironment } from "../study/shard.ts";
import { openStore } from "../store/store.ts";
import { performanceMeasures } from "../report/measures.ts";
import { terminalTable } from "../report/terminal_table.ts";
import { pairedComparisonsOfFile } from "../report/paired_comparisons_of_file.ts";
import { comparisonTable } from "../report/comparison_table.ts";
import { targetRound } from "../report/target_mcse.ts";
import type { McseTargets } from "../report/planning.ts";
import { failureSummary } from "../report/failure_summary.ts";
import { failureLines, progressLine, roundLine, startLines } from "./_study_lines.ts";

/** Exit status of a run stopped by Ctrl-C (SIGINT), as shells report it. */
const INTERRUPTED = 130;

function makeCommand() {
  return vcsimCommand("study")
    .description(
      "Run a simulation study (a built-in name or a .ts module) into its results store,\n" +
        "resuming whatever is already stored, and print a performance table.",
    )
    .addArgument(new Argument("<study>", "built-in study name or path to a study module"))
    .option("--reps <n>", "replicates per condition (default: the study's)", integerArg)
    .option("--seed <seed>", "study seed (default: the study's)", seedArg)
    .option("--workers <n>", "parallel workers (default: one per core)", integerArg)
    .option("--out <dir>", "output directory (default: results/<study name>)")
    .option("--shard <i/n>", "run only shard i of n (default: from SLURM / Kubernetes variables)")
    .option("--fresh", "discard a store holding a different design")
    .option("--allow-version-change", "extend a store written by another vcsim version")
    .option("--json", "print JSON {study, storePath, run, rows} instead of the table")
    .option(
      "--target-mcse <x>",
      "raise the replicates in rounds until every coverage MCSE is at most x\n" +
        "(a proportion: 0.01 is 1 percentage point)",
      numberArg,
    )
    .option(
      "--target-bias-mcse <r>",
      "raise the replicates in rounds until every bias MCSE is at most r x |truth|\n" +
        "(r x the empirical SE where the truth is 0)",
      numberArg,
    )
    .option("--timeout <s>", "per-replicate time limit in seconds (default: 300)", numberArg)
    .option("--memory-limit <mib>", "per-worker memory limit in MiB (default: 2048)", integerArg)
    .option(
      "--replay <condition:rep>",
      "run one replicate in a worker, print its record, store nothing",
    );
}

type Options = ReturnType<ReturnType<typeof makeCommand>["opts"]>;

function positive(value: number | undefined, name: string, what = "integer"): void {
  if (value !== undefined && !(value > 0)) {
    throw new RangeError(`${name} must be a positive ${what}, got ${value}`);
  }
}

/**
 * An abort signal for the run: Ctrl-C, SIGTERM, or the end of the process
 * that started this one (the `deno task` wrapper: then nobody would stop us).
 */
function stopSignal(): { signal: AbortSignal; reason: () => string | null; dispose: () => void } {
  const controller = new AbortController();
  let why: string | null = null;
  const stop = (reason: string) => {
    why ??= reason;
    controller.abort();
  };
  const onInt = () => stop("SIGINT"), onTerm = () => stop("SIGTERM");
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  const parent = Deno.ppid;
  const watch = setInterval(() => {
    if (Deno.ppid !== parent) stop("the parent process ended");
  }, 250);
  return {
    signal: controller.signal,
    reason: () => why,
    dispose: () => {
      clearInterval(watch);
      Deno.removeSignalListener("SIGINT", onInt);
      Deno.removeSignalListener("SIGTERM", onTerm);
    },
  };
}

/** Runs the study once with `reps`, drawing progress on a terminal. */
async function runOnce(
  url: string,
  o: Options,
  run: {
    reps: number | undefined;
    shard: Shard | null;
    target?: { target: RecordedTarget; rounds: number[] };
  },
): Promise<{ result: RunResult; stoppedBy: string | null }> {
  // The bar only for a person watching: logs of batch jobs and tests stay clean.
  const bar = Deno.stderr.isTerminal();
  let drawn = false;
  const draw = (p: RunProgress) => {
    drawn = true;
    writeSync(Deno.stderr, `\r${progressLine(p)}\x1b[K`);
  };
  const stop = stopSignal();
  try {
    const result = await runStudy(url, {
      reps: run.reps,
      seed: o.seed,
      workers: o.workers,
      outDir: o.out,
      shard: run.shard,
      fresh: o.fresh ?? false,
      allowVersionChange: o.allowVersionChange ?? false,
      timeout: o.timeout,
      memoryLimit: o.memoryLimit,
      target: run.target,
      signal: stop.signal,
      onStart: (s) => {
        writeSync(Deno.stderr, startLines(s));
        if (bar && s.total > 0) draw({ total: s.total, done: 0, failed: 0, elapsedMs: 0 });
      },
      onProgress: bar ? draw : undefined,
    });
    return { result, stoppedBy: stop.reason() };
  } catch (e) {
    throw e instanceof StoreRefusedError ? withFlags(e) : e;
  } finally {
    stop.dispose();
    if (drawn) writeSync(Deno.stderr, "\n");
  }
}

/** The command-line flags of the options that would let a refused run proceed. */
const REMEDY_FLAGS: Readonly<Record<StoreRefusedError["remedy"][number], string>> = {
  allowVersionChange: "--allow-version-change to extend it",
  fresh: "--fresh to discard it",
  outDir: "--out for another directory",
};

/** A refused store's situation with the flags to type. */
function withFlags(e: StoreRefusedError): Error {
  return new Error(`${e.situation}: use ${e.remedy.map((r) => REMEDY_FLAGS[r]).join(", or ")}`);
}

/**
 * The measures, study name, replicates, level and failures of a finished
 * run's store, and its paired comparisons when asked for (computed in a Web
 * Worker meanwhile; null otherwise). This connection is read-write and closes
 * after the worker's read-only one: the last connection to close removes
 * SQLite's -wal and -shm files, which a read-only one cannot.
 */
async function readResults(path: string, options: { fallback: string; comparisons: boolean }) {
  const store = openStore(path);
  try {
    const comparing = options.comparisons ? pairedComparisonsOfFile(path) : null;
    comparing?.catch(() => {}); // awaited below; not unhandled if the measures throw first
    const manifest = store.readManifest();
    const configured = (manifest?.config as { level?: unknown } | undefined)?.level;
    return {
      rows: performanceMeasures(store),
      study: manifest?.study ?? options.fallback,
      reps: manifest?.reps ?? 0,
      level: typeof configured === "number" ? configured : 0.95,
      failures: failureSummary(store),
      comparisons: comparing === null ? null : await comparing,
    };
  } finally {
    store.close();
  }
}

/**
 * A target search as recorded in the manifest: the coverage target alone as
 * a number (as vcsim has always recorded it), else the targets object.
 */
type RecordedTarget = number | McseTargets;

/** The targets of the options, or null when there are none. */
function optionTargets(o: Options): McseTargets | null {
  if (o.targetMcse === undefined && o.targetBiasMcse === undefined) return null;
  return {
    ...(o.targetMcse !== undefined ? { coverage: o.targetMcse } : {}),
    ...(o.targetBiasMcse !== undefined ? { bias: o.targetBiasMcse } : {}),
  };
}

/** How `targets` are recorded in the manifest; see {@linkcode RecordedTarget}. */
function recorded(targets: McseTargets): RecordedTarget {
  return targets.bias === undefined ? targets.coverage! : targets;
}

/** The target-MCSE rounds recorded in the store, when it was searching for this target. */
async function recordedRounds(url: string, o: Options, target: RecordedTarget): Promise<number[]> {
  const study = await loadStudy(url);
  const path = storePath(o.out ?? join("results", study.name), null);
  if (!existsSync(path)) return [];
  const store = openStore(path, { readOnly: true });
  try {
    const plan = (store.readManifest() as { target?: { target?: unknown; rounds?: unknown } })
      ?.target;
    const same = JSON.stringify(plan?.target) === JSON.stringify(target);
    return same && Array.isArray(plan?.rounds) ? plan.rounds.map(Number) : [];
  } finally {
    store.close();
  }
}

/** Runs the command on `args` and returns the exit status. */
export async function main(args: string[]): Promise<number> {
  const program = makeCommand();
  return await runCommand(program, args, async () => {
    const [name] = program.processedArgs;
    const o = program.opts();
    positive(o.reps, "--reps");
    positive(o.workers, "--workers");
    positive(o.timeout, "--timeout", "number");
    positive(o.memoryLimit, "--memory-limit");
    const url = resolveStudy(name);
    if (o.replay !== undefined) {
      const record = await replayReplicate(url, o.replay, {
        seed: o.seed,
        timeout: o.timeout,
        memoryLimit: o.memoryLimit,
      });
      writeSync(Deno.stdout, JSON.stringify(record, null, 2) + "\n");
      return 0;
    }
    const shard: Shard | null = o.shard !== undefined
      ? parseShard(o.shard)
      : shardFromEnvironment((k) => Deno.env.get(k));
    positive(o.targetMcse, "--target-mcse", "number");
    positive(o.targetBiasMcse, "--target-bias-mcse", "number");
    if (optionTargets(o) !== null && shard) {
      const name = o.targetMcse !== undefined ? "--target-mcse" : "--target-bias-mcse";
      throw new RangeError(`${name} needs the whole study: it cannot run a shard`);
    }
    return await runRounds(url, o, { name, shard });
  });
}

/** Runs the study (in target-MCSE rounds when asked) and prints its table. */
async function runRounds(url: string, o: Options, at: { name: string; shard: Shard | null }) {
  const started = performance.now();
  const targets = optionTargets(o);
  const target = targets === null ? undefined : recorded(targets);
  const rounds = target === undefined ? [] : await recordedRounds(url, o, target);
  // Resuming a search: rerun its last recorded round, whose replicates may be partly stored.
  let reps = rounds.length > 0 ? rounds[rounds.length - 1] : o.reps;
  for (let round = Math.max(rounds.length, 1);; round++) {
    if (target !== undefined && reps !== undefined) rounds[round - 1] = reps;
    const plan = target === undefined || reps === undefined
      ? undefined
      : { target, rounds: [...rounds] };
    const { result, stoppedBy } = await runOnce(url, o, { reps, shard: at.shard, target: plan });
    if (result.interrupted) {
      const stored = result.alreadyStored + result.done;
      writeSync(
        Deno.stderr,
        `interrupted${stoppedBy ? ` (${stoppedBy})` : ""}: ${stored} of ` +
          `${
            result.alreadyStored + result.total
          } replicates stored; rerun the same command to resume\n`,
      );
      return stoppedBy === "SIGTERM" ? 143 : INTERRUPTED;
    }
    const results = await withNotice(
      `computing the report of ${result.alreadyStored + result.done} replicates...`,
      () => readResults(result.storePath, { fallback: at.name, comparisons: targets === null }),
    );
    if (targets !== null) {
      rounds[round - 1] = results.reps;
      const t = targetRound(results.rows, { current: results.reps, targets });
      writeSync(Deno.stderr, roundLine(t, { round, reps: results.reps, targets }) + "\n");
      if (t.next !== null) {
        reps = t.next;
        continue;
      }
    }
    const { rows, study, level, failures } = results;
    const replay = (key: string) => `deno task study ${at.name} --replay '${key}'`;
    // Without estimates the table itself lists the failures: not twice.
    if (failures.length > 0 && (o.json || rows.length > 0)) {
      writeSync(Deno.stderr, failureLines(failures, replay));
    }
    const comparisons = results.comparisons ?? await pairedComparisonsOfFile(result.storePath);
    writeSync(
      Deno.stdout,
      o.json
        ? JSON.stringify(
          { study, storePath: result.storePath, run: result, rows, comparisons },
          null,
          2,
        ) + "\n"
        : terminalTable(rows, {
          nominal: level,
          color: Deno.stdout.isTerminal(),
          failures,
          replay,
        }) + comparisonTable(comparisons),
    );
    writeSync(Deno.stderr, closingLine(result, performance.now() - started));
    return 0;
  }
}

/**
 * Runs `work` with `text` shown on a terminal's stderr meanwhile (a large
 * store's report takes seconds after the bar is full), erased after.
 */
async function withNotice<T>(text: string, work: () => Promise<T>): Promise<T> {
  const shown = Deno.stderr.isTerminal();
  if (shown) writeSync(Deno.stderr, text);
  try {
    return await work();
  } finally {
    if (shown) writeSync(Deno.stderr, "\r\x1b[K");
  }
}

/** Where the results are and how to get the full report. */
function closingLine(result: RunResult, elapsedMs: number): string {
  const dir = dirname(result.storePath);
  const next = /\.shard-\d+-of-\d+\.sqlite$/.test(result.storePath)
    ? `when every shard is done: deno task merge ${dir}/results.shard-*.sqlite --out ${dir}/results.sqlite`
    : `CSV, JSON, Markdown and HTML report: deno task report ${dir}`;
  return `done in ${(elapsedMs / 1000).toFixed(1)} s: store ${result.storePath}; ${next}\n`;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
