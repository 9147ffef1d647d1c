/**
 * Temporary directories for tests, each removed when the test process ends
 * (its `unload` event), whether the tests passed or failed, so that runs
 * leave nothing behind in the system's temporary folder.
 *
 * @module
 */

const made: string[] = [];

globalThis.addEventListener("unload", () => {
  for (const dir of made) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // Removed by its test already.
    }
  }
});

/** A new temporary directory (prefix `vcsim-test-` unless given), removed when the tests end. */
export async function tempDir(options: Deno.MakeTempOptions = {}): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "vcsim-test-", ...options });
  made.push(dir);
  return dir;
}
