/**
 * Write throughput of the results store: 1000 replicates (3 fits × 4
 * parameters × 4 intervals each) in one transaction.
 *
 * @module
 */

import { join } from "node:path";
import { openStore, type ReplicateRecord } from "../lib/store/mod.ts";

const METHODS = ["REML", "ML", "ANOVA"];
const PARAMETERS = ["group1", "group2", "Residual", "(Intercept)"];
const INTERVALS = ["wald", "profile", "satterthwaite", "boot"] as const;

function replicate(rep: number): ReplicateRecord {
  return {
    condition: `n_group1=${rep % 10};group1_sd=2`,
    rep,
    status: "ok",
    message: null,
    generateMs: 0.25,
    totalMs: 4.5,
    fits: METHODS.map((method, m) => ({
      method,
      status: "ok",
      converged: true,
      singular: false,
      evaluations: 20 + m,
      fitMs: 1.5,
      message: null,
      parameters: PARAMETERS.map((parameter, p) => ({
        parameter,
        truth: p + 1,
        estimate: p + 1 + Math.sin(rep + m + p),
        se: 0.1 * (p + 1),
        intervals: INTERVALS.map((interval, i) => ({
          interval,
          lower: i === 3 ? null : p + 0.5,
          upper: i === 3 ? null : p + 1.5,
          status: i === 3 ? "failed" : "ok",
        })),
      })),
    })),
  };
}

const RECORDS = Array.from({ length: 1000 }, (_, rep) => replicate(rep));
const dir = await Deno.makeTempDir({ prefix: "vcsim-store-bench-" });
let run = 0;

Deno.bench("writeReplicates: 1000 replicates × 3 fits × 4 parameters × 4 intervals", (b) => {
  const store = openStore(join(dir, `bench-${run++}.sqlite`));
  b.start();
  store.writeReplicates(RECORDS);
  b.end();
  store.close();
});

globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
