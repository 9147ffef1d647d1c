/**
 * ml-matrix, pinned: a reference dense Cholesky factorization for the
 * tests of vcsim's blocked factor (vcsim itself does not use it).
 *
 * @module
 */

export { CholeskyDecomposition, Matrix } from "npm:ml-matrix@6.15.1";
