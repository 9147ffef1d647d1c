/**
 * `deno task plan <study> --vary FACTOR --values LO:HI --target
 * "MEASURE>=X" [--at F=V ...] [--method M] [--parameter P] [--test T]
 * [--interval I] [--initial-reps N] [--max-reps N] [--confirm-reps N]
 * [--seed S] [--workers W] [--out DIR]`: finds the smallest value of one
 * design factor whose performance meets the target (see
 * lib/study/design_search.ts), with its Monte Carlo SE. Every value it
 * looks at is a study run of one condition with its own store under
 * `--out` (default `results/<study>-plan-<factor>`), resumable and
 * reportable like any study; `plan.json` there records the search.
 *
 * @module
 */

import { join } from "node:path";
import { Argument } from "../_deps/commander.ts";
import { integerArg, numberArg, runCommand, seedArg, vcsimCommand, writeSync } from "./_command.ts";
import { writeTextFileWhole } from "../_whole_file.ts";
import { loadStudy, resolveStudy } from "../study/load_study.ts";
import { existsSync } from "node:fs";
import { runStudy, storePath } from "../study/runner.ts";
import { searchDesign, type SearchEstimate, type SearchStep } from "../study/design_search.ts";
import type { StudyDefinition } from "../study/study.ts";
import { openStore, type ResultStore } from "../store/store.ts";
import { performanceMeasures } from "../report/measures.ts";
import { chooseRow, fixedFactors, parseTarget, parseValues, type RowChoice } from "./_plan_spec.ts";

