/**
 * Rows of one table inserted several to a statement: a multi-row
 * `INSERT ... VALUES (...), (...)` binds the same values as single-row
 * statements but crosses from JavaScript into SQLite once per group, which
 * roughly halves the cost of storing a replicate's interval rows.
 *
 * @module
 */

import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";

/** Rows per statement: beyond about 32 the gain is gone (and SQLite caps bound values). */
const ROWS_PER_STATEMENT = 32;

/**
 * Collects rows of `table` and inserts them on {@linkcode RowInserter.flush}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { DatabaseSync } from "node:sqlite";
 * import { RowInserter } from "./_row_inserter.ts";
 * const db = new DatabaseSync(":memory:");
 * db.exec("CREATE TABLE t (a, b)");
 * const rows = new RowInserter(db, { table: "t", columns: ["a", "b"] });
 * for (let i = 0; i < 70; i++) rows.add(i, -i);
 * rows.flush();
 * assert.deepEqual(db.prepare("SELECT COUNT(*) AS n, SUM(a + b) AS s FROM t").get(), { n: 70, s: 0 });
 * ```
 */
export class RowInserter {
  readonly #db: DatabaseSync;
  readonly #head: string;
  readonly #row: string;
  readonly #width: number;
  /** Prepared statements by row count. */
  readonly #statements = new Map<number, StatementSync>();
  #values: SQLInputValue[] = [];

  constructor(db: DatabaseSync, options: { table: string; columns: readonly string[] }) {
    this.#db = db;
    this.#width = options.columns.length;
    this.#head = `INSERT INTO ${options.table} (${options.columns.join(", ")}) VALUES `;
    this.#row = `(${options.columns.map(() => "?").join(", ")})`;
  }

  /** Queues one row: a value per column, in column order. */
  add(...values: SQLInputValue[]): void {
    if (values.length !== this.#width) {
      throw new RangeError(`a row has ${values.length} values; expected ${this.#width}`);
    }
    for (let i = 0; i < values.length; i++) this.#values.push(values[i]);
  }

  /** Inserts the queued rows (inside the caller's transaction); the queue is emptied even on error. */
  flush(): void {
    const values = this.#values;
    this.#values = [];
    const rows = values.length / this.#width;
    for (let first = 0; first < rows; first += ROWS_PER_STATEMENT) {
      const count = Math.min(ROWS_PER_STATEMENT, rows - first);
      const args = values.slice(first * this.#width, (first + count) * this.#width);
      this.#statement(count).run(...args);
    }
  }

  /** Drops the queued rows. */
  clear(): void {
    this.#values = [];
  }

  #statement(rows: number): StatementSync {
    let statement = this.#statements.get(rows);
    if (!statement) {
      statement = this.#db.prepare(this.#head + Array(rows).fill(this.#row).join(", "));
      this.#statements.set(rows, statement);
    }
    return statement;
  }
}
