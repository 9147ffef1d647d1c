/**
 * The lines `deno task study` prints: the start line, the progress bar,
 * target-MCSE rounds and the failure summary.
 *
 * @module
 */

import type { RunProgress, RunStart } from "../study/runner.ts";
import type { TargetRound } from "../report/target_mcse.ts";
import { type McseTargets, type ReplicatesNeededRow, scaleUnit } from "../report/planning.ts";
import type { FailureGroup } from "../report/failure_summary.ts";

/** One line: done/total, percent, rate, ETA. */
export function progressLine(p: RunProgress): string {
  const pct = p.total > 0 ? (100 * p.done) / p.total : 100;
  const rate = p.elapsedMs > 0 ? p.done / (p.elapsedMs / 1000) : 0;
  const eta = rate > 0 ? (p.total - p.done) / rate : NaN;
  const bar = 24, filled = Math.round((bar * pct) / 100);
  const failed = p.failed > 0 ? `, ${p.failed} failed` : "";
  return `[${"#".repeat(filled)}${".".repeat(bar - filled)}] ${p.done}/${p.total} ` +
    `${pct.toFixed(1)}%  ${rate.toFixed(1)} rep/s  ETA ${clock(eta)}${failed}`;
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = String(m).padStart(2, "0"), ss = String(r).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** The line a run starts with, then one `note:` line per note. */
export function startLines(s: RunStart): string {
  const shard = s.shard ? `, shard ${s.shard.index}/${s.shard.count}` : "";
  const head = `study ${s.study}: ${s.conditions} conditions x ${s.reps} reps${shard}, ` +
    `${s.workers} worker${s.workers === 1 ? "" : "s"}, store ${s.storePath}, ` +
    `${s.alreadyStored} already stored, ${s.total} to run`;
  const notes = [...s.notes.map((n) => `note: ${n}`), ...s.warnings.map((w) => `warning: ${w}`)];
  return [head, ...notes].join("\n") + "\n";
}

/** How a target search is named in its lines: `target MCSE 0.06` for coverage alone. */
function targetHead(targets: McseTargets): string {
  if (targets.bias === undefined) return `target MCSE ${targets.coverage}`;
  const bias = `bias ${targets.bias} x |truth|`;
  return targets.coverage === undefined
    ? `target MCSE ${bias}`
    : `target MCSE coverage ${targets.coverage}, ${bias}`;
}

/** The worst row of one kind: its MCSE on its scale and where it is. */
function worstText(r: ReplicatesNeededRow): string {
  const where = [r.condition, r.method, r.parameter, ...(r.interval ? [r.interval] : [])];
  const unit = r.measure === "bias" ? ` ${scaleUnit(r.scale)}` : "";
  return `max ${r.measure} MCSE ${Number(r.mcse!.toPrecision(3))}${unit} (${where.join(" ")})`;
}

/**
 * One line per target-MCSE round: replicates, the largest MCSE of each kind
 * targeted (coverage as a proportion; bias relative to |truth| or in
 * empirical SEs), what comes next.
 */
export function roundLine(
  t: TargetRound,
  at: { round: number; reps: number; targets: McseTargets },
): string {
  const head = `${targetHead(at.targets)}: round ${at.round}, ${at.reps} reps`;
  if (t.worst.length === 0) {
    const kinds = [
      ...(at.targets.coverage !== undefined ? ["coverage"] : []),
      ...(at.targets.bias !== undefined ? ["bias"] : []),
    ];
    return `${head}, no ${kinds.join(" or ")} with an MCSE: stopping`;
  }
  const worst = t.worst.map(worstText).join(", ");
  if (t.stop === "met") return `${head}, ${worst}: target met`;
  if (t.stop === "cap") return `${head}, ${worst}: replicate cap reached, stopping`;
  return `${head}, ${worst} -> ${t.next} reps`;
}

/** What failed and how to replay it: one line per distinct message. */
export function failureLines(
  groups: readonly FailureGroup[],
  replay: (key: string) => string,
): string {
  const lines = ["failures, stored with their messages:"];
  for (const g of groups) {
    const where = g.where === "replicate" ? "" : `${g.where} fit: `;
    lines.push(`  ${g.count} x ${where}${g.message}; replay one with: ${replay(g.replay)}`);
  }
  return lines.join("\n") + "\n";
}
