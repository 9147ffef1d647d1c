// A researcher's own estimation methods run beside the built-ins on the same
// replicates: stored, resumed and sharded like them, and a method that
// misbehaves costs only its own fit.
import assert from "node:assert";
import { runStudy } from "../../lib/study/runner.ts";
import { canonicalJson, openStore, storeDigest } from "../../lib/store/mod.ts";
import type { FitRecord, ReplicateRecord } from "../../lib/store/records.ts";
import { reference, storeIn, studyUrl, tempDir } from "./_tiny.ts";

const CUSTOM = studyUrl("tiny_custom");

function records(dir: string): ReplicateRecord[] {
  const store = openStore(storeIn(dir), { readOnly: true });
  try {
    return [...store.iterateReplicates()];
  } finally {
    store.close();
  }
}

const fitOf = (r: ReplicateRecord, method: string) => r.fits.find((f) => f.method === method)!;
const withoutTime = ({ fitMs: _t, ...f }: FitRecord) => canonicalJson(f);

Deno.test("custom methods: built-ins unchanged, own fits stored, failures cost one fit", async () => {
  const dir = await tempDir();
  const run = await runStudy(CUSTOM, { outDir: dir, workers: 2 });
  assert.deepEqual([run.done, run.interrupted], [24, false]);
  const tiny = new Map(
    records((await reference("tiny")).dir).map((r) => [`${r.condition}:${r.rep}`, r]),
  );
  for (const r of records(dir)) {
    const clean = tiny.get(`${r.condition}:${r.rep}`)!;
    assert.equal(r.status, "ok");
    assert.deepEqual(r.fits.map((f) => f.method), [
      "REML",
      "ANOVA",
      "truncated-anova",
      "async-reml",
      "jittered",
      "throws",
      "nan",
      "unknown-term",
    ]);
    // The same data: REML and ANOVA exactly as in the study without custom methods
    // (leaving out the custom interval kind, which the plain study does not have).
    for (const m of ["REML", "ANOVA"]) {
      const mine = fitOf(r, m);
      const wald = {
        ...mine,
        parameters: mine.parameters.map((p) => ({
          ...p,
          intervals: p.intervals.filter((i) => i.interval === "wald"),
        })),
      };
      assert.equal(withoutTime(wald), withoutTime(fitOf(clean, m)));
      // Its own interval kind, on every variance of every method's fit.
      for (const p of mine.parameters.filter((p) => !p.parameter.startsWith("("))) {
        const own = p.intervals.find((i) => i.interval === "plus-minus-one")!;
        assert.deepEqual([own.lower, own.upper], [p.estimate! - 1, p.estimate! + 1]);
      }
    }
    const ownOnTruncated = fitOf(r, "truncated-anova").parameters[0].intervals
      .find((i) => i.interval === "plus-minus-one")!;
    assert.equal(ownOnTruncated.lower, fitOf(r, "truncated-anova").parameters[0].estimate! - 1);
    const anova = fitOf(r, "ANOVA"), truncated = fitOf(r, "truncated-anova");
    for (const p of truncated.parameters.filter((p) => !p.parameter.startsWith("("))) {
      const raw = anova.parameters.find((q) => q.parameter === p.parameter)!.estimate!;
      assert.equal(p.estimate, Math.max(0, raw));
      assert.equal(p.intervals[0].interval, "wald");
    }
    assert.equal(truncated.message, "truncated at 0");
    const asyncFit = fitOf(r, "async-reml"), reml = fitOf(r, "REML");
    // Variances exactly; the intercept is GLS at those variances, equal to rounding.
    asyncFit.parameters.forEach((p, i) => {
      const want = reml.parameters[i].estimate!;
      if (p.parameter.startsWith("(")) assert.ok(Math.abs(p.estimate! - want) < 1e-12);
      else assert.equal(p.estimate, want);
    });
    assert.equal(asyncFit.parameters.find((p) => p.parameter === "Residual")!.se, 0.5);
    assert.equal(fitOf(r, "throws").status, "error");
    assert.equal(fitOf(r, "throws").message, "this estimator always fails");
    assert.equal(fitOf(r, "nan").message, "variance of group1 must be a finite number, got NaN");
    assert.match(
      fitOf(r, "unknown-term").message!,
      /^the method returned a variance for "group9", which is not a term: terms are group1, group1:group2, Residual$/,
    );
  }
});

Deno.test("custom methods: identical stores for 1 and 2 workers and after an interruption", async () => {
  const one = await tempDir(), two = await tempDir(), cut = await tempDir();
  await runStudy(CUSTOM, { outDir: one, workers: 1 });
  await runStudy(CUSTOM, { outDir: two, workers: 2 });
  const controller = new AbortController();
  await runStudy(CUSTOM, {
    outDir: cut,
    workers: 2,
    reps: 12,
    onProgress: () => controller.abort(),
    signal: controller.signal,
  });
  await runStudy(CUSTOM, { outDir: cut, workers: 2 });
  const digest = await storeDigest(storeIn(one));
  assert.equal(await storeDigest(storeIn(two)), digest);
  assert.equal(await storeDigest(storeIn(cut)), digest);
});
