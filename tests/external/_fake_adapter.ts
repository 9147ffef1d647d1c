/**
 * A fake adapter for the supervision tests (protocol 1 of
 * lib/external/adapter_protocol.ts): replies variance 1 for every term and
 * the residual, with the messages `pid <its pid>` and `request <k>` (k
 * counts this process's requests from 1). Flags, each `--x-at N` acting on
 * this process's N-th request:
 *
 * - `--die-at N`: exits with code 3 (after "dying on request N" on stderr);
 * - `--garbage-at N`: replies the line `not json`;
 * - `--error-at N`: replies `{"ok": false, "error": "refused request N"}`;
 * - `--hang-at N`: never replies, but still ends at stdin EOF;
 * - `--check`: exits 0 at once; with `--check-fails`, prints two lines on
 *   stderr and exits 1.
 *
 * Run with `deno run --quiet tests/external/_fake_adapter.ts [flags]`; it
 * needs no permission.
 */

const args = Deno.args;
const at = (flag: string): number => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : -1;
};
const encoder = new TextEncoder();
const write = (text: string) => {
  const bytes = encoder.encode(text + "\n");
  for (let off = 0; off < bytes.length;) off += Deno.stdout.writeSync(bytes.subarray(off));
};

function reply(line: string, k: number): string | null {
  const req = JSON.parse(line) as { id: number; random: { name: string }[] };
  if (k === at("--garbage-at")) return "not json";
  if (k === at("--error-at")) {
    return JSON.stringify({ id: req.id, ok: false, error: `refused request ${k}` });
  }
  if (k === at("--hang-at")) return null;
  const variances: Record<string, number> = { Residual: 1 };
  for (const f of req.random) variances[f.name] = 1;
  return JSON.stringify({
    id: req.id,
    ok: true,
    variances,
    messages: [`pid ${Deno.pid}`, `request ${k}`],
  });
}

async function serve(): Promise<void> {
  let k = 0, buffered = "";
  for await (const text of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    buffered += text;
    let end: number;
    while ((end = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (line.trim() === "") continue;
      k++;
      if (k === at("--die-at")) {
        console.error(`dying on request ${k}`);
        Deno.exit(3);
      }
      const out = reply(line, k);
      if (out !== null) write(out);
    }
  }
}

if (args.includes("--check")) {
  if (args.includes("--check-fails")) {
    console.error("there is no package called 'fake'\nExecution halted");
    Deno.exit(1);
  }
  Deno.exit(0);
}
await serve();
Deno.exit(0);
