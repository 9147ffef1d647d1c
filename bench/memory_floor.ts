/**
 * The resident memory a study's processes take before they run a single
 * replicate: what `deno task study`'s peak RSS cannot go below, whatever a
 * worker's heap does. Run: `deno run -A bench/memory_floor.ts [--runs 3]`.
 *
 * Starts, `--runs` times each, and reads /proc/<pid>/smaps of:
 * - `wrapper`: `deno task` running a task that sleeps (as `deno task study`
 *   waits for the runner);
 * - `bare`: a deno process that has imported nothing;
 * - `loaded`: one that has imported what a worker of the nested study loads
 *   (lib/study/worker.ts, the results store, studies/nested.ts), once each
 *   module's code has run.
 *
 * Prints the medians of each one's resident set (RSS), the part of it that
 * is the deno binary's own pages (shared by every deno process: each one's
 * RSS counts them, the proportional set size of all counts them once), and
 * its private rest. Then the floor of the nested study's tree with W
 * workers: the wrapper plus W + 1 loaded processes (the runner loads the
 * study too), summed as RSS (as bench/scaling.ts sums the tree) and, with
 * the binary's pages once, as PSS.
 *
 * @module
 */

const ROOT = new URL("..", import.meta.url);
const LOADED = ["lib/study/worker.ts", "lib/store/store.ts", "studies/nested.ts"];

/** RSS and the deno binary's share of it, in MiB, of the process `pid`. */
function residentOf(pid: number): { rss: number; binary: number } {
  let rss = 0, binary = 0, file = "";
  for (const line of Deno.readTextFileSync(`/proc/${pid}/smaps`).split("\n")) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      file = head[1];
      continue;
    }
    const kb = /^Rss:\s+(\d+) kB/.exec(line);
    if (!kb) continue;
    rss += Number(kb[1]) / 1024;
    if (file === Deno.execPath()) binary += Number(kb[1]) / 1024;
  }
  return { rss, binary };
}

/** `deno task` running `sleep`, measured once it has started the task. */
async function measureWrapper(): Promise<{ rss: number; binary: number }> {
  const dir = Deno.makeTempDirSync({ prefix: "vcsim-floor-" });
  Deno.writeTextFileSync(`${dir}/deno.json`, JSON.stringify({ tasks: { idle: "sleep 60" } }));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "--config", `${dir}/deno.json`, "idle"],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  try {
    return await readAndKill(child, { settleMs: 500 });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** The resident memory of `child` after `settleMs`; then `child` is killed. */
async function readAndKill(
  child: Deno.ChildProcess,
  options: { settleMs: number },
): Promise<{ rss: number; binary: number }> {
  await new Promise((r) => setTimeout(r, options.settleMs));
  try {
    return residentOf(child.pid);
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
}

/** Starts deno importing `modules`, measures it once they have run, and stops it. */
async function measure(modules: readonly string[]): Promise<{ rss: number; binary: number }> {
  const imports = modules.map((m) => `await import(${JSON.stringify(new URL(m, ROOT).href)});`);
  const code = `${imports.join("\n")}\nconsole.log("ready");\nsetInterval(() => {}, 1 << 30);`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("ready")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the ${modules.length > 0 ? "loaded" : "bare"} process ended early`);
    text += value;
  }
  try {
    // Let the runtime settle (lazy compilation, the first GC) before reading.
    return await readAndKill(child, { settleMs: 300 });
  } finally {
    await reader.cancel();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function parseRuns(args: string[]): number {
  const at = args.indexOf("--runs");
  if (args.length === 0) return 3;
  const runs = at >= 0 ? Number(args[at + 1]) : NaN;
  if (args.length !== 2 || !Number.isInteger(runs) || runs < 1) {
    throw new RangeError(`expected --runs N (a positive integer), got ${args.join(" ")}`);
  }
  return runs;
}

async function main(): Promise<void> {
  const runs = parseRuns(Deno.args);
  const rows: Record<string, { rss: number; binary: number }> = {};
  const kinds = {
    wrapper: measureWrapper,
    bare: () => measure([]),
    loaded: () => measure(LOADED),
  };
  for (const [name, start] of Object.entries(kinds)) {
    const seen = [];
    for (let i = 0; i < runs; i++) seen.push(await start());
    rows[name] = { rss: median(seen.map((s) => s.rss)), binary: median(seen.map((s) => s.binary)) };
  }
  const f = (x: number) => x.toFixed(1).padStart(8);
  console.log(`memory floor, ${runs} runs each, medians in MiB`);
  console.log("process       RSS  binary  private");
  for (const [name, r] of Object.entries(rows)) {
    console.log(`${name.padEnd(8)}${f(r.rss)}${f(r.binary)}${f(r.rss - r.binary)}`);
  }
  const { wrapper, loaded } = rows;
  const binary = Math.max(wrapper.binary, loaded.binary);
  for (const workers of [1, 2]) {
    const rss = wrapper.rss + (workers + 1) * loaded.rss;
    const pss = binary + (wrapper.rss - wrapper.binary) +
      (workers + 1) * (loaded.rss - loaded.binary);
    console.log(
      `floor of the nested study with ${workers} worker${workers > 1 ? "s" : ""}: ` +
        `RSS ${rss.toFixed(0)} MiB summed, PSS ${pss.toFixed(0)} MiB (wrapper + ${
          workers + 1
        } loaded processes)`,
    );
  }
}

if (import.meta.main) await main();
