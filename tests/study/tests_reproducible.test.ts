/**
 * A study with tests (rlrt-exact simulates its null once per design in each
 * worker, bootstrap-lrt resamples per replicate) stores the same results
 * with 1 or 2 workers and as 2 merged shards: every stream depends on the
 * seed, the design and the replicate, never on which worker met it first.
 */
import assert from "node:assert";
import { join } from "node:path";
import { runStudy, storePath } from "../../lib/study/runner.ts";
import { mergeStores, storeDigest } from "../../lib/store/mod.ts";
import { reference, studyUrl, tempDir } from "./_tiny.ts";

Deno.test("a study with tests gives one store digest for 1 and 2 workers and for merged shards", async () => {
  const two = await reference("tiny_tests");
  const dir = await tempDir();
  try {
    await runStudy(studyUrl("tiny_tests"), { outDir: join(dir, "one"), workers: 1 });
    assert.equal(await storeDigest(storePath(join(dir, "one"), null)), two.digest);
    const shards = [1, 2].map((index) => ({ index, count: 2 }));
    for (const shard of shards) {
      await runStudy(studyUrl("tiny_tests"), { outDir: join(dir, "sh"), workers: 1, shard });
    }
    const merged = join(dir, "merged.sqlite");
    await mergeStores(shards.map((s) => storePath(join(dir, "sh"), s)), merged);
    assert.equal(await storeDigest(merged), two.digest);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
