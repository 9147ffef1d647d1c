// An external method's adapter process is supervised: a missing program stops
// the run at its start with one line; an adapter that dies or sends garbage
// fails only that replicate's fit and is restarted for the next; one that
// hangs is ended with its worker (it sees its stdin's EOF). The fake adapter
// (tests/external/_fake_adapter.ts) needs only Deno, so these tests always run.
import assert from "node:assert";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runStudy } from "../../lib/study/runner.ts";
import { nested } from "../../lib/generate/nested.ts";
import { modelFrame } from "../../lib/model/model_frame.ts";
import { deriveStream } from "../../lib/rng/derive_stream.ts";
import type { MethodContext } from "../../lib/fit/method_plugin.ts";
import type { ReplicateRecord } from "../../lib/store/records.ts";
import { externalMethod, stopAdapters } from "../../lib/external/external_method.ts";
import { alive, eventually, fitOf, fixture, records, tempDir } from "./_helpers.ts";

const FAKE = new URL("./_fake_adapter.ts", import.meta.url).pathname;

/** The pid and request number a fake fit reports (`pid P; request K`), or null for a failed fit. */
function served(r: ReplicateRecord): { pid: number; request: number } | null {
  const m = /^pid (\d+); request (\d+)$/.exec(fitOf(r, "fake").message ?? "");
  return m && { pid: Number(m[1]), request: Number(m[2]) };
}

/** Asserts every fake adapter process of the run has ended. */
async function assertEnded(pids: Iterable<number>): Promise<void> {
  const all = [...pids];
  assert.ok(all.length > 0);
  assert.ok(
    await eventually(() => all.every((p) => !alive(p))),
    `left running: ${all.filter(alive)}`,
  );
}

Deno.test("external: a missing interpreter stops the run before any replicate, in one line", async () => {
  const dir = await tempDir();
  await assert.rejects(runStudy(fixture("external_missing"), { outDir: dir, workers: 1 }), (e) => {
    const message = (e as Error).message;
    // Deno's spawn error for a program not on PATH names it ("Failed to spawn '...'").
    assert.match(
      message,
      /^lme4 is not available: vcsim-no-such-Rscript lme4_adapter\.R --check failed: .*'vcsim-no-such-Rscript'.*$/,
    );
    assert.ok(!message.includes("\n"), message);
    return true;
  });
  assert.ok(!existsSync(join(dir, "results.sqlite")), "no store was written");
});

Deno.test("external: a failing check gives the first line of its stderr", async () => {
  const dir = await tempDir();
  await assert.rejects(
    runStudy(fixture("external_check_fails"), { outDir: dir, workers: 1 }),
    (e) => {
      // The fake adapter's --check-fails prints "there is no package called 'fake'" first.
      assert.equal(
        (e as Error).message,
        `the fake adapter is not available: ${Deno.execPath()} run --quiet ${FAKE} --check-fails --check failed: there is no package called 'fake'`,
      );
      return true;
    },
  );
  assert.ok(!existsSync(join(dir, "results.sqlite")));
});

Deno.test("external: an adapter that dies fails that fit only; the next replicate gets a new one", async () => {
  const dir = await tempDir();
  const run = await runStudy(fixture("external_dies"), { outDir: dir, workers: 1 });
  // `failed` counts replicates with a failed fit: the 8 whose fake fit failed.
  assert.deepEqual([run.done, run.failed], [24, 8]);
  const all = records(dir);
  assert.ok(all.every((r) => r.status === "ok"));
  const ok = all.map(served).filter((s) => s !== null);
  const failed = all.filter((r) => served(r) === null);
  // Every process serves requests 1 and 2 and dies on its 3rd: 24 = 8 x (2 ok + 1 failed).
  assert.deepEqual([ok.length, failed.length], [16, 8]);
  const pids = new Set(ok.map((s) => s.pid));
  assert.equal(pids.size, 8);
  for (const pid of pids) {
    assert.deepEqual(ok.filter((s) => s.pid === pid).map((s) => s.request).sort(), [1, 2]);
  }
  for (const r of failed) {
    const fit = fitOf(r, "fake");
    assert.equal(fit.status, "error");
    assert.equal(
      fit.message,
      `the adapter ${Deno.execPath()} run --quiet ${FAKE} --die-at 3 exited with code 3 ` +
        `(dying on request 3): it is restarted for the next replicate`,
    );
  }
  for (const r of all) assert.equal(fitOf(r, "REML").status, "ok");
  await assertEnded(pids);
});

