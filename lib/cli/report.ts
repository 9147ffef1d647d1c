/**
 * `deno task report <store.sqlite | results dir> [--out DIR]
 * [--format table,csv,json,md,html] [--target-mcse X] [--target-bias-mcse R]
 * [--reference METHOD] [--exclude-nonconverged]`: the performance measures
 * of a study's store and, with two or more methods, their paired
 * comparisons with the reference method, printed as a table and written as
 * measures.csv, comparisons.csv, replicates.csv (long), report.json,
 * report.md and report.html; `--target-mcse` adds the replicates each coverage needs
 * for an MCSE of X (a proportion), `--target-bias-mcse` those each bias
 * needs for an MCSE of R x |truth| (R x the empirical SE where the truth
 * is 0).
 *
 * @module
 */

import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { Argument } from "../_deps/commander.ts";
import { numberArg, runCommand, vcsimCommand, writeSync } from "./_command.ts";
import { writeTextFileWhole } from "../_whole_file.ts";
import { openStore, type ResultStore } from "../store/store.ts";
import { describeWriter, storeWriter } from "../store/store_lock.ts";
import {
  type MissingReplicate,
  missingReplicates,
  plannedReps,
} from "../store/missing_replicates.ts";
import { performanceMeasures } from "../report/measures.ts";
import { terminalTable } from "../report/terminal_table.ts";
import { comparisonsCsv, longCsv, measuresCsv, writeLines } from "../report/export_csv.ts";
import type { ComparisonRow } from "../report/paired_comparisons.ts";
import { pairedComparisonsOfFile } from "../report/paired_comparisons_of_file.ts";
import { comparisonTable } from "../report/comparison_table.ts";
import { reportJson } from "../report/export_json.ts";
import { markdownReport } from "../report/export_markdown.ts";
import { htmlReport } from "../report/html.ts";
import { failureSummary } from "../report/failure_summary.ts";
import { formatReplicatesNeeded, type McseTargets, replicatesNeeded } from "../report/planning.ts";
import type { MeasureRow, NonconvergedRule } from "../report/measure_row.ts";

/** Output formats, in the order they are produced. */
const FORMATS = ["table", "csv", "json", "md", "html"] as const;
type Format = typeof FORMATS[number];

function makeCommand() {
  return vcsimCommand("report")
    .description(
      "Report a study's performance measures with Monte Carlo SEs: print a table and write\n" +
        "measures.csv, replicates.csv, report.json, report.md and report.html.",
    )
    .addArgument(new Argument("<store>", "a results store (.sqlite) or a results directory"))
    .option("--out <dir>", "directory for the files (default: the store's directory)")
    .option("--format <list>", `comma-separated formats of ${FORMATS.join(",")}`, FORMATS.join(","))
    .option(
      "--target-mcse <x>",
      "print the replicates needed for a coverage MCSE of x\n(a proportion: 0.01 is 1 percentage point)",
      numberArg,
    )
    .option(
      "--target-bias-mcse <r>",
      "print the replicates needed for a bias MCSE of r x |truth|\n" +
        "(r x the empirical SE where the truth is 0)",
      numberArg,
    )
    .option("--exclude-nonconverged", "leave non-converged fits out of the measures")
    .option(
      "--reference <method>",
      "method the others are compared with, on the same replicates (default: the study's first)",
    );
}

/** The store file a path names: the file itself, or a directory's results.sqlite. */
export function resolveStorePath(path: string): string {
  if (!existsSync(path)) throw new Error(`no such store or directory: ${path}`);
  if (!statSync(path).isDirectory()) return path;
  const file = join(path, "results.sqlite");
  if (existsSync(file)) return file;
  const shards = [...Deno.readDirSync(path)].filter((e) =>
    /^results\.shard-.*\.sqlite$/.test(e.name)
  );
  throw new Error(
    `${path} has no results.sqlite` +
      (shards.length > 0
        ? `, only ${shards.length} shard stores: merge them with deno task merge`
        : ""),
  );
}

