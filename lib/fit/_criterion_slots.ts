/**
 * The control slots shared by `_parallel_criterion.ts` and its helper
 * thread (`_criterion_helper.ts`), as Int32 indices.
 *
 * @module
 */

/** The task number the caller sets to start a task. */
export const GO = 0;
/** The task number the helper sets when it is done. */
export const DONE = 1;
/** 1 once the helper has built its factor and waits for tasks; 0 when it is gone. */
export const READY = 2;
/** The task's number of points. */
export const COUNT = 3;
/** 1 when the task failed: its values are not to be used. */
export const FAILED = 4;
/** Slots in all. */
export const SLOTS = 8;
