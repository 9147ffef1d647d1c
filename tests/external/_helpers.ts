/** What the external-method tests share: availability of the software, stores and processes. */
import { join } from "node:path";
import type { MethodPlugin } from "../../lib/fit/method_plugin.ts";
import { openStore } from "../../lib/store/mod.ts";
import type { FitRecord, ReplicateRecord } from "../../lib/store/records.ts";
import { errorText } from "../../lib/study/_failure.ts";
import { tempDir as removedAtExit } from "../_temp_dir.ts";

/** The module URL of fixture study `name`. */
export const fixture = (name: string): string =>
  new URL(`../fixtures/studies/${name}.ts`, import.meta.url).href;

/** A fresh temporary directory, removed when the tests end. */
export const tempDir = (): Promise<string> => removedAtExit({ prefix: "vcsim-external-" });

/** Null when `method`'s check passes, else why not (for a skipped test's name). */
export async function unavailable(method: MethodPlugin): Promise<string | null> {
  try {
    await method.check!();
    return null;
  } catch (e) {
    const reason = errorText(e);
    console.log(`note: skipping the tests of ${method.name}: ${reason}`);
    return reason;
  }
}

/** Every replicate of the store in `dir`, in key order. */
export function records(dir: string): ReplicateRecord[] {
  const store = openStore(join(dir, "results.sqlite"), { readOnly: true });
  try {
    return [...store.iterateReplicates()];
  } finally {
    store.close();
  }
}

/** The fit of `method` in record `r`. */
export const fitOf = (r: ReplicateRecord, method: string): FitRecord =>
  r.fits.find((f) => f.method === method)!;

/** True while process `pid` runs (a zombie waiting for its parent counts as ended). */
export function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Pids of running processes whose command line contains `text`. */
export function processesWith(text: string): number[] {
  const found: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).replaceAll("\0", " ");
      if (cmdline.includes(text) && alive(Number(entry.name))) found.push(Number(entry.name));
    } catch { /* ended meanwhile */ }
  }
  return found;
}

/** Waits up to `ms` for `done()` to hold; returns whether it did. */
export async function eventually(done: () => boolean, ms = 5000): Promise<boolean> {
  const until = performance.now() + ms;
  while (!done()) {
    if (performance.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** The largest relative differences of `method` from vcsim's REML, per design and kind of value. */
export interface Differences {
  /** Replicates compared, per condition. */
  readonly replicates: Record<string, number>;
  /** Max relative difference of the variances, per condition. */
  readonly variances: Record<string, number>;
  /** Max relative difference of the fixed-effect estimates and of their SEs, per condition. */
  readonly fixed: Record<string, number>;
}

/**
 * Relative difference |a - b| / |b|, where b is vcsim's value; a boundary
 * value of vcsim (exactly 0) is compared on the residual variance's scale.
 */
export function relative(a: number, b: number, residual: number): number {
  return Math.abs(a - b) / (b === 0 ? residual : Math.abs(b));
}

/** Compares `method`'s fits with REML's in every replicate of `all`. */
export function differences(all: readonly ReplicateRecord[], method: string): Differences {
  const out: Differences = { replicates: {}, variances: {}, fixed: {} };
  for (const r of all) {
    const ref = fitOf(r, "REML"), other = fitOf(r, method);
    assert(ref.status === "ok", `REML of ${r.condition}:${r.rep}: ${ref.message}`);
    assert(other.status === "ok", `${method} of ${r.condition}:${r.rep}: ${other.message}`);
    const residual = ref.parameters.find((p) => p.parameter === "Residual")!.estimate!;
    out.replicates[r.condition] = (out.replicates[r.condition] ?? 0) + 1;
    for (const p of ref.parameters) {
      const q = other.parameters.find((x) => x.parameter === p.parameter)!;
      const fixed = p.parameter.startsWith("(");
      const d = Math.max(
        relative(q.estimate!, p.estimate!, residual),
        fixed ? relative(q.se!, p.se!, residual) : 0,
      );
      const into = fixed ? out.fixed : out.variances;
      into[r.condition] = Math.max(into[r.condition] ?? 0, d);
    }
  }
  return out;
}

function assert(ok: boolean, message: string): asserts ok {
  if (!ok) throw new Error(message);
}
