/**
 * Report speed and memory: performanceMeasures and pairedComparisons over a
 * store of 20,000 replicates (4 conditions x 5000; 3 fits x 3 parameters x
 * 3 intervals each; synthetic records, no fitting), and generating the long
 * replicate CSV. Prints the RSS before and after one measures pass.
 *
 * @module
 */

import { join } from "node:path";
import { openStore } from "../lib/store/mod.ts";
import { syntheticReplicate, type SyntheticShape } from "./_synthetic_records.ts";
import { performanceMeasures } from "../lib/report/measures.ts";
import { pairedComparisons } from "../lib/report/paired_comparisons.ts";
import { longCsv } from "../lib/report/export_csv.ts";

const CONDITIONS = ["groups=5", "groups=10", "groups=30", "groups=100"];
const REPS = 5000;
const SHAPE: SyntheticShape = {
  methods: ["REML", "ML", "ANOVA"],
  parameters: ["group1", "Residual", "(Intercept)"],
  intervals: ["wald", "profile", "exact"],
  // exact applies to the residual only, as in a real study.
  interval: (estimate, interval, parameter) =>
    interval === "exact" && parameter !== "Residual"
      ? { interval, lower: null, upper: null, status: "not-applicable" }
      : {
        interval,
        lower: estimate - 1 - (interval === "profile" ? 0.1 : 0),
        upper: estimate + 1,
        status: "ok",
      },
};

const dir = await Deno.makeTempDir({ prefix: "vcsim-report-bench-" });
const store = openStore(join(dir, "results.sqlite"));
store.registerConditions(CONDITIONS.map((condition) => ({ condition, params: {} })));
for (const condition of CONDITIONS) {
  for (let start = 0; start < REPS; start += 1000) {
    store.writeReplicates(
      Array.from({ length: 1000 }, (_, k) => syntheticReplicate(condition, start + k, SHAPE)),
    );
  }
}

const before = Deno.memoryUsage().rss;
const t0 = performance.now();
const rows = performanceMeasures(store);
const ms = performance.now() - t0;
const after = Deno.memoryUsage().rss;
const mb = (x: number) => (x / 2 ** 20).toFixed(1);
console.log(
  `performanceMeasures: ${store.replicateCount()} replicates, ${rows.length} rows in ` +
    `${ms.toFixed(0)} ms; RSS ${mb(before)} MB before, ${mb(after)} MB after`,
);

Deno.bench("performanceMeasures: 20,000 replicates x 3 fits x 3 parameters", () => {
  performanceMeasures(store);
});

Deno.bench("pairedComparisons: 20,000 replicates x 3 fits x 3 parameters", () => {
  pairedComparisons(store);
});

Deno.bench("longCsv: 180,000 lines generated", () => {
  let n = 0;
  for (const _ of longCsv(store)) n++;
  if (n !== 180001) throw new Error(`${n} lines`);
});

globalThis.addEventListener("unload", () => {
  store.close();
  Deno.removeSync(dir, { recursive: true });
});
