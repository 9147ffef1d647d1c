/**
 * Profile-likelihood confidence intervals for the variance components and
 * the residual variance (REML or ML profile), and for fixed effects (ML
 * profile), as lme4's `confint(method = "profile")` computes them.
 *
 * @module
 */

import type { ModelFrame } from "../model/frame.ts";
import type { CrossProducts } from "../model/cross_products.ts";
import { blockedFactor } from "../fit/blocked_factor.ts";
import { profiledCriterion, type VarCompFit } from "../fit/fit.ts";
import { minimizeEven } from "../fit/optimize.ts";
import { VarianceDeviance } from "./variance_deviance.ts";
import { dropFixedColumn } from "./_offset_cross_products.ts";

/** A profile interval's end points on the variance scale (fixed effects: coefficient scale). */
export interface ProfileLimits {
  /** Lower limit; 0 when the profile stays below the cutoff down to the boundary. */
  readonly lower: number;
  /** Upper limit. */
  readonly upper: number;
}

/**
 * Profiles -2 log L over one variance parameter (the others and sigma^2
 * re-optimized at each point) and finds where it rises by `cutoff` above
 * its minimum. `s` holds the variances at the optimum of this likelihood,
 * in sorted-term order with the residual last; `index` picks the parameter.
 * Search is on the log-SD scale, where the signed root of the profile is
 * nearly linear; a lower limit is 0 when D(0) - D_min <= cutoff (lme4).
 */
export function profileVarianceLimits(
  cp: CrossProducts,
  reml: boolean,
  s: Float64Array,
  index: number,
  cutoff: number,
  seLogSd: number,
): ProfileLimits {
  const deviance = new VarianceDeviance(cp, blockedFactor(cp), reml);
  const d = s.length;
  const dMin = deviance.evaluate(s);
  // Warm starts: the square roots of the free variances at the last point.
  let warm: Float64Array = Float64Array.from(
    { length: d - 1 },
    (_, j) => Math.sqrt(s[j < index ? j : j + 1]),
  );
  const trial = new Float64Array(d);
  const profileAt = (variance: number): number => {
    const objective = (tau: Float64Array): number => {
      for (let j = 0, k = 0; j < d; j++) {
        trial[j] = j === index ? variance : tau[k] * tau[k], k += j === index ? 0 : 1;
      }
      return deviance.evaluate(trial);
    };
    const start = Float64Array.from(warm, (t) => Math.max(t, 1e-3 * Math.sqrt(s[d - 1])));
    const r = minimizeEven(objective, start);
    warm = r.x;
    return Math.max(r.f - dMin, 0);
  };
  const sd = Math.sqrt(s[index]);
  const step = Number.isFinite(seLogSd) && seLogSd > 0 ? Math.min(seLogSd, 2) : 0.5;
  const z = Math.sqrt(cutoff);
  // Signed square root of the profile, in log SD.
  const zeta = (logSd: number): number => Math.sqrt(profileAt(Math.exp(2 * logSd)));
  const upper = Math.exp(2 * searchLimit(zeta, Math.log(sd), step, z));
  let lower = 0;
  if (sd > 0) {
    warm = Float64Array.from({ length: d - 1 }, (_, j) => Math.sqrt(s[j < index ? j : j + 1]));
    const atZero = index < d - 1 ? profileAt(0) : Infinity;
    if (atZero > cutoff) {
      warm = Float64Array.from({ length: d - 1 }, (_, j) => Math.sqrt(s[j < index ? j : j + 1]));
      // Below the estimate on the SD scale, bounded by 0 where the profile exceeds the cutoff.
      const rootSd = searchLimitBounded((v) => Math.sqrt(profileAt(v * v)), sd, z, step);
      lower = rootSd * rootSd;
    }
  }
  return { lower, upper };
}

/**
 * ML profile interval of fixed effect `column`: -2 log L minimized over theta
 * and the other coefficients with that coefficient held fixed (the column
 * moves into an offset), then the same root search on the coefficient scale.
 */
export function profileFixedLimits(
  frame: ModelFrame,
  cp: CrossProducts,
  mlFit: VarCompFit,
  column: number,
  cutoff: number,
): ProfileLimits {
  const beta = mlFit.fixed[column].estimate, se = mlFit.fixed[column].se;
  const dMin = mlFit.criterion!;
  let warm: Float64Array = Float64Array.from(cp.order, (i) => Math.max(mlFit.theta[i], 0.05));
  const zeta = (b: number): number => {
    const reduced = dropFixedColumn(cp, column, b);
    const factor = blockedFactor(reduced);
    const r = minimizeEven(
      (th) => factor.update(th) ? profiledCriterion(factor, reduced.n, reduced.p, false) : Infinity,
      Float64Array.from(warm, (t) => Math.max(t, 0.05)),
    );
    warm = r.x;
    return Math.sqrt(Math.max(r.f - dMin, 0));
  };
  const z = Math.sqrt(cutoff);
  const step = se > 0 ? se : Math.max(Math.abs(beta), 1) * 0.1;
  const upper = searchLimit(zeta, beta, step, z);
  warm = Float64Array.from(cp.order, (i) => Math.max(mlFit.theta[i], 0.05));
  const lower = searchLimit((b) => zeta(b), beta, -step, z);
  void frame;
  return { lower: Math.min(lower, upper), upper: Math.max(lower, upper) };
}

/**
 * Finds x on the side of x0 given by the sign of `step` where g(x) = target,
 * g(x0) = 0 and g increasing away from x0: expand a bracket, then Illinois
 * regula falsi.
 */
function searchLimit(g: (x: number) => number, x0: number, step: number, target: number): number {
  let a = x0, ga = 0;
  let b = x0 + step * 1.2, gb = g(b);
  for (let expand = 0; gb < target; expand++) {
    if (expand > 60 || !Number.isFinite(gb)) {
      return gb >= target || !Number.isFinite(gb) ? b : Infinity * Math.sign(step);
    }
    a = b;
    ga = gb;
    b = x0 + (b - x0) * 2;
    gb = g(b);
  }
  return illinois(g, a, ga, b, gb, target);
}

/** As searchLimit for the lower side of a non-negative SD: the bracket is clipped at 0. */
function searchLimitBounded(
  g: (v: number) => number,
  sd: number,
  target: number,
  stepLog: number,
): number {
  let a = sd, ga = 0;
  let b = sd * Math.exp(-1.2 * stepLog), gb = g(b);
  while (gb < target) {
    a = b;
    ga = gb;
    if (b < sd * 1e-6) {
      b = 0;
      gb = g(0);
      break;
    }
    b = b * Math.exp(-2 * stepLog);
    gb = g(b);
  }
  return illinois(g, a, ga, b, gb, target);
}

function illinois(
  g: (x: number) => number,
  a: number,
  ga: number,
  b: number,
  gb: number,
  target: number,
): number {
  let fa = ga - target, fb = gb - target, side = 0;
  for (let it = 0; it < 100; it++) {
    const x = (a * fb - b * fa) / (fb - fa);
    const fx = g(x) - target;
    if (Math.abs(fx) < 1e-9 || Math.abs(b - a) <= 1e-10 * Math.max(Math.abs(x), 1e-12)) return x;
    if (fx * fb > 0) {
      b = x;
      fb = fx;
      if (side === -1) fa /= 2;
      side = -1;
    } else {
      a = x;
      fa = fx;
      if (side === 1) fb /= 2;
      side = 1;
    }
  }
  return (a * fb - b * fa) / (fb - fa);
}
