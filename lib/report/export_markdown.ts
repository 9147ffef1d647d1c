/**
 * The Markdown export of a study report: the study, seed and versions, then
 * per condition a table with one row per method x parameter: bias (MCSE),
 * empirical SE, model SE, RMSE and the coverage (MCSE) of each interval
 * method.
 *
 * @module
 */

import type { ResultStore } from "../store/store.ts";
import type { MeasureName, MeasureRow } from "./measure_row.ts";
import { percent, short, withMcse } from "./_format.ts";

/** Escapes a table cell: pipes and newlines would break the row. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll(/\r?\n/g, " ");
}

function tableLines(header: string[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), `|${header.map((_, i) => i < 2 ? " --- " : " ---: ").join("|")}|`]
    .concat(rows.map(line));
}

/**
 * The report as Markdown text. Coverage cells are percentages with their
 * MCSE in parentheses; a `-` marks a measure that is undefined or an
 * interval method that does not apply.
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
 * }]);
 * assert.match(md, /\| REML \| group1 \| - \| - \| - \| - \| 94\.0 \(0\.8\) \|/);
 * store.close();
 * ```
 */
export function markdownReport(store: ResultStore, rows: readonly MeasureRow[]): string {
  const manifest = store.readManifest();
  const params = new Map(store.conditions().map((c) => [c.condition, c.params]));
  const out: string[] = [`# Study ${manifest?.study ?? "report"}`, ""];
  if (manifest) {
    const versions = Object.entries(manifest.versions).map(([k, v]) => `${k} ${v}`).join(", ");
    out.push(
      `Seed ${manifest.seed}; ${manifest.reps} replicates per condition` +
        (manifest.shard ? `; shard ${manifest.shard}` : "") + (versions ? `; ${versions}` : "") +
        ".",
      "",
    );
  }
  out.push(
    "Bias and coverage with Monte Carlo SEs in parentheses; coverage in percent over all " +
      "attempted replicates (an undefined or failed interval is a miss).",
    "",
  );
  const conditions = [...new Set(rows.map((r) => r.condition))];
  for (const condition of conditions) {
    const group = rows.filter((r) => r.condition === condition);
    const find = (m: string, p: string, i: string | null, measure: MeasureName) =>
      group.find((r) =>
        r.method === m && r.parameter === p && r.interval === i && r.measure === measure
      );
    const intervals = [...new Set(group.flatMap((r) => r.interval === null ? [] : [r.interval]))];
    const pairs = [...new Set(group.map((r) => `${r.method}\u0000${r.parameter}`))]
      .map((k) => k.split("\u0000") as [string, string]);
    const attempted = find(pairs[0][0], pairs[0][1], null, "attempted")?.value;
    out.push(`## ${condition}`, "");
    const p = params.get(condition);
    const design = p ? Object.entries(p).map(([k, v]) => `${k} = ${v}`).join(", ") : "";
    out.push(
      [design, attempted != null ? `${attempted} replicates` : ""].filter(Boolean).join("; ") +
        ".",
      "",
    );
    const body = pairs.map(([m, par]) => {
      const v = (measure: MeasureName) => find(m, par, null, measure);
      const bias = v("bias");
      return [
        m,
        par,
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
    out.push(
      ...tableLines(
        [
          "method",
          "parameter",
          "bias (MCSE)",
          "emp SE",
          "model SE",
          "RMSE",
          ...intervals.map((i) => `${i} cov. %`),
        ],
        body,
      ),
      "",
    );
  }
  return out.join("\n");
}
