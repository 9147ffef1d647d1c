/**
 * Columnar datasets and their CSV form: reading, writing and R's level order.
 *
 * @module
 */
export * from "./dataset.ts";
export * from "./csv_read.ts";
export * from "./csv_write.ts";
export * from "./sort_labels.ts";
