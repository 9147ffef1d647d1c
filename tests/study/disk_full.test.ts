// A store on a full disk: the run stops with the reason, stores no replicate as failed for it,
// releases its lock and leaves no worker behind; once there is room, a rerun completes the store to
// exactly a clean run's digest. The disk is a 1 MiB tmpfs, so the test needs root (mount) and skips
// without it.
import assert from "node:assert";
import { existsSync } from "node:fs";
import { runStudy, storePath } from "../../lib/study/runner.ts";
import { resolveStudy } from "../../lib/study/load_study.ts";
import { openStore, storeDigest } from "../../lib/store/mod.ts";
import { tempDir } from "../_temp_dir.ts";
import { eventually, processesWith } from "../external/_helpers.ts";

/** Mounts (or resizes) a tmpfs of `size` on `dir`; false (saying why) when this machine does not let it. */
function mountTmpfs(dir: string, size: string): boolean {
  const args = isMounted(dir)
    ? ["-o", `remount,size=${size}`, dir]
    : ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir];
  try {
    const out = new Deno.Command("mount", { args, stderr: "piped" }).outputSync();
    if (out.success) return true;
    console.log(`note: cannot mount a tmpfs: ${new TextDecoder().decode(out.stderr).trim()}`);
  } catch (e) {
    console.log(`note: cannot mount a tmpfs: ${(e as Error).message}`);
  }
  return false;
}

function isMounted(dir: string): boolean {
  return Deno.readTextFileSync("/proc/self/mounts").split("\n").some((l) =>
    l.split(" ")[1] === dir
  );
}

const canMount = Deno.build.os === "linux" && Deno.uid() === 0;

Deno.test({
  name: "a full disk stops the run with its reason and fails no replicate; a rerun completes it",
  ignore: !canMount,
  async fn() {
    const options = { reps: 200, workers: 2 };
    const clean = await tempDir();
    await runStudy(resolveStudy("nested"), { ...options, outDir: clean });
    const dir = await tempDir();
    if (!mountTmpfs(dir, "1m")) return;
    try {
      await assert.rejects(
        runStudy(resolveStudy("nested"), { ...options, outDir: dir }),
        /^Error: the records cannot be stored: database or disk is full$/,
      );
      const path = storePath(dir, null);
      assert.ok(!existsSync(`${path}.lock`), "the lock is released");
      const workers = () => processesWith("lib/study/worker.ts");
      assert.ok(await eventually(() => workers().length === 0, 10_000), `workers ${workers()}`);
      const store = openStore(path, { readOnly: true });
      const stored = [...store.iterateReplicates()];
      store.close();
      assert.ok(stored.length > 0 && stored.length < 1000, `${stored.length} stored`);
      assert.deepEqual(stored.filter((r) => r.status !== "ok").map((r) => r.message), []);
      assert.ok(mountTmpfs(dir, "64m"));
      const rerun = await runStudy(resolveStudy("nested"), { ...options, outDir: dir });
      assert.equal(rerun.alreadyStored, stored.length);
      assert.equal(await storeDigest(path), await storeDigest(storePath(clean, null)));
    } finally {
      // Lazily: a worker of a failed run may still hold a file open there.
      new Deno.Command("umount", { args: ["--lazy", dir] }).outputSync();
    }
  },
});
