/**
 * Small dense kernels on row-major Float64Array matrices.
 *
 * @module
 */
export * from "./cholesky.ts";
export { choleskyThreads, setCholeskyThreads } from "./cholesky_threads.ts";
export * from "./pivoted_cholesky.ts";
export * from "./solve.ts";
export * from "./symmetric_eigenvalues.ts";
