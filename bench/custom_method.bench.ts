// The per-replicate cost of a study method that does nothing: runReplicate of
// the tiny nested study (4 x 3 x 3 rows, REML with Wald intervals) with and
// without a no-op MethodPlugin. What remains is vcsim's own work for any
// method: GLS at its variances, Wald intervals, the fit record.
// Async benchmarks must be async functions: Deno awaits only those.
// Run: deno task bench (or deno bench --allow-read bench/custom_method.bench.ts)
import { defineStudy } from "../lib/study/study.ts";
import { runReplicate } from "../lib/study/replicate.ts";
import type { MethodPlugin } from "../lib/fit/method_plugin.ts";
import { nested } from "../lib/generate/nested.ts";

/** Returns fixed variances: no estimation at all. */
const noop: MethodPlugin = {
  name: "no-op",
  fit: () => ({ variances: { group1: 1, "group1:group2": 1, Residual: 1 } }),
};

const base = {
  name: "bench-tiny",
  factors: { n_group1: [4] },
  generate: (_c: unknown, stream: Parameters<typeof nested>[0]) =>
    nested(stream, { nGroup1: 4, nGroup2: 3, nRep: 3, group1Sd: 2, group2Sd: 1, unexplainedSd: 1 }),
  truth: () => ({ group1: 4, "group1:group2": 1, Residual: 1, "(Intercept)": 0 }),
  formula: "y ~ 1 + (1|group1/group2)",
  intervals: ["wald" as const],
  reps: 1,
  seed: 1,
};
const plain = defineStudy({ ...base, methods: ["reml"] });
const withNoop = defineStudy({ ...base, methods: ["reml", noop] });
const noopNoIntervals = defineStudy({ ...base, methods: ["reml", noop], intervals: [] });
const plainNoIntervals = defineStudy({ ...base, methods: ["reml"], intervals: [] });

/** Replicates per benchmark iteration: time/iter divided by this is the time per replicate. */
const BATCH = 100;
let sink = 0;
const run = async (study: typeof plain) => {
  for (let rep = 0; rep < BATCH; rep++) {
    const record = await runReplicate(study, { condition: { n_group1: 4 }, rep, seed: 1 });
    sink += record.fits.length;
  }
};
// Warm the JIT on every path first.
for (let i = 0; i < 5; i++) {
  for (const s of [plain, withNoop, plainNoIntervals, noopNoIntervals]) await run(s);
}

Deno.bench(
  `${BATCH} tiny replicates, REML + Wald`,
  { group: "wald", baseline: true },
  async () => await run(plain),
);
Deno.bench(
  `${BATCH} tiny replicates, REML + no-op method + Wald`,
  { group: "wald" },
  async () => await run(withNoop),
);
Deno.bench(
  `${BATCH} tiny replicates, REML, no intervals`,
  { group: "none", baseline: true },
  async () => await run(plainNoIntervals),
);
Deno.bench(
  `${BATCH} tiny replicates, REML + no-op method, no intervals`,
  { group: "none" },
  async () => await run(noopNoIntervals),
);

globalThis.addEventListener("unload", () => {
  if (sink < 0) console.log(sink);
});
