/**
 * vcsim against lme4 on the same replicates, in one run. Run:
 * `deno run --allow-read --allow-write --allow-run bench/compare_lme4/compare.ts [--reps N] [--designs nested-200,nested-5,one-way-10]`
 * (needs Rscript with lme4 and jsonlite; without them it prints one line and exits 0).
 * Measures the wall time per replicate of lmer REML + ML fits and of confint(m) (the profile:
 * lme4 refits by ML and profiles the ML deviance) + confint(m, method = "Wald"), timed inside R
 * around those calls only (lme4_fits.R, data loaded first, lmerControl() defaults), and of
 * vcsim's same fits and profile-ml + wald intervals, timed inside Deno; prints both with their
 * ratios, and vcsim's extras (ANOVA, REML profile, Satterthwaite, log-Wald) apart. Checks that
 * they agree: variances and Wald limits of the fixed effects to 1e-5 relative (against lme4
 * refitted untimed with a tight optimizer; the default one stops up to ~2e-4 short), profile
 * limits to 1e-3 (lme4 splines its profile); a profile limit beyond that is judged on lme4's own
 * profiled deviance at both values. Exits 1 if they do not agree. The data are replicates 0..N-1
 * (default N = 3, about a minute: lme4's confint takes ~10 s on the 40,000-row design) of
 * conditions of the built-in studies, drawn exactly as a study run draws them, written as CSV
 * with y also as raw doubles (which R reads: its read.csv is not correctly rounded), and checked
 * bit for bit as lme4 fitted them: nested 200 x 20 x 10 and 5 x 20 x 10 (SDs 2/3/4,
 * studies/nested.ts) and balanced one-way, 10 groups of 5 at ICC 0.2 (studies/one_way.ts).
 *
 * @module
 */

import { dirname, join } from "node:path";
import {
  conditionKey,
  type ConfidenceInterval,
  confidenceIntervals,
  type Dataset,
  deriveStream,
  fitVarComp,
  modelFrame,
  studyConditions,
  type StudyDefinition,
  VERSION,
  writeCsv,
} from "../../mod.ts";
import nestedStudy from "../../studies/nested.ts";
import oneWayStudy from "../../studies/one_way.ts";

/** A design: one condition of a built-in study. */
interface Design {
  readonly name: string;
  readonly study: StudyDefinition;
  readonly condition: Record<string, number>;
}

const DESIGNS: readonly Design[] = [
  { name: "nested-200", study: nestedStudy, condition: { n_group1: 200, group1_sd: 2 } },
  { name: "nested-5", study: nestedStudy, condition: { n_group1: 5, group1_sd: 2 } },
  { name: "one-way-10", study: oneWayStudy, condition: { groups: 10, icc: 0.2 } },
];
const DESCRIPTION: Record<string, string> = {
  "nested-200": "nested 200 x 20 x 10, SDs 2/3/4 (the notebook's design)",
  "nested-5": "nested 5 x 20 x 10, SDs 2/3/4",
  "one-way-10": "one-way 10 groups of 5, ICC 0.2",
};

const TOL = { variance: 1e-5, profile: 1e-3, wald: 1e-5 };
/** The 0.95 quantile of chi-square(1): the deviance rise at a 95% profile limit. */
const CUTOFF = 3.841458820694124;
const R_SCRIPT = new URL("./lme4_fits.R", import.meta.url).pathname;

function parseArgs(args: string[]): { reps: number; designs: Design[] } {
  let reps = 3;
  let designs = [...DESIGNS];
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split("=", 2);
    const value = () => inline ?? args[++i];
    if (flag === "--reps") {
      reps = Number(value());
      if (!Number.isInteger(reps) || reps < 1) {
        throw new RangeError("--reps must be an integer >= 1");
      }
    } else if (flag === "--designs") {
      const names = value().split(",");
      designs = names.map((n) => {
        const d = DESIGNS.find((x) => x.name === n);
        if (!d) throw new RangeError(`unknown design ${n}: expected ${DESIGNS.map((x) => x.name)}`);
        return d;
      });
    } else throw new RangeError(`unknown argument ${args[i]}`);
  }
  return { reps, designs };
}