/** Parses `--format`: known names, no duplicates, kept in {@linkcode FORMATS} order. */
function parseFormats(text: string): Set<Format> {
  const list = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (list.length === 0) throw new RangeError("--format needs at least one format");
  for (const f of list) {
    if (!(FORMATS as readonly string[]).includes(f)) {
      throw new RangeError(`unknown format "${f}": expected some of ${FORMATS.join(", ")}`);
    }
  }
  return new Set(FORMATS.filter((f) => list.includes(f)));
}

/** The nominal coverage recorded in the manifest's config, else 0.95. */
function nominalLevel(store: ResultStore): number {
  const level = (store.readManifest()?.config as { level?: unknown } | undefined)?.level;
  return typeof level === "number" && level > 0 && level < 1 ? level : 0.95;
}

/** The warnings the study gave when it was run (e.g. parameters without a truth). */
export function manifestWarnings(store: ResultStore): string[] {
  const warnings = (store.readManifest() as { warnings?: unknown } | null)?.warnings;
  return Array.isArray(warnings) ? warnings.map(String) : [];
}

/** The warning about replicates the store lacks, or null when none is missing. */
function missingWarning(store: ResultStore, missing: readonly MissingReplicate[]): string | null {
  if (missing.length === 0) return null;
  const manifest = store.readManifest();
  const reps = plannedReps(manifest);
  const count = missing.length === 1 ? "1 replicate is" : `${missing.length} replicates are`;
  const of = manifest?.shard ? `shard ${manifest.shard}'s share of ${reps}` : `of ${reps}`;
  return `warning: ${count} missing (${of} per condition); measures use the ` +
    `${store.replicateCount()} stored`;
}

/** The run holding the store's lock as the report starts, or null (also for an unreadable lock file). */
function liveWriter(file: string): ReturnType<typeof storeWriter> {
  try {
    return storeWriter(file);
  } catch {
    return null; // an unreadable lock file: the report goes on without the probe
  }
}

/**
 * The store to report from: the file itself, or, while a run writes it, a
 * copy of it as it stood when the report began (in a temporary folder that
 * `close` removes), so that every table and file of the report counts the
 * same replicates. Without room for the copy, the file itself.
 */
async function reportSource(file: string, writer: ReturnType<typeof storeWriter>) {
  let dir: string | null = null;
  if (writer) {
    try {
      dir = Deno.makeTempDirSync({ prefix: "vcsim-report-" });
      const live = openStore(file, { readOnly: true });
      try {
        await live.snapshotTo(join(dir, "results.sqlite"));
      } finally {
        live.close();
      }
    } catch {
      if (dir) Deno.removeSync(dir, { recursive: true });
      dir = null;
    }
  }
  const path = dir ? join(dir, "results.sqlite") : file;
  let store: ResultStore;
  try {
    store = openStore(path, { readOnly: true });
  } catch (error) {
    if (dir) Deno.removeSync(dir, { recursive: true });
    throw error;
  }
  return {
    store,
    path,
    snapshot: dir !== null,
    close() {
      store.close();
      if (dir) Deno.removeSync(dir, { recursive: true });
    },
  };
}

/** The warning that a run is writing the store as it is read. */
function runningWarning(writer: NonNullable<ReturnType<typeof storeWriter>>, source: {
  store: ResultStore;
  snapshot: boolean;
}): string {
  const who = describeWriter(writer), stored = source.store.replicateCount();
  const when = source.snapshot ? "stored when it began" : "stored so far";
  return `warning: a run is still writing this store (${who}); this report covers the ${stored} ` +
    `replicates ${when}`;
}

async function writeFiles(
  store: ResultStore,
  rows: MeasureRow[],
  options: {
    formats: Set<Format>;
    outDir: string;
    missing: readonly MissingReplicate[];
    nonconverged: NonconvergedRule;
    comparisons: readonly ComparisonRow[];
  },
): Promise<string[]> {
  const { formats, outDir, nonconverged, comparisons, missing } = options;
  Deno.mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, text: string) => {
    const path = join(outDir, name);
    writeTextFileWhole(path, text);
    written.push(path);
  };
  if (formats.has("csv")) {
    write("measures.csv", measuresCsv(store, rows));
    if (comparisons.length > 0) write("comparisons.csv", comparisonsCsv(store, comparisons));
    const path = join(outDir, "replicates.csv");
    writeLines(path, longCsv(store));
    written.push(path);
  }
  if (formats.has("json")) {
    write("report.json", reportJson(store, rows, { missing, comparisons }));
  }
  if (formats.has("md")) {
    write("report.md", markdownReport(store, rows, { nonconverged, comparisons, missing }));
  }
  if (formats.has("html")) {
    const ademp = store.readManifest()?.ademp;
    write(
      "report.html",
      await htmlReport(store, rows, { ademp, nonconverged, comparisons, missing }),
    );
  }
  return written;
}

