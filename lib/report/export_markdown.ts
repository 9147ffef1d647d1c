/**
 * The Markdown export of a study report: the study, seed and versions, the
 * notes on the measures, then per condition a table with one row per
 * method x parameter: failure and non-convergence rates (percent), bias
 * (MCSE), empirical SE, model SE, RMSE and the coverage (MCSE) of each
 * interval method; and when the study has tests a second table with one
 * row per method x parameter x test: the true value, size or power, the
 * number of ok tests, the rejection rate (MCSE) and the not-ok share; and
 * when the study has more than one method a table of the paired
 * comparisons with the reference method: pairs, relative % increase in
 * precision, correlation, bias and MSE differences and the coverage
 * difference of each interval method.
 *
 * @module
 */

import type { ResultStore } from "../store/store.ts";
import {
  type MissingReplicate,
  missingReplicates,
  plannedReps,
} from "../store/missing_replicates.ts";
import type { MeasureName, MeasureRow, NonconvergedRule } from "./measure_row.ts";
import { nonconvergedNote, percent, rate, short, withMcse } from "./_format.ts";
import { type ComparisonRow, pairedComparisons } from "./paired_comparisons.ts";
import { COMPARISON_NOTE, comparisonCells } from "./_comparison_cells.ts";

/** Options of {@linkcode markdownReport}. */
export interface MarkdownReportOptions {
  /**
   * The `nonconverged` rule `performanceMeasures` computed `rows` with; the
   * notes say which it was.
   * @default "use"
   */
  nonconverged?: NonconvergedRule;
  /**
   * The paired comparisons of the methods (as from `pairedComparisons`),
   * when already computed; else they are computed here, with the first
   * method as reference and the `nonconverged` rule.
   */
  comparisons?: readonly ComparisonRow[];
  /** The store's missing replicates, when already computed (else they are computed here). */
  missing?: readonly MissingReplicate[];
}

/** Escapes a table cell: pipes and newlines would break the row. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll(/\r?\n/g, " ");
}

/** A table whose first `left` columns are left-aligned, the others right-aligned. */
function tableLines(header: string[], rows: string[][], left = 2): string[] {
  const line = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), `|${header.map((_, i) => i < left ? " --- " : " ---: ").join("|")}|`]
    .concat(rows.map(line));
}

/** The table of one condition's rows: one line per method x parameter. */
function conditionTable(group: readonly MeasureRow[]): string[] {
  const find = (m: string, p: string, i: string | null, measure: MeasureName) =>
    group.find((r) =>
      r.method === m && r.parameter === p && r.interval === i && r.measure === measure
    );
  const intervals = [...new Set(group.flatMap((r) => r.interval === null ? [] : [r.interval]))];
  const pairs = [...new Set(group.map((r) => `${r.method}\u0000${r.parameter}`))]
    .map((k) => k.split("\u0000") as [string, string]);
  const body = pairs.map(([m, par]) => {
    const v = (measure: MeasureName) => find(m, par, null, measure);
    const bias = v("bias");
    return [
      m,
      par,
      rate(v("failure_rate")?.value),
      rate(v("nonconvergence_rate")?.value),
      withMcse(bias?.value ?? null, bias?.mcse ?? null),
      short(v("empirical_se")?.value ?? null),
      short(v("model_se")?.value ?? null),
      short(v("rmse")?.value ?? null),
      ...intervals.map((i) => {
        const c = find(m, par, i, "coverage");
        return c ? percent(c.value, c.mcse) : "-";
      }),
    ];
  });
  const header = ["method", "parameter", "fail%", "nconv%", "bias (MCSE)", "emp SE", "model SE"];
  return tableLines([...header, "RMSE", ...intervals.map((i) => `${i} cov. %`)], body);
}

/** The tests table of one condition's rows, or nothing when they have no tests. */
function testsTable(group: readonly MeasureRow[]): string[] {
  const tests = group.filter((r) => r.test !== undefined);
  if (tests.length === 0) return [];
  const keys = [...new Set(tests.map((r) => `${r.method}\u0000${r.parameter}\u0000${r.test}`))];
  const body = keys.map((k) => {
    const [method, parameter, test] = k.split("\u0000");
    const get = (measure: MeasureName) =>
      tests.find((r) =>
        r.method === method && r.parameter === parameter && r.test === test &&
        r.measure === measure
      );
    const rejection = get("rejection");
    return [
      method,
      parameter,
      test,
      short(rejection?.truth ?? null),
      rejection?.kind ?? "-",
      String(get("tested")?.value ?? "-"),
      percent(rejection?.value ?? null, rejection?.mcse ?? null),
      rate(get("not_ok_rate")?.value),
    ];
  });
  const header = ["method", "parameter", "test", "truth", "kind", "n", "reject % (MCSE)"];
  return ["", ...tableLines([...header, "not ok %"], body, 3)];
}

