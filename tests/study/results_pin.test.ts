// Reproducibility across versions: the results of two small studies, one
// nested and one crossed, are pinned. Any change to streams, generators,
// fitters or intervals that alters a stored number fails this test. A
// deliberate change updates the pins and the version in deno.json together,
// and the README's list of versions that give identical results.
import assert from "node:assert";
import { createHash } from "node:crypto";
import { runStudy } from "../../lib/study/runner.ts";
import { canonicalReplicate, openStore } from "../../lib/store/mod.ts";
import { storeIn, studyUrl, tempDir } from "./_tiny.ts";

/**
 * SHA-256 of the canonical records (no timings, no manifest) of each study in
 * tests/fixtures/studies/, vcsim 0.6.0.
 */
const PINS = {
  // 0.5.0, 0.4.0 and 0.3.0: 937454b1..., before the closed form of balanced chains and Halley's
  // chi-square quantiles; 0.2.0: 882b6255..., before exact derivatives for nested chains; 0.1.0:
  // 998f9db9..., before the ANOVA estimator SEs.
  pin: "9d8bee0f17546f2877a1367b2ca24dad8f79b0ccdd81b988224d3c77e4756ea8",
  // 0.5.0: 8974a44b..., before Halley's chi-square quantiles; 0.4.0: 9328d882..., before the
  // Newton minimiser skipped the step after its last one (fewer evaluations stored; the same
  // estimates and intervals); 0.3.0: 7f5600f8..., before the exact expected information of
  // crossed designs.
  pin_crossed: "cdcd3c6bb0700d9b0cebd367c977ca74b5ed3dbfb5ff7b7cc034ac0215eb9b14",
};

for (const [name, pin] of Object.entries(PINS)) {
  Deno.test(`the pinned study ${name}'s stored results are unchanged`, async () => {
    const dir = await tempDir();
    const run = await runStudy(studyUrl(name), { outDir: dir, workers: 2 });
    assert.deepEqual([run.done, run.failed], [20, 0]);
    const store = openStore(storeIn(dir), { readOnly: true });
    const hash = createHash("sha256");
    try {
      for (const record of store.iterateReplicates()) {
        hash.update(canonicalReplicate(record) + "\n");
      }
    } finally {
      store.close();
    }
    assert.equal(hash.digest("hex"), pin);
  });
}
