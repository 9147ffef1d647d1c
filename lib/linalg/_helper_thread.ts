/**
 * Starting a helper thread of a synchronous computation (the Cholesky's
 * prepass helpers, the fit's criterion helper): a `node:worker_threads`
 * worker that never keeps the process alive, and that is reported gone when
 * it fails or ends, so that it is given no more work.
 *
 * @module
 */

import { Worker } from "node:worker_threads";

/** Starts `url` with `workerData`, `unref`'d; `gone` runs if it errs or exits. Throws if it cannot start. */
export function _startHelper(url: URL, workerData: unknown, gone: () => void): Worker {
  const worker = new Worker(url, { workerData });
  worker.unref();
  worker.on("error", gone);
  worker.on("exit", gone);
  return worker;
}
