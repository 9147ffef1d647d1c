/** Runs a vcsim command-line entry point in a subprocess, as its deno task does. */

/** The repository root. */
export const ROOT = new URL("../../", import.meta.url);

/** The arguments of `deno` that run the study command as its deno task does. */
export const STUDY_RUN = [
  "run",
  "--quiet",
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-env",
  "lib/cli/study.ts",
];

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

/**
 * Asserts the CLI contract for bad input: exit status 1, nothing on stdout,
 * one line on stderr starting `error: ` and matching `message`, no stack trace.
 */
export function assertOneLineError(r: CliResult, message: RegExp, what: string): void {
  if (r.code !== 1) throw new Error(`${what}: exit status ${r.code}, stderr ${r.stderr}`);
  if (r.stdout !== "") throw new Error(`${what}: unexpected stdout ${r.stdout}`);
  const lines = r.stderr.trimEnd().split("\n");
  if (lines.length !== 1) throw new Error(`${what}: ${lines.length} lines on stderr: ${r.stderr}`);
  if (!lines[0].startsWith("error: ")) throw new Error(`${what}: ${lines[0]}`);
  if (!message.test(lines[0])) throw new Error(`${what}: "${lines[0]}" does not match ${message}`);
}
