/**
 * The HTML report's paired-comparisons table of one parameter: each method
 * against the reference on the same replicates (paired_comparisons.ts).
 *
 * @module
 */

import type { ComparisonRow } from "./paired_comparisons.ts";
import { COMPARISON_NOTE, comparisonCells } from "./_comparison_cells.ts";
import { esc } from "./_html_page.ts";

/** The paired-comparisons table of `parameter`; nothing for a study with one method. */
export function _comparisonPart(rows: readonly ComparisonRow[], parameter: string): string[] {
  const tables = comparisonCells(rows.filter((r) => r.parameter === parameter));
  if (tables.length === 0) return [];
  const intervals = [...new Set(tables.flatMap((t) => t.intervals))];
  const head = ["condition", "method", "n", "rel. prec. % (MCSE)", "corr", "bias diff (MCSE)"];
  const header = [...head, "MSE diff (MCSE)", ...intervals.map((i) => `${i} cov. diff %`)];
  const body = tables.flatMap((t) =>
    t.lines.map((l) => [
      t.condition,
      l.method,
      l.n,
      l.precision,
      l.correlation,
      l.bias,
      l.mse,
      ...intervals.map((i) => t.intervals.includes(i) ? l.coverage[t.intervals.indexOf(i)] : "-"),
    ])
  );
  const cells = (tag: string, row: readonly string[]) =>
    `<tr>${row.map((c) => `<${tag}>${esc(c)}</${tag}>`).join("")}</tr>`;
  return [
    `<h3>Paired comparisons with ${esc(tables[0].reference)}</h3>`,
    `<p class="note">${esc(COMPARISON_NOTE)}</p>`,
    `<table><thead>${cells("th", header)}</thead><tbody>` +
    `${body.map((r) => cells("td", r)).join("")}</tbody></table>`,
  ];
}
