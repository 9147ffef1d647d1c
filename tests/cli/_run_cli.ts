/** Runs a vcsim command-line entry point in a subprocess, as its deno task does. */

/** The repository root. */
export const ROOT = new URL("../../", import.meta.url);

/** Exit status and decoded output of one run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `deno run --quiet <permissions> lib/cli/<name>.ts ...args` from the
 * repository root (--quiet keeps first-run download notes off stderr).
 */
export async function runCli(
  name: string,
  permissions: string[],
  args: string[],
): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...permissions, `lib/cli/${name}.ts`, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
