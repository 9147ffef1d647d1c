// `deno task study` on a terminal: the progress bar, then a notice while the
// report is computed, erased before the table. Run under a pseudo-terminal
// by util-linux `script`; skipped where it is missing.
import assert from "node:assert";
import { join } from "node:path";
import { ROOT, STUDY_RUN } from "./_run_cli.ts";
import { tempDir } from "../_temp_dir.ts";

const hasScript = await new Deno.Command("script", { args: ["--version"], stdout: "null" })
  .output().then((o) => o.success, () => false);

/** The study command run under a pseudo-terminal: its exit status and everything it showed. */
async function onTerminal(args: string[]): Promise<{ code: number; shown: string }> {
  const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
  const command = [Deno.execPath(), ...STUDY_RUN, ...args].map(quote).join(" ");
  const out = await new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, shown: new TextDecoder().decode(out.stdout) };
}

Deno.test({
  name: "on a terminal: the bar, then a report notice erased before the table",
  ignore: !hasScript,
  fn: async () => {
    const dir = await tempDir();
    const args = ["tests/fixtures/studies/tiny.ts", "--reps", "10", "--out", join(dir, "s")];
    const first = await onTerminal(args);
    assert.equal(first.code, 0, first.shown);
    assert.match(first.shown, /\[#+\] 20\/20 100\.0%/);
    const notice = "computing the report of 20 replicates...\r\x1b[K";
    assert.ok(
      first.shown.includes(notice + "estimates of group terms"),
      `the notice, erased, then the table: ${JSON.stringify(first.shown.slice(0, 600))}`,
    );
    // A finished store: no bar, the same notice, the same table.
    const again = await onTerminal(args);
    assert.equal(again.code, 0, again.shown);
    assert.ok(again.shown.includes(notice + "estimates of group terms"), again.shown);
    const table = (s: string) => s.slice(s.indexOf("estimates of"), s.indexOf("done in"));
    assert.equal(table(again.shown), table(first.shown));
  },
});
