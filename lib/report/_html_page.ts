/**
 * The HTML report's page pieces other than charts: the ADEMP and facts
 * header, the tables of key measures and of tests, number and HTML
 * formatting, and the style sheet.
 *
 * @module
 */

import type { Ademp } from "../study/study.ts";
import type { MeasureRow, NonconvergedRule } from "./measure_row.ts";
import { nonconvergedNote } from "./_format.ts";
import { type Config, label, type StudyData } from "./_report_data.ts";

/** The ADEMP section: the ADEMP text, the study's facts and its recorded source code. */
export function headerHtml(
  data: StudyData,
  rows: readonly MeasureRow[],
  options: { ademp?: Partial<Ademp>; generatedAt?: Date },
): string {
  const m = data.manifest;
  const config = (m?.config ?? {}) as Config;
  const given = { ...config.ademp, ...options.ademp };
  const factors = data.conditions.length
    ? Object.entries(config.factors ?? {}).map(([k, v]) => `${k} ∈ {${v.join(", ")}}`).join("; ")
    : "";
  const derived: Ademp = {
    aims: "Not recorded in the store.",
    data: `${data.conditions.length} conditions` +
      (factors ? ` from the factors ${factors}` : "") +
      (config.formula ? `; model ${config.formula}` : ""),
    estimands: data.parameters.join(", "),
    methods: `${data.methods.join(", ")}` +
      (data.intervals.length
        ? `; intervals ${data.intervals.join(", ")} at level ${pct(config.level ?? 0.95)}`
        : "") +
      (data.tests.length
        ? `; tests ${data.tests.join(", ")} at alpha ${pct(testLevel(config))}`
        : ""),
    performance: [...new Set(rows.map((r) => r.measure))].join(", ") || "none computed",
  };
  const ademp: [string, keyof Ademp][] = [
    ["Aims", "aims"],
    ["Data-generating mechanisms", "data"],
    ["Estimands", "estimands"],
    ["Methods", "methods"],
    ["Performance measures", "performance"],
  ];
  const versions = Object.entries(m?.versions ?? {}).map(([k, v]) => `${esc(k)} ${esc(v)}`)
    .join(", ");
  const facts: [string, string][] = [
    ["Study", esc(m?.study ?? "")],
    ["Seed", esc(String(m?.seed ?? ""))],
    [
      "Replicates",
      `${m ? data.replicates.planned : "?"} per condition; ${data.replicates.stored} stored` +
      (data.replicates.failed ? `, ${data.replicates.failed} failed` : "") +
      (data.replicates.missing ? `; ${data.replicates.missing} missing` : ""),
    ],
    ["Conditions", String(data.conditions.length)],
    ["Versions", versions],
    ["Created", esc(m?.createdAt ?? "")],
    ["Report generated", esc((options.generatedAt ?? new Date()).toISOString())],
    ["Configuration hash", `<code>${esc(m?.configHash ?? "")}</code>`],
  ];
  if (m?.shard) facts.push(["Shard", esc(m.shard)]);
  const code = Object.entries(config.code ?? {}).map(([k, v]) =>
    `<details><summary>${esc(k)} source</summary><pre>${esc(v)}</pre></details>`
  ).join("\n");
  return `<section class="ademp">
<h2>ADEMP</h2>
<dl>${
    ademp.map(([title, key]) =>
      `<dt>${title}</dt><dd>${esc(given[key] ?? derived[key])}${
        given[key] ? "" : ' <span class="note">(derived from the design)</span>'
      }</dd>`
    ).join("")
  }</dl>
<table class="facts">${facts.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join("")}
</table>
${code}
</section>`;
}

/** The table's estimator measures: measure, column title, and whether shown in percent. */
const TABLE_MEASURES = [
  ["bias", "bias", false],
  ["relative_bias", "rel. bias%", true],
  ["empirical_se", "emp. SE", false],
  ["model_se", "model SE", false],
  ["rmse", "RMSE", false],
  ["failure_rate", "fail%", true],
  ["nonconvergence_rate", "nconv%", true],
] as const;

/**
 * The table of key measures of `options.parameter`, one row per condition x
 * method, and its notes, which say how the measures treated non-converged
 * fits (`options.nonconverged`, the rule `rows` were computed with).
 */
export function measureTable(
  rows: readonly MeasureRow[],
  data: StudyData,
  options: { parameter: string; nonconverged?: NonconvergedRule },
): string {
  const { parameter } = options;
  const note = nonconvergedNote(options.nonconverged);
  const mine = rows.filter((r) => r.parameter === parameter);
  const index = new Map(
    mine.map((r) => [`${r.condition}\u0000${r.method}\u0000${r.interval}\u0000${r.measure}`, r]),
  );
  const get = (c: string, m: string, i: string | null, measure: string) =>
    index.get(`${c}\u0000${m}\u0000${i}\u0000${measure}`);
  const estimator = TABLE_MEASURES.filter(([measure]) =>
    mine.some((r) => r.measure === measure && r.value !== null)
  );
  const intervals = data.intervals.filter((i) => mine.some((r) => r.interval === i));
  const head = [
    "condition",
    "method",
    ...estimator.map(([, title]) => title),
    ...intervals.flatMap((i) => [`cover% ${i}`, `width ${i}`]),
  ];
  const body: string[] = [];
  for (const condition of data.conditionOrder) {
    for (const method of data.methods) {
      const own = estimator.map(([measure]) => get(condition, method, null, measure));
      const ofIntervals = intervals.flatMap((i) => [
        get(condition, method, i, "coverage"),
        get(condition, method, i, "mean_width"),
      ]);
      if ([...own, ...ofIntervals].every((c) => c === undefined)) continue;
      const cells = [
        ...own.map((c, k) => estimator[k][2] ? rateCell(c) : cell(c)),
        // Coverage in percent, the width as it is.
        ...ofIntervals.map((c, k) => k % 2 === 0 ? rateCell(c) : cell(c)),
      ];
      body.push(
        `<tr><td>${esc(label(condition))}</td><td>${esc(method)}</td>${
          cells.map((c) => `<td>${c}</td>`).join("")
        }</tr>`,
      );
    }
  }
  if (body.length === 0) return `<p class="note">No measures of ${esc(parameter)}.</p>`;
  return `<div class="scroll"><table class="measures"><thead><tr>${
    head.map((h) => `<th>${esc(h)}</th>`).join("")
  }</tr></thead><tbody>${body.join("\n")}</tbody></table></div>
<p class="note">Monte Carlo SEs in parentheses; rel. bias% in percent of the true value; ` +
    `cover% (undefined intervals count as misses), fail% and nconv% in percent of attempted ` +
    `replicates; width: mean width of the defined intervals. ${note}</p>`;
}

