/**
 * Write throughput of the results store: 1000 replicates (3 fits × 4
 * parameters × 4 intervals each) in one transaction.
 *
 * @module
 */

import { join } from "node:path";
import { openStore } from "../lib/store/mod.ts";
import { syntheticReplicate, type SyntheticShape } from "./_synthetic_records.ts";

const SHAPE: SyntheticShape = {
  methods: ["REML", "ML", "ANOVA"],
  parameters: ["group1", "group2", "Residual", "(Intercept)"],
  intervals: ["wald", "profile", "satterthwaite", "boot"],
  // One interval method fails throughout: null limits are part of the load.
  interval: (estimate, interval) =>
    interval === "boot"
      ? { interval, lower: null, upper: null, status: "failed" }
      : { interval, lower: estimate - 1, upper: estimate + 1, status: "ok" },
};

const RECORDS = Array.from(
  { length: 1000 },
  (_, rep) => syntheticReplicate(`n_group1=${rep % 10};group1_sd=2`, rep, SHAPE),
);
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
