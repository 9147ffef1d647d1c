/**
 * Standard errors and confidence intervals for variance components and
 * fixed effects.
 *
 * @module
 */
export * from "./intervals.ts";
export type { IntervalContext, IntervalPlugin } from "./intervals/interval_plugin.ts";
export { BUILT_IN_INTERVALS, intervalPlugin } from "./intervals/registry.ts";
export * from "./intervals/interval_maker.ts";
export * from "./intervals/shared_work.ts";
export { wald } from "./intervals/wald.ts";
export { waldLog } from "./intervals/wald_log.ts";
export { satterthwaite } from "./intervals/satterthwaite.ts";
export { t } from "./intervals/t.ts";
export { profile } from "./intervals/profile.ts";
export { profileMl } from "./intervals/profile_ml.ts";
export { mls } from "./intervals/mls.ts";
export { exact } from "./intervals/exact.ts";
export { bootstrap } from "./intervals/bootstrap.ts";
export * from "./information.ts";
export * from "./anova_covariance.ts";
export * from "./within_cell_residual.ts";
export * from "./profile.ts";
export * from "./balanced_anova.ts";
export * from "./bootstrap.ts";
export * from "./satterthwaite_df.ts";
export * from "./variance_deviance.ts";
export * from "./tests/mod.ts";
