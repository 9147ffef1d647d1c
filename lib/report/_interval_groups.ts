/**
 * What the interval passes of the measures and of the paired comparisons
 * share: each interval row finds its group (condition x method x parameter x
 * interval method) in a small keyed temporary table `g`, by one key, with an
 * integer id that GROUP BY sorts instead of four texts, and the group's true
 * value when it is the same in every replicate; only when some group's true
 * value differs between replicates (`perRow`) does each row read its own
 * from its estimate `e`.
 *
 * @module
 */

/**
 * An aggregate over the estimate rows `e` of a group: 1 when they all have
 * the same true value, or none has one, else 0.
 */
export const _SAME_TRUTH =
  "(COUNT(e.truth) = 0 OR (COUNT(e.truth) = COUNT(*) AND MIN(e.truth) = MAX(e.truth)))";

/**
 * The joins of interval rows `alias` to their group `g` in `table` and, with
 * `perRow`, to their estimate `e`. CROSS JOIN keeps the intervals the outer
 * loop: otherwise SQLite may scan a condition's intervals once per group.
 */
export function _groupJoin(alias: string, at: { table: string; perRow: boolean }): string {
  const a = alias;
  const estimate = `CROSS JOIN estimates e ON e.condition = ${a}.condition AND e.rep = ${a}.rep
  AND e.method = ${a}.method AND e.parameter = ${a}.parameter\n`;
  return `${at.perRow ? estimate : ""}CROSS JOIN ${at.table} g ON g.condition = ${a}.condition
  AND g.method = ${a}.method AND g.parameter = ${a}.parameter AND g.interval = ${a}.interval`;
}

/** The true value of an interval row: its group's, or with `perRow` its estimate's. */
export const _truthOf = (perRow: boolean): string => perRow ? "e.truth" : "g.truth";
