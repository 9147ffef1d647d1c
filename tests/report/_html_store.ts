/**
 * A store of the two-factor fixture study and its HTML report, and the
 * HTML report of the tests store (hypothesis tests, power curves), each
 * built once per test process and shared by the HTML report tests; and a
 * hand-made store with boundary estimates and absurd intervals for the
 * charts' tests.
 *
 * @module
 */
import { join } from "node:path";
import { openStore, type ResultStore } from "../../lib/store/store.ts";
import type {
  FitRecord,
  IntervalRecord,
  ParameterRecord,
  ReplicateRecord,
} from "../../lib/store/records.ts";
import { runStudy, storePath } from "../../lib/study/runner.ts";
import { htmlReport } from "../../lib/report/html.ts";
import { performanceMeasures } from "../../lib/report/measures.ts";
import study from "../fixtures/studies/tiny_grid.ts";
import { testsStore } from "./_tests_store.ts";
import { tempDir } from "../_temp_dir.ts";

let built: Promise<{ dir: string; file: string; html: string }> | undefined;

/**
 * Runs `tests/fixtures/studies/tiny_grid.ts` (5 conditions, 3 methods, 2
 * interval methods) into a temporary directory, writes its HTML report
 * there, and returns the directory, the report's path and its text.
 */
export function htmlFixture(): Promise<{ dir: string; file: string; html: string }> {
  built ??= (async () => {
    const dir = await tempDir({ prefix: "vcsim-html-" });
    const url = new URL("../fixtures/studies/tiny_grid.ts", import.meta.url).href;
    await runStudy(url, { outDir: dir, workers: 1 });
    const store = openStore(storePath(dir, null));
    try {
      const html = await htmlReport(store, performanceMeasures(store), {
        ademp: study.ademp,
        generatedAt: new Date("2024-01-01T00:00:00Z"),
      });
      const file = join(dir, "report.html");
      await Deno.writeTextFile(file, html);
      return { dir, file, html };
    } finally {
      store.close();
    }
  })();
  return built;
}

let builtTests: Promise<{ dir: string; file: string; html: string }> | undefined;

/**
 * Writes the HTML report of the tests store (`_tests_store.ts`: six
 * conditions, two methods, three tests of group1) into a temporary
 * directory and returns the directory, the report's path and its text.
 */
export function htmlTestsFixture(): Promise<{ dir: string; file: string; html: string }> {
  builtTests ??= (async () => {
    const dir = await tempDir({ prefix: "vcsim-html-tests-" });
    const store = testsStore();
    try {
      const html = await htmlReport(store, performanceMeasures(store), {
        generatedAt: new Date("2024-01-01T00:00:00Z"),
      });
      const file = join(dir, "report.html");
      await Deno.writeTextFile(file, html);
      return { dir, file, html };
    } finally {
      store.close();
    }
  })();
  return builtTests;
}

/** The conditions of {@linkcode boundaryStore}: n x sd, group1's true variance sd^2. */
export const BOUNDARY_CONDITIONS = [5, 10].flatMap((n) =>
  [0.5, 1].map((sd) => ({ condition: `n=${n};sd=${sd}`, params: { n, sd } }))
);

/** Replicates per condition of {@linkcode boundaryStore}. */
export const BOUNDARY_REPS = 20;

/**
 * group1 of replicate `rep` in a condition of true value `truth`: REML is 0
 * in every fourth replicate (25% at the boundary), ANOVA negative there
 * (25% below 0); Wald intervals estimate +- 0.5 cut at 0; Satterthwaite
 * intervals undefined in every tenth replicate and reaching 1e9 in another
 * tenth (to be clipped).
 */
function boundaryGroup1(method: string, rep: number, truth: number): ParameterRecord {
  const boundary = rep % 4 === 0;
  const estimate = boundary ? (method === "REML" ? 0 : -0.1) : truth * (0.5 + rep / 20);
  const satterthwaite: IntervalRecord = rep % 10 === 0
    ? { interval: "satterthwaite", lower: null, upper: null, status: "undefined" }
    : rep % 10 === 1
    ? { interval: "satterthwaite", lower: 0.01, upper: 1e9, status: "ok" }
    : { interval: "satterthwaite", lower: estimate / 2, upper: 2 * estimate + 0.1, status: "ok" };
  return {
    parameter: "group1",
    truth,
    estimate,
    se: 0.25,
    intervals: [
      { interval: "wald", lower: Math.max(0, estimate - 0.5), upper: estimate + 0.5, status: "ok" },
      satterthwaite,
    ],
  };
}

/**
 * A store built by hand for the HTML report's charts: four conditions
 * ({@linkcode BOUNDARY_CONDITIONS}, so two factors vary and group1's truth
 * with them), REML and ANOVA, group1 with boundary and negative estimates,
 * undefined and absurdly wide intervals ({@linkcode boundaryGroup1}), and
 * Residual with Wald intervals.
 */
export function boundaryStore(): ResultStore {
  const store = openStore(":memory:");
  store.writeManifest({
    study: "boundary",
    config: {
      level: 0.95,
      factors: { n: [5, 10], sd: [0.5, 1] },
      formula: "y ~ 1 + (1|group1)",
      methods: ["REML", "ANOVA"],
      intervals: ["wald", "satterthwaite"],
    },
    configHash: "b",
    seed: 1,
    reps: BOUNDARY_REPS,
    shard: null,
    versions: {},
    createdAt: "2024-01-01T00:00:00.000Z",
    timings: {},
  });
  store.registerConditions(BOUNDARY_CONDITIONS);
  const records: ReplicateRecord[] = BOUNDARY_CONDITIONS.flatMap(({ condition, params }) =>
    Array.from({ length: BOUNDARY_REPS }, (_, rep) => ({
      condition,
      rep,
      status: "ok" as const,
      message: null,
      generateMs: 0,
      totalMs: 1,
      fits: ["REML", "ANOVA"].map((method): FitRecord => {
        const residual = 1 + 0.02 * (rep - 10);
        return {
          method,
          status: "ok",
          converged: true,
          singular: method === "REML" && rep % 4 === 0,
          evaluations: 1,
          fitMs: 0,
          message: null,
          parameters: [boundaryGroup1(method, rep, params.sd ** 2), {
            parameter: "Residual",
            truth: 1,
            estimate: residual,
            se: 0.1,
            intervals: [{
              interval: "wald",
              lower: residual - 0.2,
              upper: residual + 0.2,
              status: "ok",
            }],
          }],
        };
      }),
    }))
  );
  store.writeReplicates(records);
  return store;
}