/** The `--target-mcse` and `--target-bias-mcse` targets, checked; null without either. */
function mcseTargets(o: { targetMcse?: number; targetBiasMcse?: number }): McseTargets | null {
  for (
    const [value, name] of [[o.targetMcse, "--target-mcse"], [
      o.targetBiasMcse,
      "--target-bias-mcse",
    ]] as const
  ) {
    if (value !== undefined && !(value > 0)) {
      throw new RangeError(`${name} must be a positive number, got ${value}`);
    }
  }
  if (o.targetMcse === undefined && o.targetBiasMcse === undefined) return null;
  return {
    ...(o.targetMcse !== undefined ? { coverage: o.targetMcse } : {}),
    ...(o.targetBiasMcse !== undefined ? { bias: o.targetBiasMcse } : {}),
  };
}

/**
 * The command replaying a replicate of the store's study: by name for a
 * built-in study, else with a placeholder for the study file (the
 * manifest records no path).
 */
function replayCommand(store: ResultStore): (key: string) => string {
  const name = store.readManifest()?.study ?? "";
  const builtIn = /^[\w-]+$/.test(name) &&
    existsSync(new URL(`../../studies/${name.replaceAll("-", "_")}.ts`, import.meta.url));
  const study = builtIn ? name : "<study file>";
  return (key) => `deno task study ${study} --replay '${key}'`;
}

/** Runs the command on `args` and returns the exit status. */
export async function main(args: string[]): Promise<number> {
  const program = makeCommand();
  return await runCommand(program, args, async () => {
    const [path] = program.processedArgs;
    const o = program.opts();
    const formats = parseFormats(o.format);
    const targets = mcseTargets(o);
    const file = resolveStorePath(path);
    // Read-only: a report never writes to its store, and may run while a study writes it.
    const writer = liveWriter(file);
    const source = await reportSource(file, writer);
    const store = source.store;
    try {
      const missing = missingReplicates(store);
      const warning = missingWarning(store, missing);
      if (warning) writeSync(Deno.stderr, warning + "\n");
      if (writer) writeSync(Deno.stderr, runningWarning(writer, source) + "\n");
      for (const w of manifestWarnings(store)) writeSync(Deno.stderr, `warning: ${w}\n`);
      const nonconverged: NonconvergedRule = o.excludeNonconverged ? "exclude" : "use";
      // The comparisons in a Web Worker while this thread computes the measures.
      const comparing = pairedComparisonsOfFile(source.path, {
        nonconverged,
        reference: o.reference,
      });
      comparing.catch(() => {}); // awaited below; not unhandled if the measures throw first
      const rows = performanceMeasures(store, { nonconverged });
      const comparisons = await comparing;
      if (formats.has("table")) {
        writeSync(
          Deno.stdout,
          terminalTable(rows, {
            nominal: nominalLevel(store),
            color: Deno.stdout.isTerminal(),
            failures: rows.length === 0 ? failureSummary(store) : [],
            replay: replayCommand(store),
          }) + comparisonTable(comparisons),
        );
      }
      if (targets !== null) {
        writeSync(Deno.stdout, formatReplicatesNeeded(replicatesNeeded(rows, targets)));
      }
      const written = await writeFiles(store, rows, {
        formats,
        outDir: o.out ?? dirname(file),
        missing,
        nonconverged,
        comparisons,
      });
      for (const w of written) writeSync(Deno.stderr, `wrote ${w}\n`);
    } finally {
      source.close();
    }
    return 0;
  });
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
