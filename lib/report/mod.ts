/**
 * Study reports: performance measures with Monte Carlo SEs computed by SQL
 * over a results store, replicate planning, the terminal table and the
 * CSV, JSON, Markdown and HTML exports.
 *
 * @module
 */
export * from "./measure_row.ts";
export * from "./measures.ts";
export * from "./paired_comparisons.ts";
export * from "./comparison_table.ts";
export * from "./planning.ts";
export * from "./target_mcse.ts";
export * from "./terminal_table.ts";
export * from "./export_csv.ts";
export * from "./export_json.ts";
export * from "./export_markdown.ts";
export * from "./html.ts";
export * from "./paired_comparisons_of_file.ts";