/** Exit 0 with one line when R or lme4 is missing. */
async function lme4Available(): Promise<string | null> {
  try {
    const out = await new Deno.Command("Rscript", {
      args: [R_SCRIPT, "--check"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success ? null : "the R packages lme4 and jsonlite are not installed";
  } catch {
    return "Rscript is not on the PATH";
  }
}

/** The replicate's data exactly as a study run draws it. */
function replicateData(design: Design, rep: number): Dataset {
  const condition = studyConditions(design.study).find((c) =>
    Object.entries(design.condition).every(([k, v]) => c[k] === v)
  );
  if (!condition) throw new Error(`${design.name}: no such condition in ${design.study.name}`);
  const key = conditionKey(condition);
  return design.study.generate(condition, deriveStream(design.study.seed, [key, rep]), rep);
}

interface Case {
  design: string;
  rep: number;
  csv: string;
  formula: string;
  rows: number;
  data: Dataset;
}

interface VcsimResult {
  ms: { frame: number; reml: number; ml: number; profile: number; wald: number; extra: number };
  reml: Record<string, number>;
  ml: Record<string, number>;
  intervals: readonly ConfidenceInterval[];
}

interface Limits {
  rows: string[];
  lower: (number | null)[];
  upper: (number | null)[];
}
interface Lme4Result {
  design: string;
  rep: number;
  rows: number;
  ms: { reml: number; ml: number; profile: number; wald: number };
  reml: Record<string, number>;
  ml: Record<string, number>;
  profile: Limits | null;
  wald: Limits | null;
  warnings: string[];
  tight: { reml: Record<string, number>; ml: Record<string, number>; wald: Limits | null };
}
interface Lme4Output {
  versions: { R: string; lme4: string };
  optimizer: string;
  total_s: { elapsed: number };
  results: Lme4Result[];
}

/** vcsim's fits and intervals of one case, each timed; the extras apart. */
function runVcsim(c: Case): VcsimResult {
  const t0 = performance.now();
  const frame = modelFrame(c.data, c.formula);
  const t1 = performance.now();
  const reml = fitVarComp(frame, { method: "reml" });
  const t2 = performance.now();
  const ml = fitVarComp(frame, { method: "ml" });
  const t3 = performance.now();
  const profile = confidenceIntervals(frame, reml, { methods: ["profile-ml"] });
  const t4 = performance.now();
  const wald = confidenceIntervals(frame, reml, { methods: ["wald"] });
  const t5 = performance.now();
  // What lme4 does not offer: ANOVA, the REML profile, Satterthwaite and log-Wald intervals.
  const anova = fitVarComp(frame, { method: "anova" });
  confidenceIntervals(frame, reml, { methods: ["profile", "satterthwaite", "wald-log"] });
  confidenceIntervals(frame, anova, { methods: ["wald", "satterthwaite"] });
  const t6 = performance.now();
  return {
    ms: {
      frame: t1 - t0,
      reml: t2 - t1,
      ml: t3 - t2,
      profile: t4 - t3,
      wald: t5 - t4,
      extra: t6 - t5,
    },
    reml: { ...reml.variances },
    ml: { ...ml.variances },
    intervals: [...profile.intervals, ...wald.intervals],
  };
}

/** y of a case as raw little-endian doubles, which lme4_fits.R reads in place of the CSV's y. */
function writeY(c: Case): void {
  const y = c.data.columns.get("y");
  if (y?.kind !== "numeric") throw new Error(`${c.design}: no numeric column y`);
  Deno.writeFileSync(`${c.csv}.y.bin`, new Uint8Array(new Float64Array(y.values).buffer));
}

/** Whether lme4 fitted exactly vcsim's doubles (lme4_fits.R wrote back the y it used). */
function sameDoubles(c: Case): boolean {
  const theirs = Deno.readFileSync(`${c.csv}.y.used.bin`);
  const ours = Deno.readFileSync(`${c.csv}.y.bin`);
  return theirs.length === ours.length && theirs.every((b, i) => b === ours[i]);
}

/** How many of y's doubles R's read.csv parsed to another double (R's strtod is not exact). */
function textMismatches(c: Case): number {
  const y = c.data.columns.get("y");
  if (y?.kind !== "numeric") return NaN;
  const theirs = new Float64Array(Deno.readFileSync(`${c.csv}.y.csv.bin`).buffer);
  return y.values.reduce((n, v, i) => n + (theirs[i] === v ? 0 : 1), 0);
}

/** lme4's name of a term ("group2:group1") to vcsim's ("group1:group2"). */
const termKey = (name: string) => name.split(":").sort().join(":");
/** lme4's confint row ("sd_(Intercept)|group1", "sigma") to vcsim's parameter and scale. */
function rowParameter(row: string): { key: string; sd: boolean } {
  if (row === "sigma") return { key: "Residual", sd: true };
  const m = /^sd_\(Intercept\)\|(.+)$/.exec(row);
  return m ? { key: termKey(m[1]), sd: true } : { key: row, sd: false };
}

/** A profile limit where vcsim and lme4 differ by more than the tolerance. */
interface Dispute {
  readonly row: string;
  /** 1-based position among the SD parameters, or among the fixed effects. */
  readonly index: number;
  readonly side: "lower" | "upper";
  readonly vcsim: number;
  readonly lme4: number;
}

interface Agreement {
  /** Against lme4's tight refits. */
  reml: number;
  ml: number;
  wald: number;
  /** lme4's default-tolerance fits against vcsim (information only). */
  defaults: number;
  profile: number;
  disputes: Dispute[];
  notes: string[];
}

/** Largest relative differences, vcsim against lme4, of one case. */
function agreement(v: VcsimResult, r: Lme4Result): Agreement {
  const notes: string[] = [];
  const variances = (ours: Record<string, number>, theirs: Record<string, number>) => {
    const total = Object.values(theirs).reduce((s, x) => s + x, 0);
    let worst = 0;
    for (const [name, x] of Object.entries(theirs)) {
      const y = Object.entries(ours).find(([k]) => termKey(k) === termKey(name))?.[1];
      if (y === undefined) {
        notes.push(`vcsim has no ${name}`);
        return Infinity;
      }
      // A variance at the boundary (lme4 stops at theta ~1e-5, not 0) is judged on the total.
      worst = Math.max(worst, Math.abs(x - y) / Math.max(Math.abs(x), 1e-6 * total));
    }
    return worst;
  };
  const disputes: Dispute[] = [];
  const limits = (ref: Limits | null, method: "profile-ml" | "wald") => {
    if (ref === null) {
      notes.push(`lme4's ${method === "wald" ? "Wald" : "profile"} confint failed`);
      return NaN;
    }
    let worst = 0, sds = 0, fixed = 0;
    ref.rows.forEach((row, i) => {
      const { key, sd } = rowParameter(row);
      const index = sd ? ++sds : ++fixed;
      if (method === "wald" && sd) return; // lme4 gives NA
      const ci = v.intervals.find((c) => c.method === method && termKey(c.parameter) === key);
      if (!ci || ci.status !== "ok") {
        notes.push(`vcsim ${method} ${key}: ${ci?.status ?? "missing"}`);
        worst = Infinity;
        return;
      }
      const ours = (x: number) => sd ? Math.sqrt(Math.max(0, x)) : x;
      const lo = ref.lower[i], hi = ref.upper[i];
      if (lo === null || hi === null) {
        notes.push(`lme4 ${method} ${row}: NA`);
        return;
      }
      const scale = Math.max(Math.abs(lo), Math.abs(hi));
      for (const side of ["lower", "upper"] as const) {
        const theirs = side === "lower" ? lo : hi, mine = ours(ci[side]!);
        // A limit at 0 (the profile reaches the boundary) is judged against the width.
        const err = Math.abs(mine - theirs) / Math.max(Math.abs(theirs), 1e-3 * scale);
        worst = Math.max(worst, err);
        if (method === "profile-ml" && err > TOL.profile) {
          disputes.push({ row, index, side, vcsim: mine, lme4: theirs });
        }
      }
    });
    return worst;
  };
  return {
    reml: variances(v.reml, r.tight.reml),
    ml: variances(v.ml, r.tight.ml),
    wald: limits(r.tight.wald, "wald"),
    defaults: Math.max(variances(v.reml, r.reml), variances(v.ml, r.ml)),
    profile: limits(r.profile, "profile-ml"),
    disputes,
    notes,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x: number) => x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
const ratio = (x: number) => x >= 100 ? `${x.toFixed(0)}x` : `${x.toFixed(1)}x`;
const sci = (x: number) => Number.isNaN(x) ? "n/a" : x === 0 ? "0" : x.toExponential(1);
/** lme4 and vcsim fit and interval times with their ratios, as table cells. */
const timeCells = (lf: number, vf: number, li: number, vi: number) => [
  ms(lf),
  ms(vf),
  ratio(lf / vf),
  ms(li),
  ms(vi),
  ratio(li / vi),
  ratio((lf + li) / (vf + vi)),
];
/** Cells padded to `widths`: the first two (and those in `left`) left-aligned, the rest right. */
const pad = (cells: string[], widths: number[], left: readonly number[] = []) =>
  cells.map((c, i) => i < 2 || left.includes(i) ? c.padEnd(widths[i]) : c.padStart(widths[i])).join(
    "  ",
  ).trimEnd();

async function main() {
  const { reps, designs } = parseArgs(Deno.args);
  const missing = await lme4Available();
  if (missing !== null) {
    console.log(`compare_lme4: skipped: ${missing}`);
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "vcsim-compare-lme4-" });
  try {
    const cases: Case[] = [];
    for (const design of designs) {
      const formula = typeof design.study.formula === "string" ? design.study.formula : "";
      for (let rep = 0; rep < reps; rep++) {
        const data = replicateData(design, rep);
        const csv = join(dir, `${design.name}-${rep}.csv`);
        await Deno.writeTextFile(csv, writeCsv(data));
        const c = { design: design.name, rep, csv, formula, rows: data.nrow, data };
        writeY(c);
        cases.push(c);
      }
    }
    const casesPath = join(dir, "cases.json");
    await Deno.writeTextFile(
      casesPath,
      JSON.stringify(cases.map(({ design, rep, csv, formula }) => ({ design, rep, csv, formula }))),
    );
    // vcsim first (warm-up on the smallest case, untimed, as lme4_fits.R does), then lme4.
    const smallest = cases.reduce((a, b) => (b.rows < a.rows ? b : a));
    runVcsim(smallest);
    const ours = cases.map(runVcsim);
    const outPath = join(dir, "lme4.json");
    const r = await new Deno.Command("Rscript", {
      args: [R_SCRIPT, casesPath, outPath],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!r.success) throw new Error(`lme4_fits.R failed (exit ${r.code})`);
    const lme4 = JSON.parse(await Deno.readTextFile(outPath)) as Lme4Output;
    await report(cases, ours, lme4, reps);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function report(cases: Case[], ours: VcsimResult[], lme4: Lme4Output, reps: number) {
  console.log(
    `compare_lme4: lme4 ${lme4.versions.lme4} (R ${lme4.versions.R}, lmerControl() defaults: ` +
      `${lme4.optimizer}) vs vcsim ${VERSION} (Deno ${Deno.version.deno}); ${reps} replicates per design`,
  );
  console.log(
    "Wall ms per replicate. fits: REML + ML (vcsim: + model frame); intervals: lme4 confint(m) " +
      "profile + Wald, vcsim profile-ml + wald; ratio = lme4 / vcsim.",
  );
  console.log(
    "vcsim extra (not in lme4, not in the ratios): ANOVA fit, REML-profile, Satterthwaite, log-Wald.",
  );
  for (const name of new Set(cases.map((c) => c.design))) {
    console.log(`  ${name.padEnd(10)}  ${DESCRIPTION[name]}`);
  }
  const head = [
    "design",
    "rep",
    "rows",
    "lme4 fits",
    "vcsim fits",
    "ratio",
    "lme4 CIs",
    "vcsim CIs",
    "ratio",
    "total ratio",
    "vcsim extra",
  ];
  const widths = [10, 3, 5, 9, 10, 6, 9, 9, 6, 11, 11];
  console.log("\n" + pad(head, widths));
  const byDesign = new Map<string, { lf: number[]; vf: number[]; li: number[]; vi: number[] }>();
  const agreements: { c: Case; a: Agreement }[] = [];
  let identical = true;
  let misparsed = 0;
  cases.forEach((c, i) => {
    const v = ours[i];
    const r = lme4.results[i];
    if (r.design !== c.design || r.rep !== c.rep) throw new Error("lme4 results out of order");
    if (r.rows !== c.rows || !sameDoubles(c)) identical = false;
    misparsed += textMismatches(c);
    const lf = r.ms.reml + r.ms.ml, li = r.ms.profile + r.ms.wald;
    const vf = v.ms.frame + v.ms.reml + v.ms.ml, vi = v.ms.profile + v.ms.wald;
    const d = byDesign.get(c.design) ?? { lf: [], vf: [], li: [], vi: [] };
    d.lf.push(lf), d.vf.push(vf), d.li.push(li), d.vi.push(vi);
    byDesign.set(c.design, d);
    console.log(pad(
      [c.design, String(c.rep), String(c.rows), ...timeCells(lf, vf, li, vi), ms(v.ms.extra)],
      widths,
    ));
    agreements.push({ c, a: agreement(v, r) });
  });
  console.log("\nMedians over replicates");
  console.log(
    pad(head.filter((_, i) => i !== 1 && i !== 2 && i !== 10), [10, 9, 10, 6, 9, 9, 6, 11]),
  );
  for (const [name, d] of byDesign) {
    const [lf, vf, li, vi] = [median(d.lf), median(d.vf), median(d.li), median(d.vi)];
    console.log(pad([name, ...timeCells(lf, vf, li, vi)], [10, 9, 10, 6, 9, 9, 6, 11]));
  }
  console.log(
    `lme4's timed loop (system.time around all fits and confints): ${
      lme4.total_s.elapsed.toFixed(1)
    } s; vcsim's: ${
      (ours.reduce((s, v) => s + v.ms.frame + v.ms.reml + v.ms.ml + v.ms.profile + v.ms.wald, 0) /
        1000).toFixed(2)
    } s (+ ${(ours.reduce((s, v) => s + v.ms.extra, 0) / 1000).toFixed(2)} s extra)`,
  );

  console.log(
    `\nAgreement: largest relative difference, vcsim vs lme4. Variances and Wald limits of the ` +
      `fixed effects against lme4 refitted\nwith a tight optimizer (bobyqa, rhoend 1e-10; ` +
      `tolerance ${sci(TOL.variance)}); profile limits (SD scale) against the timed confint(m) ` +
      `(tolerance ${sci(TOL.profile)}).\n"lme4 dflt": lme4's timed default-tolerance fits ` +
      `against vcsim, for information.`,
  );
  const aw = [10, 3, 9, 9, 9, 9, 10, 4];
  console.log(
    pad(["design", "rep", "REML var", "ML var", "Wald", "profile", "lme4 dflt", ""], aw),
  );
  const disputes: { c: Case; d: Dispute }[] = [];
  const failed = new Set<Case>();
  for (const { c, a } of agreements) {
    const bad = !(a.reml <= TOL.variance && a.ml <= TOL.variance && a.wald <= TOL.wald);
    if (bad) failed.add(c);
    for (const d of a.disputes) disputes.push({ c, d });
    const mark = bad ? "FAIL" : a.disputes.length > 0 ? "see below" : "ok";
    const cells = [a.reml, a.ml, a.wald, a.profile, a.defaults].map(sci);
    console.log(
      pad([c.design, String(c.rep), ...cells, mark], aw) +
        (a.notes.length > 0 ? `  ${a.notes.join("; ")}` : ""),
    );
  }
  if (disputes.length > 0) {
    // Who is right: the rise of lme4's own profiled ML deviance at each limit (lme4_fits.R).
    const rises = await deviances(disputes);
    console.log(
      `\nProfile limits that differ by more than ${
        sci(TOL.profile)
      }: the rise of lme4's profiled ` +
        `ML deviance (lme4:::devfun2 minimised over\nthe other parameters, or an offset refit) ` +
        `at each; a 95% limit sits where it reaches ${CUTOFF.toFixed(6)} (or at 0 below it).`,
    );
    const dw = [10, 3, 28, 5, 11, 11, 12, 11, 0];
    console.log(
      pad(
        ["design", "rep", "parameter", "side", "vcsim", "lme4", "rise vcsim", "rise lme4", ""],
        dw,
      ),
    );
    disputes.forEach(({ c, d }, i) => {
      const [mine, theirs] = rises[i];
      const onCutoff = (x: number, rise: number) =>
        Math.abs(rise - CUTOFF) <= 1e-3 || (x === 0 && rise <= CUTOFF);
      const verdict = onCutoff(d.vcsim, mine) && !onCutoff(d.lme4, theirs)
        ? "vcsim on the cutoff, lme4 not"
        : "UNRESOLVED";
      if (verdict === "UNRESOLVED") failed.add(c);
      console.log(pad(
        [
          c.design,
          String(c.rep),
          d.row,
          d.side,
          d.vcsim.toPrecision(6),
          d.lme4.toPrecision(6),
          mine.toFixed(6),
          theirs.toFixed(6),
          verdict,
        ],
        dw,
        [2, 3, 8],
      ));
    });
  }
  for (const r of lme4.results.filter((r) => r.warnings.length > 0)) {
    console.log(`lme4 warnings, ${r.design} rep ${r.rep}: ${r.warnings.join(" | ")}`);
  }
  console.log(
    `data: ${
      identical ? "identical" : "DIFFERENT"
    } (the y lme4 fitted, bit for bit, against vcsim's doubles; R reads them raw, since its ` +
      `read.csv parsed ${misparsed} of ${
        cases.reduce((n, c) => n + c.rows, 0)
      } shortest round-trip decimals to a neighbouring double)`,
  );
  console.log(
    failed.size === 0 && identical
      ? `agreement: ok (${agreements.length} replicates)`
      : `agreement: FAILED (${failed.size} of ${agreements.length} replicates)`,
  );
  if (failed.size > 0 || !identical) Deno.exitCode = 1;
}

/** lme4's profiled-deviance rise at vcsim's and lme4's value of each disputed limit. */
async function deviances(disputes: { c: Case; d: Dispute }[]): Promise<[number, number][]> {
  const dir = dirname(disputes[0].c.csv);
  const requests = disputes.map(({ c, d }) => ({
    csv: c.csv,
    formula: c.formula,
    row: d.row,
    index: d.index,
    values: [d.vcsim, d.lme4],
  }));
  const input = join(dir, "deviance-requests.json"), output = join(dir, "deviances.json");
  await Deno.writeTextFile(input, JSON.stringify(requests));
  const r = await new Deno.Command("Rscript", {
    args: [R_SCRIPT, "--deviance", input, output],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!r.success) throw new Error(`lme4_fits.R --deviance failed (exit ${r.code})`);
  return JSON.parse(await Deno.readTextFile(output));
}

main();
