/**
 * Worker scaling and runner overhead of `deno task study`. Run:
 * `deno run -A bench/scaling.ts [--study nested] [--workers 1,2] [--runs 3] [--reps N]
 * [--quiet 0.3] [--repo DIR ...]`.
 * Runs `deno task study <study> --workers W --out <fresh dir>` (defaults otherwise) for each W,
 * back to back, `--runs` times interleaved (W = 1, 2, 1, 2, ...), and prints per run and as
 * medians: wall time, the speed-up over the first W's median, CPU (user + sys) of the whole
 * process tree and of the main process (lib/cli/study.ts) and the workers apart, the workers'
 * use of their W cores (CPU / (wall x W)), the replicates' own time (SUM(total_ms) in the
 * store), peak resident memory summed over the tree and of the main process alone, and the
 * cores other processes used meanwhile (the machine's busy time in /proc/stat minus the tree's).
 * Before each run it waits (up to 5 minutes) until other processes use fewer than `--quiet`
 * cores. CPU and memory are sampled from /proc every 20 ms: utime + stime of /proc/<pid>/stat of
 * every process of the tree as last seen alive (a process's last 20 ms are missed), VmRSS of
 * /proc/<pid>/status; every 100 ms also the proportional set size (Pss of
 * /proc/<pid>/smaps_rollup, where pages shared by several processes, such as the deno binary's,
 * count once in all), summed over the tree. (/usr/bin/time cannot tell the main process from its workers, and misses
 * workers that the main process kills at the end without reaping them.) With several `--repo`
 * checkouts their runs are interleaved too, so that they meet the same load.
 *
 * @module
 */

import { join, resolve } from "node:path";

interface Options {
  study: string;
  /** Before each run, wait (up to 5 min) until other processes use less than this many cores. */
  quiet: number;
  workers: number[];
  runs: number;
  reps: number | null;
  repos: string[];
}

function parseArgs(args: string[]): Options {
  const o: Options = {
    study: "nested",
    quiet: 0.3,
    workers: [1, 2],
    runs: 3,
    reps: null,
    repos: [],
  };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split("=", 2);
    const value = () => inline ?? args[++i];
    if (flag === "--study") o.study = value();
    else if (flag === "--workers") o.workers = value().split(",").map(Number);
    else if (flag === "--runs") o.runs = Number(value());
    else if (flag === "--reps") o.reps = Number(value());
    else if (flag === "--quiet") o.quiet = Number(value());
    else if (flag === "--repo") o.repos.push(resolve(value()));
    else throw new RangeError(`unknown argument ${args[i]}`);
  }
  if (o.repos.length === 0) o.repos.push(resolve(new URL("..", import.meta.url).pathname));
  return o;
}

const TICK = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s
const SAMPLE_MS = 20;

interface ProcInfo {
  pid: number;
  ppid: number;
  /** utime + stime, seconds. */
  self: number;
  /** cutime + cstime (reaped children), seconds. */
  children: number;
  rssKb: number;
  cmd: string;
}

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // Fields after the command (which may hold spaces), from field 3 on.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const rss = /VmRSS:\s+(\d+)/.exec(status);
    const cmd = Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ");
    return {
      pid,
      ppid: Number(f[1]),
      self: (Number(f[11]) + Number(f[12])) / TICK,
      children: (Number(f[13]) + Number(f[14])) / TICK,
      rssKb: rss ? Number(rss[1]) : 0,
      cmd,
    };
  } catch {
    return null; // gone
  }
}

/** The proportional set size of a process, in kB (0 when it is gone). */
function pssKb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+)/m.exec(Deno.readTextFileSync(`/proc/${pid}/smaps_rollup`));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Every live process descending from `root` (root included). */
function tree(root: number): ProcInfo[] {
  const all: ProcInfo[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const p = readProc(Number(e.name));
    if (p) all.push(p);
  }
  const kids = new Map<number, ProcInfo[]>();
  for (const p of all) kids.set(p.ppid, [...(kids.get(p.ppid) ?? []), p]);
  const out: ProcInfo[] = [];
  const stack = all.filter((p) => p.pid === root);
  while (stack.length > 0) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(kids.get(p.pid) ?? []));
  }
  return out;
}

