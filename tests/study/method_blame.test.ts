// Which method a replicate past its time limit was running: told by the worker's watchdog thread
// when the runner asks (SIGUSR2), read from the method beacon the main thread keeps; or, where
// every method is announced by a line (systems without SIGUSR2, or a name too long for the
// beacon), from those lines. Either way only that method's fit of that replicate fails.
import assert from "node:assert";
import { createBeacon, NAME_BYTES, readMethod, setMethod } from "../../lib/study/_method_beacon.ts";
import { runPool } from "../../lib/study/worker_pool.ts";
import { loadStudy } from "../../lib/study/load_study.ts";
import { studyConditions } from "../../lib/study/study.ts";
import type { ReplicateRecord } from "../../lib/store/records.ts";
import { studyUrl } from "./_tiny.ts";
import { LONG_NAME } from "../fixtures/studies/tiny_slow_long_method.ts";

Deno.test("the method beacon holds the method's name, none, or that it was said in a line", () => {
  const beacon = createBeacon();
  assert.strictEqual(readMethod(beacon), null);
  for (const name of ["REML", "", "profile-ml", "méthode ∑ 統計", "x".repeat(NAME_BYTES)]) {
    assert.strictEqual(setMethod(beacon, name), true, name);
    assert.strictEqual(readMethod(beacon), name);
  }
  assert.strictEqual(setMethod(beacon, null), true);
  assert.strictEqual(readMethod(beacon), null);
  // Too long in UTF-8 (3 bytes a character here): refused, and the watchdog will not answer.
  assert.strictEqual(setMethod(beacon, "∑".repeat(NAME_BYTES / 3 + 1)), false);
  assert.strictEqual(readMethod(beacon), undefined);
  assert.strictEqual(setMethod(beacon, "ML"), true);
  assert.strictEqual(readMethod(beacon), "ML");
});

/** Every record of fixture `name`, run by the pool with 2 workers. */
async function poolRecords(name: string, announceMethods: boolean): Promise<ReplicateRecord[]> {
  const url = studyUrl(name);
  const study = await loadStudy(url);
  const tasks = studyConditions(study).flatMap((condition) =>
    Array.from({ length: study.reps }, (_, rep) => ({ condition, rep }))
  );
  const records: ReplicateRecord[] = [];
  const interrupted = await runPool(tasks[Symbol.iterator](), {
    studyUrl: url,
    seed: study.seed,
    workers: 2,
    timeout: study.timeout!,
    memoryLimit: 2048,
    announceMethods,
    onRecord: (r) => records.push(r),
  });
  assert.strictEqual(interrupted, false);
  return records;
}

/** Asserts that only `method`'s fit of n_group1=4:4 failed, as timed out. */
function assertOnlyStuckFailed(records: readonly ReplicateRecord[], method: string): void {
  assert.strictEqual(records.length, 24);
  const failed = records.flatMap((r) =>
    r.fits.filter((f) => f.status !== "ok").map((f) => [`${r.condition}:${r.rep}`, f.method])
  );
  assert.deepStrictEqual(failed, [["n_group1=4:4", method]]);
  const stuck = records.find((r) => r.condition === "n_group1=4" && r.rep === 4)!;
  assert.strictEqual(stuck.status, "ok");
  assert.deepStrictEqual(
    stuck.fits.map((f) => [f.method, f.status, f.message]),
    [["REML", "ok", null], [method, "error", "timed out after 3 s"], ["ANOVA", "ok", null]],
  );
}

for (const announceMethods of [false, true]) {
  const how = announceMethods ? "every method announced by a line" : "the watchdog asked";
  Deno.test(`a hanging method is blamed alone, ${how}`, async () => {
    assertOnlyStuckFailed(await poolRecords("tiny_slow_method", announceMethods), "stuck");
  });
}

Deno.test("a hanging method whose name is too long for the beacon is blamed alone", async () => {
  assertOnlyStuckFailed(await poolRecords("tiny_slow_long_method", false), LONG_NAME);
});
