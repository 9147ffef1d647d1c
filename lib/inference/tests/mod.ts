/**
 * Tests that a variance component is 0, as plug-ins: the registry, the
 * built-in tests and what a user's test needs.
 *
 * @module
 */
export * from "./test_plugin.ts";
export * from "./test_maker.ts";
export * from "./variance_tests.ts";
export { BUILT_IN_TESTS, TEST_NAMES, type TestName, testPlugin } from "./registry.ts";
export { lrtTest } from "./lrt.ts";
export { lrtChisqTest } from "./lrt_chisq.ts";
export { rlrtTest } from "./rlrt.ts";
export { rlrtChisqTest } from "./rlrt_chisq.ts";
export { rlrtExact, type RlrtExactOptions, rlrtExactTest } from "./rlrt_exact.ts";
export { fTest } from "./f.ts";
export { bootstrapLrtTest } from "./bootstrap_lrt.ts";
export { waldTest } from "./wald.ts";