Deno.test("external: garbage on stdout fails that fit; the adapter is killed and restarted", async () => {
  const dir = await tempDir();
  await runStudy(fixture("external_garbage"), { outDir: dir, workers: 1 });
  const all = records(dir);
  const ok = all.map(served).filter((s) => s !== null);
  const failed = all.filter((r) => served(r) === null);
  assert.deepEqual([ok.length, failed.length], [16, 8]);
  for (const r of failed) {
    assert.equal(
      fitOf(r, "fake").message,
      `the adapter sent a line that is not JSON: "not json" (${Deno.execPath()} run --quiet ${FAKE} ` +
        `--garbage-at 3): it is restarted for the next replicate`,
    );
  }
  await assertEnded(new Set(ok.map((s) => s.pid)));
});

Deno.test("external: an error reply fails that fit and keeps the adapter", async () => {
  const dir = await tempDir();
  await runStudy(fixture("external_refuses"), { outDir: dir, workers: 1 });
  const all = records(dir);
  const ok = all.map(served).filter((s) => s !== null);
  assert.equal(ok.length, 23);
  assert.equal(new Set(ok.map((s) => s.pid)).size, 1);
  assert.deepEqual(ok.map((s) => s.request).sort((a, b) => a - b), [
    1,
    2,
    ...Array.from({ length: 21 }, (_, i) => i + 4),
  ]);
  const failed = all.filter((r) => served(r) === null);
  assert.deepEqual(failed.map((r) => fitOf(r, "fake").message), ["refused request 3"]);
  await assertEnded(new Set(ok.map((s) => s.pid)));
});

Deno.test("external: a hung adapter ends with its killed worker; the replicate reruns without it", async () => {
  const dir = await tempDir();
  const run = await runStudy(fixture("external_hangs"), { outDir: dir, workers: 1 });
  assert.deepEqual([run.done, run.failed], [4, 1]);
  const all = records(dir);
  const fits = all.map((r) => [r.rep, served(r)?.request ?? fitOf(r, "fake").message] as const);
  // Reps 0 and 1 are requests 1 and 2; rep 2 (request 3) hangs past the 3 s limit;
  // rep 3 is the first request of a new adapter in the new worker.
  assert.deepEqual(fits, [[0, 1], [1, 2], [2, "timed out after 3 s"], [3, 1]]);
  assert.equal(fitOf(all[2], "REML").status, "ok");
  const hung = served(all[0])!.pid;
  assert.notEqual(served(all[3])!.pid, hung);
  await assertEnded([hung, served(all[3])!.pid]);
});

Deno.test("external: workers may run the methods' programs and write no file", async () => {
  const dir = await tempDir();
  await runStudy(fixture("external_permissions"), { outDir: dir, workers: 1 });
  for (const r of records(dir)) {
    assert.equal(fitOf(r, "fake").status, "ok");
    // Deno's permission error, as worded by Deno 2.9.
    assert.match(fitOf(r, "shell").message!, /^Requires run access to "\/bin\/sh"/);
    assert.match(fitOf(r, "write").message!, /^Requires write access to "vcsim-write-probe\.txt"/);
  }
});

Deno.test("external: in-process fits share one adapter, which stopAdapters ends", async () => {
  const method = externalMethod({
    name: "fake",
    command: Deno.execPath(),
    args: ["run", "--quiet", FAKE],
  });
  const frame = modelFrame(
    nested(deriveStream(1, ["external"]), { nGroup1: 4, nGroup2: 3, nRep: 2 }),
    "y ~ 1 + (1|group1/group2)",
  );
  const context = {} as MethodContext;
  const first = await method.fit(frame, context), second = await method.fit(frame, context);
  assert.deepEqual(first.variances, { group1: 1, "group1:group2": 1, Residual: 1 });
  const pid = Number(/^pid (\d+)$/.exec(first.messages![0])![1]);
  assert.deepEqual(second.messages, [`pid ${pid}`, "request 2"]);
  assert.ok(alive(pid));
  await stopAdapters();
  assert.ok(await eventually(() => !alive(pid)));
});
