// A replicate's bootstrap stream is made only when drawn from, and draws what the stream derived
// from its key draws: the study's bootstrap intervals equal those computed here from
// deriveStream(seed, [condition, rep, "bootstrap", method]) directly.
import assert from "node:assert";
import { defineStudy } from "../../lib/study/study.ts";
import { runReplicate } from "../../lib/study/replicate.ts";
import { conditionKey } from "../../lib/study/design_grid.ts";
import { nested } from "../../lib/generate/nested.ts";
import { deriveStream } from "../../lib/rng/derive_stream.ts";
import { modelFrame } from "../../lib/model/model_frame.ts";
import { fitVarComp } from "../../lib/fit/fit.ts";
import { confidenceIntervals } from "../../lib/inference/intervals.ts";

const FORMULA = "y ~ 1 + (1|group1/group2)";
const study = defineStudy({
  name: "bootstrap-stream",
  factors: { n: [6] },
  generate: (c, stream) => nested(stream, { nGroup1: Number(c.n), nGroup2: 3, nRep: 2 }),
  truth: () => ({ group1: 1, "group1:group2": 1, Residual: 1, "(Intercept)": 0 }),
  formula: FORMULA,
  methods: ["reml", "ml"],
  intervals: ["wald", "bootstrap"],
  bootstrapReplicates: 19,
  reps: 2,
  seed: 77,
});

Deno.test("bootstrap intervals of a study replicate come from the stream of their key", async () => {
  const condition = { n: 6 };
  const key = conditionKey(condition);
  for (const rep of [0, 1]) {
    const record = await runReplicate(study, { condition, rep, seed: 77 });
    const data = nested(deriveStream(77, [key, rep]), { nGroup1: 6, nGroup2: 3, nRep: 2 });
    const frame = modelFrame(data, FORMULA);
    for (const [method, name] of [["reml", "REML"], ["ml", "ML"]] as const) {
      const fit = fitVarComp(frame, { method });
      const direct = confidenceIntervals(frame, fit, {
        methods: ["bootstrap"],
        bootstrap: { stream: deriveStream(77, [key, rep, "bootstrap", method]), replicates: 19 },
      });
      const stored = record.fits.find((f) => f.method === name)!;
      for (const p of stored.parameters) {
        const got = p.intervals.find((i) => i.interval === "bootstrap")!;
        const want = direct.intervals.find((i) =>
          i.parameter === p.parameter && i.method === "bootstrap"
        );
        assert.ok(want, `rep ${rep} ${name} ${p.parameter}: a direct bootstrap interval`);
        assert.deepEqual(
          [got.lower, got.upper],
          [want.lower, want.upper],
          `rep ${rep} ${name} ${p.parameter}`,
        );
      }
    }
  }
});
