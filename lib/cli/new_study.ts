/**
 * `deno task new-study <path.ts>`: writes a commented starter study to
 * `<path.ts>` (never over an existing file), importing vcsim by the absolute
 * file URL of this checkout's `mod.ts`, so the study type-checks and runs
 * from any folder. A relative path is taken from the current directory,
 * which under `deno task` is vcsim's folder.
 *
 * @module
 */

import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Argument } from "../_deps/commander.ts";
import { runCommand, vcsimCommand, writeSync } from "./_command.ts";
import { _starterStudy, _studyName } from "./_starter_study.ts";

const MOD = new URL("../../mod.ts", import.meta.url);
const VCSIM_DIR = new URL("../../", import.meta.url);

function makeCommand() {
  return vcsimCommand("new-study")
    .description("Write a commented starter study to a new .ts file.")
    .addArgument(new Argument("<path>", "the study file to create (must not exist)"));
}

/** A local directory's path, or the URL itself when vcsim is not a local checkout. */
const shown = (url: URL): string =>
  url.protocol === "file:" ? fileURLToPath(url).replace(/\/$/, "") : url.href;

/**
 * Writes the starter study to `path` and returns its absolute path.
 *
 * @throws {TypeError} when `path` does not end in `.ts`.
 * @throws {Deno.errors.AlreadyExists} when a file is already at `path`.
 */
export function writeStarterStudy(path: string): string {
  if (!path.endsWith(".ts")) throw new TypeError(`study file must end in .ts, got ${path}`);
  const absolute = resolve(path);
  const text = _starterStudy({
    name: _studyName(absolute),
    modUrl: MOD.href,
    vcsimDir: shown(VCSIM_DIR),
    path: absolute,
  });
  mkdirSync(dirname(absolute), { recursive: true });
  try {
    Deno.writeTextFileSync(absolute, text, { createNew: true });
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) {
      throw new Deno.errors.AlreadyExists(`study file already exists: ${path}`);
    }
    throw e;
  }
  return absolute;
}

/** Runs the command on `args` and returns the exit status. */
export async function main(args: string[]): Promise<number> {
  const program = makeCommand();
  return await runCommand(program, args, () => {
    const [path] = program.processedArgs;
    const written = writeStarterStudy(path);
    writeSync(
      Deno.stderr,
      `wrote ${written}\n` +
        `check it: deno check ${written}\n` +
        `run it, in ${shown(VCSIM_DIR)}: deno task study ${written}\n`,
    );
    return 0;
  });
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
