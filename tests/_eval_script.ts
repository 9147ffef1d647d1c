/**
 * Runs a script with `deno eval` in a process of its own, as a test that a
 * script ends by itself needs: killed (SIGKILL) if it has not ended within
 * `timeoutMs`, so a hang fails the test instead of stalling the suite.
 *
 * @module
 */

/** The script's exit code, signal (null unless killed) and decoded output. */
export interface EvalResult {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

/** Runs `code` with `deno eval --quiet`; see the module doc. */
export async function evalScript(
  code: string,
  options: { timeoutMs?: number } = {},
): Promise<EvalResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  try {
    const out = await child.output();
    const text = new TextDecoder();
    return {
      code: out.code,
      signal: out.signal,
      stdout: text.decode(out.stdout),
      stderr: text.decode(out.stderr),
    };
  } finally {
    clearTimeout(timer);
  }
}
