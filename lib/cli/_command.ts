/**
 * What every vcsim command shares: commander set up to need no environment
 * access, option parsers with clear messages, and a main wrapper that turns
 * any thrown error into one line on stderr and exit status 1.
 *
 * @module
 */

import { Command, CommanderError, InvalidArgumentError } from "../_deps/commander.ts";

/** Writes all of `text` to a file synchronously. */
export function writeSync(file: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = new TextEncoder().encode(text);
  for (let off = 0; off < bytes.length;) off += file.writeSync(bytes.subarray(off));
}

/** A commander Command that prints plainly and throws instead of exiting. */
export function vcsimCommand(name: string): Command {
  return new Command()
    .name(name)
    .exitOverride()
    .configureOutput({
      // Commander would read FORCE_COLOR / NO_COLOR, which needs --allow-env.
      getOutHasColors: () => false,
      getErrHasColors: () => false,
      getOutHelpWidth: () => 100,
      getErrHelpWidth: () => 100,
      writeOut: (s) => writeSync(Deno.stdout, s),
      writeErr: (s) => writeSync(Deno.stderr, s),
    });
}

function parseNumber(text: string, what: string): number {
  const value = text.trim() === "" ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) throw new InvalidArgumentError(`expected ${what}, got "${text}"`);
  return value;
}

/** Option parser for an integer. */
export const integerArg = (text: string): number => {
  const value = parseNumber(text, "an integer");
  if (!Number.isInteger(value)) {
    throw new InvalidArgumentError(`expected an integer, got "${text}"`);
  }
  return value;
};

/** Option parser for a finite number. */
export const numberArg = (text: string): number => parseNumber(text, "a number");

/**
 * A seed: a number when it reads as one that a double holds exactly, else
 * the text itself (so `12345678901234567890` is kept digit for digit).
 */
export const seedArg = (text: string): number | string => {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) return text;
  return Number.isInteger(n) && !Number.isSafeInteger(n) ? text.trim() : n;
};

/**
 * Parses `args` with `program` and runs `action`; returns the exit status.
 * Commander's own errors (unknown option, --help) keep their status; any
 * error thrown by the action prints `error: <first line>` and returns 1.
 */
export async function runCommand(
  program: { parse(args: string[], options: { from: "user" }): unknown },
  args: string[],
  action: () => Promise<number | void> | number | void,
): Promise<number> {
  try {
    program.parse(args, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode; // commander printed its message
    throw e;
  }
  try {
    return (await action()) ?? 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    console.error(`error: ${message.split("\n")[0]}`);
    return 1;
  }
}