/** Busy and total jiffies of all CPUs (/proc/stat). */
function cpuTicks(): { busy: number; total: number } {
  const f = Deno.readTextFileSync("/proc/stat").split("\n")[0].trim().split(/\s+/).slice(1)
    .map(Number);
  const idle = f[3] + f[4];
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Cores busy over the next `ms` milliseconds, all processes. */
async function busyCores(ms: number): Promise<number> {
  const a = cpuTicks();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTicks();
  return (b.busy - a.busy) / TICK / (ms / 1000);
}

/** Waits until the machine is quiet (other processes below `cores`); false after 5 minutes. */
async function waitQuiet(cores: number): Promise<boolean> {
  const until = performance.now() + 300_000;
  while (performance.now() < until) {
    if (await busyCores(1000) < cores) return true;
  }
  return false;
}

interface RunResult {
  repo: string;
  workers: number;
  wall: number;
  totalCpu: number;
  mainCpu: number;
  workerCpu: number;
  wrapperCpu: number;
  peakRssMb: number;
  peakPssMb: number;
  peakMainRssMb: number;
  peakWorkerRssMb: number;
  replicateSeconds: number;
  replicates: number;
  workerProcesses: number;
  /** Cores other processes used during the run, on average. */
  otherCores: number;
}

async function runOnce(repo: string, workers: number, o: Options): Promise<RunResult> {
  const out = await Deno.makeTempDir({ prefix: "vcsim-scaling-" });
  const args = [
    "task",
    "-q",
    "study",
    o.study,
    "--workers",
    String(workers),
    "--out",
    join(out, "store"),
    ...(o.reps === null ? [] : ["--reps", String(o.reps)]),
  ];
  const ticks0 = cpuTicks();
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: repo,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let peakRss = 0, peakPss = 0, peakMain = 0, peakWorkers = 0, sample = 0;
  // The last sample of every process of the tree: its CPU when it was last seen alive.
  const last = new Map<number, ProcInfo & { role: "wrapper" | "main" | "worker" | "other" }>();
  let done = false;
  const status = child.status.then((s) => {
    done = true;
    return s;
  });
  while (!done) {
    let rss = 0, workerRss = 0, pss = 0;
    const pssNow = sample++ % 5 === 0;
    for (const p of tree(child.pid)) {
      if (pssNow) pss += pssKb(p.pid);
      const role = p.pid === child.pid
        ? "wrapper"
        : p.cmd.includes("lib/study/worker.ts")
        ? "worker"
        : p.cmd.includes("lib/cli/study.ts")
        ? "main"
        : "other";
      // A zombie's cmdline is empty: keep the role it was seen with.
      last.set(p.pid, { ...p, role: role === "other" ? last.get(p.pid)?.role ?? role : role });
      rss += p.rssKb;
      if (role === "worker") workerRss += p.rssKb;
      if (role === "main") peakMain = Math.max(peakMain, p.rssKb);
    }
    peakRss = Math.max(peakRss, rss);
    peakPss = Math.max(peakPss, pss);
    peakWorkers = Math.max(peakWorkers, workerRss);
    await new Promise((r) => setTimeout(r, SAMPLE_MS));
  }
  const s = await status;
  const wall = (performance.now() - started) / 1000;
  const ticks1 = cpuTicks();
  if (!s.success) throw new Error(`study run failed in ${repo}: ${await stderr}`);
  const store = join(out, "store", "results.sqlite");
  const q = await new Deno.Command("sqlite3", {
    args: [store, "SELECT COUNT(*), SUM(total_ms) / 1000.0 FROM replicates"],
    stdout: "piped",
  }).output();
  const [replicates, replicateSeconds] = new TextDecoder().decode(q.stdout).trim().split("|")
    .map(Number);
  await Deno.remove(out, { recursive: true });
  const cpu = (role: string) =>
    [...last.values()].filter((p) => p.role === role).reduce((t, p) => t + p.self, 0);
  const mainCpu = cpu("main"), workerCpu = cpu("worker"), wrapperCpu = cpu("wrapper");
  const totalCpu = mainCpu + workerCpu + wrapperCpu + cpu("other");
  return {
    repo,
    workers,
    wall,
    otherCores: Math.max(0, ((ticks1.busy - ticks0.busy) / TICK - totalCpu) / wall),
    totalCpu,
    mainCpu,
    workerCpu,
    wrapperCpu,
    peakRssMb: peakRss / 1024,
    peakPssMb: peakPss / 1024,
    peakMainRssMb: peakMain / 1024,
    peakWorkerRssMb: peakWorkers / 1024,
    replicateSeconds,
    replicates,
    workerProcesses: [...last.values()].filter((p) => p.role === "worker").length,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

const HEAD = [
  "repo",
  "W",
  "wall s",
  "speed-up",
  "CPU s",
  "main s",
  "main %",
  "workers s",
  "worker use",
  "rep. s",
  "peak RSS MB",
  "peak PSS",
  "main RSS",
  "workers RSS",
  "others",
];
const WIDTHS = [14, 2, 7, 8, 6, 6, 6, 9, 10, 6, 11, 6, 8, 11, 6];
const line = (cells: string[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(WIDTHS[i]) : c.padStart(WIDTHS[i]))).join("  ");

function row(r: RunResult, base: number, label: string): string {
  return line([
    label,
    String(r.workers),
    f2(r.wall),
    `${f2(base / r.wall)}x`,
    f1(r.totalCpu),
    f2(r.mainCpu),
    pct(r.mainCpu / r.totalCpu),
    f1(r.workerCpu),
    pct(r.workerCpu / (r.wall * r.workers)),
    f1(r.replicateSeconds),
    f1(r.peakRssMb),
    f1(r.peakPssMb),
    f1(r.peakMainRssMb),
    f1(r.peakWorkerRssMb),
    f2(r.otherCores),
  ]);
}

async function main() {
  const o = parseArgs(Deno.args);
  try {
    Deno.statSync("/proc/self/stat");
  } catch {
    console.log("scaling: skipped: it reads /proc, which this system does not have");
    return;
  }
  const label = (repo: string) =>
    o.repos.length === 1 ? o.study : repo.split("/").filter(Boolean).pop()!.slice(0, 14);
  console.log(
    `scaling: deno task study ${o.study}${o.reps === null ? "" : ` --reps ${o.reps}`} ` +
      `--workers ${
        o.workers.join("|")
      }, ${o.runs} runs each, interleaved; ${navigator.hardwareConcurrency} cores`,
  );
  console.log(
    "speed-up: the W = " + o.workers[0] + " median wall over this run's wall; main %: of the " +
      "tree's CPU; worker use: workers' CPU / (wall x W);\nrep. s: the replicates' own time " +
      "(SUM(total_ms) in the store); others: cores used by other processes during the run",
  );
  console.log(line(HEAD));
  const results: RunResult[] = [];
  for (let run = 0; run < o.runs; run++) {
    for (const repo of o.repos) {
      for (const w of o.workers) {
        if (o.quiet > 0 && !(await waitQuiet(o.quiet))) {
          console.log(`(the machine did not get quiet in 5 minutes: running anyway)`);
        }
        const r = await runOnce(repo, w, o);
        results.push(r);
        const firsts = results.filter((x) => x.repo === repo && x.workers === o.workers[0]);
        console.log(row(r, median(firsts.map((x) => x.wall)), label(repo)));
      }
    }
  }
  console.log("\nmedians");
  console.log(line(HEAD));
  for (const repo of o.repos) {
    const base = median(
      results.filter((x) => x.repo === repo && x.workers === o.workers[0]).map((x) => x.wall),
    );
    for (const w of o.workers) {
      const rs = results.filter((x) => x.repo === repo && x.workers === w);
      const med = (k: keyof RunResult) => median(rs.map((x) => x[k] as number));
      const r = Object.fromEntries(
        Object.keys(rs[0]).map((
          k,
        ) => [
          k,
          typeof rs[0][k as keyof RunResult] === "number"
            ? med(k as keyof RunResult)
            : rs[0][k as keyof RunResult],
        ]),
      ) as unknown as RunResult;
      // Ratios of medians would mix runs: take the median of each run's ratio instead.
      console.log(
        line([
          label(repo),
          String(w),
          f2(r.wall),
          `${f2(median(rs.map((x) => base / x.wall)))}x`,
          f1(r.totalCpu),
          f2(r.mainCpu),
          pct(median(rs.map((x) => x.mainCpu / x.totalCpu))),
          f1(r.workerCpu),
          pct(median(rs.map((x) => x.workerCpu / (x.wall * x.workers)))),
          f1(r.replicateSeconds),
          f1(r.peakRssMb),
          f1(r.peakPssMb),
          f1(r.peakMainRssMb),
          f1(r.peakWorkerRssMb),
          f2(r.otherCores),
        ]),
      );
    }
  }
  if (o.repos.length > 1) {
    // Paired by round: each checkout's wall over the first's in the same round and W.
    console.log(`\nwall time against ${label(o.repos[0])}, run by run (same round and W), median:`);
    for (const repo of o.repos.slice(1)) {
      for (const w of o.workers) {
        const mine = results.filter((x) => x.repo === repo && x.workers === w);
        const base = results.filter((x) => x.repo === o.repos[0] && x.workers === w);
        const ratios = mine.map((x, i) => x.wall / base[i].wall);
        console.log(
          `  ${label(repo)} W=${w}: ${f2(median(ratios))} (runs: ${ratios.map(f2).join(", ")})`,
        );
      }
    }
  }
  console.log(
    `\nwrapper (deno task) CPU: at most ${
      f2(Math.max(...results.map((r) => r.wrapperCpu)))
    } s; worker processes per run: ${
      [...new Set(results.map((r) => r.workerProcesses))].join(", ")
    }; replicates per run: ${[...new Set(results.map((r) => r.replicates))].join(", ")}`,
  );
}

main();
