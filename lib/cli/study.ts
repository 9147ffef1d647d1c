/**
 * `deno task study <name|path> [--reps N] [--seed S] [--workers W]
 * [--out DIR] [--shard i/n] [--fresh] [--json] [--target-mcse X]
 * [--replay <condition>:<rep>]`: runs a study's missing replicates into its
 * store (resuming whatever is stored), then prints the report's performance
 * table. `--target-mcse` keeps raising the replicates in rounds until every
 * coverage MCSE is at most X. Ctrl-C keeps what is stored. `--replay`
 * reruns one replicate in-process and prints its record.
 *
 * @module
 */

import { Argument } from "@commander-js/extra-typings";
import { integerArg, numberArg, runCommand, seedArg, vcsimCommand, writeSync } from "./_command.ts";
import { loadStudy, resolveStudy } from "../study/load_study.ts";
import { type RunProgress, type RunStart, runStudy } from "../study/runner.ts";
import { parseShard, type Shard, shardFromEnvironment } from "../study/shard.ts";
import { studyConditions } from "../study/study.ts";
import { conditionKey } from "../study/design_grid.ts";
import { runReplicate } from "../study/replicate.ts";
import { openStore } from "../store/store.ts";
import { performanceMeasures } from "../report/measures.ts";
import { terminalTable } from "../report/terminal_table.ts";
import type { MeasureRow } from "../report/measure_row.ts";
import { type TargetRound, targetRound } from "../report/target_mcse.ts";

/** Exit status of a run stopped by Ctrl-C, as shells report SIGINT. */
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
    .option("--json", "print JSON {study, storePath, run, rows} instead of the table")
    .option(
      "--target-mcse <x>",
      "raise the replicates in rounds until every coverage MCSE is at most x",
      numberArg,
    )
    .option(
      "--replay <condition:rep>",
      "run one replicate in-process, print its record, store nothing",
    );
}

/** Parses `<condition key>:<rep>`, splitting on the last colon (keys may hold colons). */
function parseReplay(text: string): { key: string; rep: number } {
  const at = text.lastIndexOf(":");
  const rep = at < 0 ? NaN : Number(text.slice(at + 1));
  if (at < 0 || !/^\d+$/.test(text.slice(at + 1)) || !Number.isSafeInteger(rep)) {
    throw new RangeError(`--replay "${text}" is not of the form <condition>:<rep>`);
  }
  return { key: text.slice(0, at), rep };
}