/** The tests' level recorded in the config (`alpha`), else 0.05. */
export function testLevel(config: Config | undefined): number {
  const alpha = config?.alpha;
  return typeof alpha === "number" && alpha > 0 && alpha < 1 ? alpha : 0.05;
}

/**
 * The table of the tests of `options.parameter`, one row per condition x
 * method x test: true value, size or power, ok tests, rejection rate and
 * not-ok share; empty when the parameter has no tests.
 */
export function testsTable(
  rows: readonly MeasureRow[],
  data: StudyData,
  options: { parameter: string },
): string {
  const mine = rows.filter((r) => r.parameter === options.parameter && r.test !== undefined);
  if (mine.length === 0) return "";
  const index = new Map(
    mine.map((r) => [`${r.condition}\u0000${r.method}\u0000${r.test}\u0000${r.measure}`, r]),
  );
  const body: string[] = [];
  for (const condition of data.conditionOrder) {
    for (const method of data.methods) {
      for (const test of data.tests) {
        const get = (measure: string) =>
          index.get(`${condition}\u0000${method}\u0000${test}\u0000${measure}`);
        const rejection = get("rejection");
        if (!rejection) continue;
        const cells = [
          esc(label(condition)),
          esc(method),
          esc(test),
          rejection.truth === null || rejection.truth === undefined
            ? "&ndash;"
            : num(rejection.truth),
          esc(rejection.kind ?? "–"),
          String(get("tested")?.value ?? "&ndash;"),
          rateCell(rejection),
          rateCell(get("not_ok_rate")),
        ];
        body.push(`<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`);
      }
    }
  }
  const head = ["condition", "method", "test", "truth", "rate is", "n", "reject %", "not ok %"];
  return `<div class="scroll"><table class="measures tests"><thead><tr>${
    head.map((h) => `<th>${esc(h)}</th>`).join("")
  }</tr></thead><tbody>${body.join("\n")}</tbody></table></div>
<p class="note">Rejection rate in percent of the n ok tests, with its Monte Carlo SE in ` +
    `parentheses: the size when the true value is 0, else the power; not ok %: attempted ` +
    `replicates without an ok test (undefined, not applicable, failed, or no fit).</p>`;
}

/** A rate cell in percent with its MCSE, e.g. `20.0 (17.9)`. */
function rateCell(row: MeasureRow | undefined): string {
  if (!row || row.value === null) return "&ndash;";
  const p = (x: number) => (100 * x).toFixed(1);
  // A non-finite MCSE (of an absurd width, say) is left out rather than printed as NaN.
  const mcse = row.mcse === null || !Number.isFinite(row.mcse)
    ? ""
    : ` <span class="mcse">(${p(row.mcse)})</span>`;
  return `${p(row.value)}${mcse}`;
}

function cell(row: MeasureRow | undefined): string {
  if (!row || row.value === null) return "&ndash;";
  const mcse = row.mcse === null || !Number.isFinite(row.mcse)
    ? ""
    : ` <span class="mcse">(${num(row.mcse)})</span>`;
  return `${num(row.value)}${mcse}`;
}

function num(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

/** A proportion as a percentage, e.g. `95%`. */
export const pct = (v: number) => `${Number((100 * v).toPrecision(4))}%`;

/** The HTML id of a parameter's section. */
export const anchor = (s: string) => `p-${s.replace(/[^\w-]+/g, "_")}`;

/** `s` escaped for HTML text and attribute values. */
export function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** The page's style sheet. */
export const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5rem auto;
  max-width: 1300px; padding: 0 1rem; color: #222; line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 1px solid #ccc; margin-top: 2.5rem; }
h3 { font-size: 1.05rem; margin-bottom: 0.3rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; }
.note { color: #555; font-size: 0.9rem; }
figure { margin: 0.5rem 0 1rem; overflow-x: auto; } .scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0; }
th, td { border: 1px solid #ddd; padding: 0.2rem 0.5rem; text-align: right; }
th { background: #f4f4f4; } td { white-space: nowrap; }
td:first-child, td:nth-child(2), th:first-child, th:nth-child(2) { text-align: left; }
.tests td:nth-child(3), .tests th:nth-child(3), .tests td:nth-child(5) { text-align: left; }
.facts th { text-align: left; }
.mcse { color: #777; }
pre { background: #f6f6f6; padding: 0.5rem; overflow-x: auto; font-size: 0.8rem; }
nav { margin: 1rem 0; }
`;