/** The comparisons table of one condition, or nothing when it has no comparisons. */
function comparisonsTable(rows: readonly ComparisonRow[], condition: string): string[] {
  return comparisonCells(rows.filter((r) => r.condition === condition)).flatMap((t) => {
    const header = ["method", "parameter", "n", "rel. prec. % (MCSE)", "corr"];
    const body = t.lines.map((l) => [
      l.method,
      l.parameter,
      l.n,
      l.precision,
      l.correlation,
      l.bias,
      l.mse,
      ...l.coverage,
    ]);
    return [
      "",
      `Paired with ${t.reference}:`,
      "",
      ...tableLines(
        [
          ...header,
          "bias diff (MCSE)",
          "MSE diff (MCSE)",
          ...t.intervals.map((i) => `${i} cov. diff %`),
        ],
        body,
      ),
    ];
  });
}

/** The notes' sentence on the tests tables. */
const TESTS_NOTE = "Tests: the rejection rate in percent of the n ok tests with its Monte " +
  "Carlo SE, the size when the true value is 0 and the power otherwise; not ok % is the share " +
  "of attempted replicates without an ok test (undefined, not applicable, failed or no fit).";

/** ` (N stored, M missing)` when the store lacks replicates it should hold, else nothing. */
function missingNote(store: ResultStore, known?: readonly MissingReplicate[]): string {
  const missing = (known ?? missingReplicates(store)).length;
  return missing > 0 ? ` (${store.replicateCount()} stored, ${missing} missing)` : "";
}

/**
 * The report as Markdown text. Coverage cells are percentages with their
 * MCSE in parentheses; a `-` marks a measure that is undefined or an
 * interval method that does not apply; tests get a table of their own
 * under each condition's, and so do the paired comparisons of the methods
 * (`options.comparisons`, else computed from the store; none with one
 * method). The notes say whether non-converged
 * fits were used in the measures or excluded (`options.nonconverged`, which
 * should be the option `rows` were computed with).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { openStore } from "../store/store.ts";
 * import { markdownReport } from "./export_markdown.ts";
 * const store = openStore(":memory:");
 * const md = markdownReport(store, [{
 *   condition: "n=5", method: "REML", parameter: "group1", interval: "wald",
 *   measure: "coverage", value: 0.94, mcse: 0.0075,
 * }], { nonconverged: "exclude" });
 * assert.match(md, /\| REML \| group1 \| - \| - \| - \| - \| - \| - \| 94\.0 \(0\.8\) \|/);
 * assert.match(md, /Non-converged fits are excluded from the measures/);
 * store.close();
 * ```
 */
export function markdownReport(
  store: ResultStore,
  rows: readonly MeasureRow[],
  options: MarkdownReportOptions = {},
): string {
  const note = nonconvergedNote(options.nonconverged);
  const comparisons = options.comparisons ??
    pairedComparisons(store, { nonconverged: options.nonconverged });
  const manifest = store.readManifest();
  const params = new Map(store.conditions().map((c) => [c.condition, c.params]));
  const out: string[] = [`# Study ${manifest?.study ?? "report"}`, ""];
  if (manifest) {
    const versions = Object.entries(manifest.versions).map(([k, v]) => `${k} ${v}`).join(", ");
    out.push(
      `Seed ${manifest.seed}; ${plannedReps(manifest)} replicates per condition` +
        missingNote(store, options.missing) +
        (manifest.shard ? `; shard ${manifest.shard}` : "") + (versions ? `; ${versions}` : "") +
        ".",
      "",
    );
  }
  out.push(
    "Bias and coverage with Monte Carlo SEs in parentheses; fail%, nconv% and coverage in " +
      "percent of all attempted replicates (an undefined or failed interval is a miss). " + note +
      (rows.some((r) => r.test !== undefined) ? ` ${TESTS_NOTE}` : "") +
      (comparisons.length > 0 ? ` ${COMPARISON_NOTE}` : ""),
    "",
  );
  for (const condition of new Set(rows.map((r) => r.condition))) {
    const group = rows.filter((r) => r.condition === condition);
    const attempted = group.find((r) => r.measure === "attempted")?.value;
    out.push(`## ${condition}`, "");
    const p = params.get(condition);
    const design = p ? Object.entries(p).map(([k, v]) => `${k} = ${v}`).join(", ") : "";
    out.push(
      [design, attempted != null ? `${attempted} replicates` : ""].filter(Boolean).join("; ") +
        ".",
      "",
      ...conditionTable(group),
      ...testsTable(group),
      ...comparisonsTable(comparisons, condition),
      "",
    );
  }
  return out.join("\n");
}