function makeCommand() {
  return vcsimCommand("plan")
    .description(
      "Find the smallest value of a design factor (e.g. number of groups) whose performance\n" +
        "meets a target, e.g. power of a test at least 0.8, with its Monte Carlo SE.",
    )
    .addArgument(new Argument("<study>", "built-in study name or path to a study module"))
    .requiredOption("--vary <factor>", "the design factor to search over")
    .requiredOption("--values <lo:hi[:step]|list>", "candidate values, e.g. 5:60 or 5,10,20,40")
    .requiredOption(
      "--target <measure>=<x>",
      'e.g. "rejection>=0.8", "mean_width<=0.5", "coverage>=0.94", "rmse<=0.1"',
    )
    .option("--at <factor=value...>", "fixed values of the other factors", collect, [])
    .option("--method <name>", "estimation method of the target row, e.g. REML")
    .option("--parameter <name>", "parameter of the target row, e.g. group1")
    .option("--test <name>", "test of a rejection target, e.g. f")
    .option("--interval <name>", "interval method of a coverage or width target, e.g. wald")
    .option("--initial-reps <n>", "replicates of a first look at a value (default 100)", integerArg)
    .option("--max-reps <n>", "most replicates to decide one value (default 1600)", integerArg)
    .option("--confirm-reps <n>", "replicates of the final run (default 4 x max-reps)", integerArg)
    .option("--z <z>", "decision band: estimate +- z MCSE (default 2.5)", numberArg)
    .option("--seed <seed>", "study seed (default: the study's)", seedArg)
    .option("--workers <n>", "parallel workers (default: one per core)", integerArg)
    .option("--out <dir>", "output directory (default: results/<study>-plan-<factor>)");
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

type Options = ReturnType<ReturnType<typeof makeCommand>["opts"]>;

/** The plan of one command: what to run and how to read each run. */
interface Plan {
  readonly url: string;
  readonly study: StudyDefinition;
  readonly vary: string;
  readonly fixed: Record<string, (string | number | boolean)[]>;
  readonly choice: RowChoice;
  readonly outDir: string;
  readonly o: Options;
}

/** Replicates per condition a store at `path` holds in full; 0 when there is none. */
function heldReps(path: string): number {
  if (!existsSync(path)) return 0;
  const store = openStore(path, { readOnly: true });
  try {
    return store.readManifest()?.reps ?? 0;
  } finally {
    store.close();
  }
}

/**
 * The replicates 0 .. reps-1 of `store` in a store in memory, so a value is
 * judged on exactly the replicates asked for, whatever a previous search
 * stored beyond them (a rerun takes the same steps).
 */
function firstReplicates(store: ResultStore, reps: number): ResultStore {
  const copy = openStore(":memory:");
  copy.writeManifest(store.readManifest()!);
  const conditions = store.conditions();
  copy.registerConditions(conditions.map((c) => ({ condition: c.condition, params: c.params })));
  const batch = [];
  for (const record of store.iterateReplicates()) if (record.rep < reps) batch.push(record);
  copy.writeReplicates(batch);
  return copy;
}

/** Runs the study at one value with `reps` replicates and reads the target's estimate. */
async function evaluate(plan: Plan, value: number, reps: number): Promise<SearchEstimate> {
  const outDir = join(plan.outDir, `${plan.vary}=${value}`);
  const result = await runStudy(plan.url, {
    factors: { ...plan.fixed, [plan.vary]: [value] },
    reps: Math.max(reps, heldReps(storePath(outDir, null))),
    seed: plan.o.seed,
    workers: plan.o.workers,
    outDir,
  });
  const stored = openStore(result.storePath, { readOnly: true });
  const store = result.reps > reps ? firstReplicates(stored, reps) : stored;
  try {
    const row = chooseRow(performanceMeasures(store), plan.choice);
    if (row.value === null) {
      throw new RangeError(`${plan.choice.measure} is undefined at ${plan.vary}=${value}`);
    }
    return { estimate: row.value, mcse: row.mcse ?? 0, reps: Math.min(reps, result.reps) };
  } finally {
    if (store !== stored) store.close();
    stored.close();
  }
}

function stepLine(plan: Plan, s: SearchStep): string {
  const e = s.estimate;
  const verdict = s.verdict === "more"
    ? "too close to tell: more replicates"
    : `${s.verdict}${s.basis === "estimate" ? " (by its estimate at the most replicates)" : ""}`;
  return `${plan.vary}=${s.value}: ${plan.choice.measure} ${e.estimate.toFixed(4)} ` +
    `(MCSE ${e.mcse.toFixed(4)}, ${e.reps} reps) -> ${verdict}\n`;
}

/** Runs the command on `args` and returns the exit status. */
export async function main(args: string[]): Promise<number> {
  const program = makeCommand();
  return await runCommand(program, args, async () => {
    const [name] = program.processedArgs;
    const o = program.opts();
    const target = parseTarget(o.target);
    const values = parseValues(o.values);
    const url = resolveStudy(name);
    const study = await loadStudy(url);
    const plan: Plan = {
      url,
      study,
      vary: o.vary,
      fixed: fixedFactors(study, { vary: o.vary, at: o.at }),
      choice: {
        measure: target.measure,
        method: o.method,
        parameter: o.parameter,
        test: o.test,
        interval: o.interval,
      },
      outDir: o.out ?? join("results", `${study.name}-plan-${o.vary}`),
      o,
    };
    const started = performance.now();
    const result = await searchDesign({
      values,
      target,
      evaluate: (value, reps) => evaluate(plan, value, reps),
      initialReps: o.initialReps,
      maxReps: o.maxReps,
      confirmReps: o.confirmReps,
      z: o.z,
      onStep: (s) => writeSync(Deno.stderr, stepLine(plan, s)),
    });
    const seconds = (performance.now() - started) / 1000;
    writeTextFileWhole(
      join(plan.outDir, "plan.json"),
      JSON.stringify(
        {
          study: study.name,
          vary: plan.vary,
          fixed: plan.fixed,
          target,
          values,
          ...result,
          seconds,
        },
        null,
        2,
      ) + "\n",
    );
    writeSync(Deno.stdout, summary(plan, { result, target: o.target, seconds }));
    return result.value === null ? 1 : 0;
  });
}

function summary(
  plan: Plan,
  x: { result: Awaited<ReturnType<typeof searchDesign>>; target: string; seconds: number },
): string {
  const { result } = x;
  const c = result.confirmation;
  const at = Object.entries(plan.fixed).map(([k, v]) => `${k}=${v[0]}`).join(", ");
  const where = at === "" ? "" : ` (${at})`;
  const estimate = `${plan.choice.measure} ${c.estimate.toFixed(4)} (MCSE ${
    c.mcse.toFixed(4)
  }, ${c.reps} reps)`;
  const done = `in ${x.seconds.toFixed(1)} s; stores and plan.json in ${plan.outDir}`;
  if (result.value === null) {
    return `no value of ${plan.vary} up to the largest meets ${x.target}${where}: ` +
      `${estimate} at the largest; ${done}\n`;
  }
  const caveat = result.confirmed
    ? ""
    : "; the confirmation run's estimate misses the target: the answer is within the Monte Carlo error of the boundary";
  return `smallest ${plan.vary} meeting ${x.target}${where}: ${result.value}, ` +
    `confirmed with ${estimate}${caveat}; ${done}\n`;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
