/**
 * Report files are replaced whole or not at all (lib/_whole_file.ts): a
 * write that throws midway, or a process killed midway, leaves the previous
 * file as it was. Before, a `report` killed while writing replicates.csv
 * left the first part of the new file in place of the old one.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { writeLines } from "../../lib/report/export_csv.ts";
import { writeTextFileWhole } from "../../lib/_whole_file.ts";
import { tempDir } from "../_temp_dir.ts";

const OLD = "a,b\nold,1\n";
const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

/** 100,000 lines (several 64 KiB chunks), then `end()`. */
function* lines(end: () => void): Generator<string> {
  yield "a,b\n";
  for (let i = 0; i < 100_000; i++) yield `new,${i}\n`;
  end();
}

Deno.test("writeLines that throws after writing several chunks leaves the old file and no other", async () => {
  const dir = await tempDir();
  const path = join(dir, "replicates.csv");
  Deno.writeTextFileSync(path, OLD);
  assert.throws(
    () =>
      writeLines(
        path,
        lines(() => {
          throw new Error("the store could not be read to its end");
        }),
      ),
    /could not be read to its end/,
  );
  assert.equal(Deno.readTextFileSync(path), OLD);
  assert.deepEqual(names(dir), ["replicates.csv"]);
});

Deno.test("writeLines and writeTextFileWhole replace a file and leave no temporary file", async () => {
  const dir = await tempDir();
  const path = join(dir, "replicates.csv");
  Deno.writeTextFileSync(path, OLD);
  assert.equal(writeLines(path, lines(() => {})), 100_001);
  const text = Deno.readTextFileSync(path);
  assert.equal(text.length, "a,b\n".length + 100_000 * "new,\n".length + 488_890);
  assert.ok(text.endsWith("new,99999\n"));
  writeTextFileWhole(join(dir, "report.md"), "# r\n");
  assert.equal(Deno.readTextFileSync(join(dir, "report.md")), "# r\n");
  assert.deepEqual(names(dir), ["replicates.csv", "report.md"]);
});

Deno.test("a process killed (SIGKILL) while writeLines writes leaves the old file whole", async () => {
  const dir = await tempDir();
  const path = join(dir, "replicates.csv");
  Deno.writeTextFileSync(path, OLD);
  // The child writes 100,000 lines, then says so and blocks: it is killed mid-write, every
  // chunk but the last written to the temporary file, with no timing involved.
  const script = `
    import { writeLines } from ${
    JSON.stringify(import.meta.resolve("../../lib/report/export_csv.ts"))
  };
    function* lines() {
      yield "a,b\\n";
      for (let i = 0; i < 100000; i++) yield "new," + i + "\\n";
      Deno.stdout.writeSync(new TextEncoder().encode("writing\\n"));
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    }
    writeLines(${JSON.stringify(path)}, lines());
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const first = await reader.read();
    assert.equal(first.value, "writing\n", "the child did not reach its write");
    child.kill("SIGKILL");
    const status = await child.status;
    assert.equal(status.signal, "SIGKILL");
    await reader.cancel();
    await child.stderr.cancel();
    assert.equal(Deno.readTextFileSync(path), OLD);
    // What the child had written is in its temporary file, left behind.
    const temp = `replicates.csv.tmp-${child.pid}`;
    assert.deepEqual(names(dir), ["replicates.csv", temp]);
    assert.ok(
      Deno.statSync(join(dir, temp)).size > 65536,
      "nothing was written to the temporary file",
    );
    if (Deno.build.os === "linux") {
      // The next write removes the dead child's leftover, not a live process's (pid 1's).
      Deno.writeTextFileSync(join(dir, "replicates.csv.tmp-1"), "");
      writeLines(path, ["a,b\n"]);
      assert.equal(Deno.readTextFileSync(path), "a,b\n");
      assert.deepEqual(names(dir), ["replicates.csv", "replicates.csv.tmp-1"]);
    }
  } finally {
    clearTimeout(guard);
  }
});