function positive(value: number | undefined, name: string): void {
  if (value !== undefined && value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}

/** One line: done/total, percent, rate, ETA. */
function progressLine(p: RunProgress): string {
  const pct = p.total > 0 ? (100 * p.done) / p.total : 100;
  const rate = p.elapsedMs > 0 ? p.done / (p.elapsedMs / 1000) : 0;
  const eta = rate > 0 ? (p.total - p.done) / rate : NaN;
  const bar = 24, filled = Math.round((bar * pct) / 100);
  const failed = p.failed > 0 ? `, ${p.failed} failed` : "";
  return `[${"#".repeat(filled)}${".".repeat(bar - filled)}] ${p.done}/${p.total} ` +
    `${pct.toFixed(1)}%  ${rate.toFixed(1)} rep/s  ETA ${clock(eta)}${failed}`;
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = String(m).padStart(2, "0"), ss = String(r).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function startLine(s: RunStart): string {
  const shard = s.shard ? `, shard ${s.shard.index}/${s.shard.count}` : "";
  return `study ${s.study}: ${s.conditions} conditions x ${s.reps} reps${shard}, ` +
    `${s.workers} worker${
      s.workers === 1 ? "" : "s"
    }, store ${s.storePath}, ${s.alreadyStored} already stored, ` +
    `${s.total} to run`;
}

/** Runs the command on `args` and returns the exit status. */
export async function main(args: string[]): Promise<number> {
  const program = makeCommand();
  return await runCommand(program, args, async () => {
    const [name] = program.processedArgs;
    const o = program.opts();
    positive(o.reps, "--reps");
    positive(o.workers, "--workers");
    const url = resolveStudy(name);

    if (o.replay !== undefined) {
      const { key, rep } = parseReplay(o.replay);
      const study = await loadStudy(url);
      const conditions = studyConditions(study);
      const condition = conditions.find((c) => conditionKey(c) === key);
      if (!condition) {
        throw new RangeError(
          `study "${study.name}" has no condition "${key}": its conditions are ${
            conditions.map(conditionKey).join(", ")
          }`,
        );
      }
      const record = runReplicate(study, condition, rep, o.seed ?? study.seed);
      writeSync(Deno.stdout, JSON.stringify(record, null, 2) + "\n");
      return 0;
    }

    const shard: Shard | null = o.shard !== undefined
      ? parseShard(o.shard)
      : shardFromEnvironment((k) => Deno.env.get(k));
    const target = o.targetMcse;
    if (target !== undefined) {
      if (!(target > 0)) {
        throw new RangeError(`--target-mcse must be a positive number, got ${target}`);
      }
      if (shard) throw new RangeError("--target-mcse needs the whole study: it cannot run a shard");
    }
    // The bar only for a person watching: logs of batch jobs and tests stay clean.
    const bar = Deno.stderr.isTerminal();
    const run = async (reps: number | undefined) => {
      let drawn = false;
      const draw = (p: RunProgress) => {
        drawn = true;
        writeSync(Deno.stderr, `\r${progressLine(p)}\x1b[K`);
      };
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      Deno.addSignalListener("SIGINT", onSigint);
      try {
        return await runStudy(url, {
          reps,
          seed: o.seed,
          workers: o.workers,
          outDir: o.out,
          shard,
          fresh: o.fresh ?? false,
          signal: controller.signal,
          onStart: (s) => {
            writeSync(Deno.stderr, startLine(s) + "\n");
            if (bar && s.total > 0) draw({ total: s.total, done: 0, failed: 0, elapsedMs: 0 });
          },
          onProgress: bar ? draw : undefined,
        });
      } finally {
        Deno.removeSignalListener("SIGINT", onSigint);
        if (drawn) writeSync(Deno.stderr, "\n");
      }
    };

    let reps = o.reps;
    for (let round = 1;; round++) {
      const result = await run(reps);
      if (result.interrupted) {
        const stored = result.alreadyStored + result.done;
        writeSync(
          Deno.stderr,
          `interrupted: ${stored} of ${result.alreadyStored + result.total} replicates stored; ` +
            "rerun the same command to resume\n",
        );
        return INTERRUPTED;
      }
      if (result.failed > 0) {
        writeSync(
          Deno.stderr,
          `${result.failed} replicates failed (stored with their messages; see --replay)\n`,
        );
      }
      const store = openStore(result.storePath);
      let rows: MeasureRow[], study: string, stored: number, level: number;
      try {
        rows = performanceMeasures(store);
        const manifest = store.readManifest();
        study = manifest?.study ?? name;
        stored = manifest?.reps ?? reps ?? 0;
        const configured = (manifest?.config as { level?: unknown } | undefined)?.level;
        level = typeof configured === "number" ? configured : 0.95;
      } finally {
        store.close();
      }
      if (target !== undefined) {
        const t = targetRound(rows, stored, target);
        writeSync(Deno.stderr, roundLine(round, stored, target, t) + "\n");
        if (t.next !== null) {
          reps = t.next;
          continue;
        }
      }
      if (o.json) {
        writeSync(
          Deno.stdout,
          JSON.stringify({ study, storePath: result.storePath, run: result, rows }, null, 2) +
            "\n",
        );
      } else {
        writeSync(
          Deno.stdout,
          terminalTable(rows, { nominal: level, color: Deno.stdout.isTerminal() }),
        );
      }
      return 0;
    }
  });
}

/** One line per --target-mcse round: replicates, the largest coverage MCSE, what comes next. */
function roundLine(round: number, reps: number, target: number, t: TargetRound): string {
  const head = `target MCSE ${target}: round ${round}, ${reps} reps`;
  if (t.worst === null) return `${head}, no coverage with an MCSE: stopping`;
  const worst = `max coverage MCSE ${Number(t.maxMcse!.toPrecision(3))} (${t.worst.condition} ` +
    `${t.worst.method} ${t.worst.parameter} ${t.worst.interval})`;
  if (t.stop === "met") return `${head}, ${worst}: target met`;
  if (t.stop === "cap") return `${head}, ${worst}: replicate cap reached, stopping`;
  return `${head}, ${worst} -> ${t.next} reps`;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
