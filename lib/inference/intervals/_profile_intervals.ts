/**
 * What the `profile` and `profile-ml` kinds share: intervals from the
 * profile of -2 log L, REML or ML, at the optimum of that likelihood.
 *
 * @module
 */

import type { ModelFrame } from "../../model/frame.ts";
import type { VarCompFit } from "../../fit/fit.ts";
import { chiSquareQuantile } from "../../special/mod.ts";
import { profileFixedLimits } from "../profile.ts";
import type { ConfidenceInterval, IntervalContext } from "./interval_plugin.ts";
import { intervalMaker } from "./interval_maker.ts";
import { sharedMlFit, sharedVarianceProfile } from "./shared_work.ts";

/** Which kind, and whether it profiles the ML likelihood. */
export interface _ProfileKind {
  readonly method: string;
  readonly ml: boolean;
}

const message = (e: unknown) => (e as Error).message;

// The chi-square(1) cutoff of each confidence level met: the same for every fit of a study.
const cutoffs = new Map<number, number>();
function cutoffAt(level: number): number {
  let cutoff = cutoffs.get(level);
  if (cutoff === undefined) {
    if (cutoffs.size >= 64) cutoffs.clear(); // a caller sweeping levels keeps only a few
    cutoffs.set(level, cutoff = chiSquareQuantile(level, 1));
  }
  return cutoff;
}

/**
 * Profile intervals of every variance (sorted through the frame's term
 * order) and, for the ML profile, of every fixed effect. An ANOVA fit has
 * no REML likelihood to profile.
 */
export function _profileIntervals(
  frame: ModelFrame,
  fit: VarCompFit,
  context: IntervalContext,
  kind: _ProfileKind,
): ConfidenceInterval[] {
  const { method, ml } = kind;
  const make = intervalMaker(method);
  const variances = [...frame.terms.map((term) => term.name), "Residual"];
  if (!ml && fit.method !== "REML") {
    return variances.map((name) =>
      make.notApplicable(name, "an ANOVA fit has no likelihood to profile; use profile-ml")
    );
  }
  const cp = context.crossProducts, K = frame.terms.length;
  const base = ml ? sharedMlFit(frame, fit, context) : fit;
  const cutoff = cutoffAt(context.level);
  const likelihood = ml ? "ML" : "REML";
  const out = variances.map((name, a) => {
    try {
      const profile = sharedVarianceProfile(frame, fit, context, { likelihood });
      const lim = profile.limits(a < K ? cp.order.indexOf(a) : K, cutoff);
      return make.ok(name, lim);
    } catch (e) {
      return make.failed(name, message(e));
    }
  });
  fit.fixed.forEach((f, j) => {
    if (!ml) {
      out.push(make.notApplicable(f.name, "fixed effects are profiled by ML: use profile-ml"));
      return;
    }
    try {
      const lim = profileFixedLimits(cp, base, { column: j, cutoff });
      out.push(make.ok(f.name, lim));
    } catch (e) {
      out.push(make.failed(f.name, message(e)));
    }
  });
  return out;
}
