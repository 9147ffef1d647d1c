/**
 * The four asymptotic likelihood-ratio tests (lrt, lrt-chisq, rlrt,
 * rlrt-chisq): the statistic of _likelihood_ratio.ts against the 50:50
 * mixture of chi-square(0) and chi-square(1) (Self & Liang 1987; Stram &
 * Lee 1994), or against the naive chi-square(1) that `anova()` uses.
 *
 * @module
 */

import { chiSquareUpper } from "../../special/mod.ts";
import type { TestPlugin } from "./test_plugin.ts";
import { testMaker } from "./test_maker.ts";
import { _likelihoodRatio, type Likelihood } from "./_likelihood_ratio.ts";

/** What distinguishes the four tests. */
export interface _LrTestOptions {
  readonly name: string;
  readonly likelihood: Likelihood;
  /** `mixture`: p = P(chi2_1 > T) / 2 for T > 0, 1 at T = 0; `chisq`: p = P(chi2_1 > T). */
  readonly reference: "mixture" | "chisq";
}

/** An asymptotic likelihood-ratio test plug-in. */
export function _lrTest(options: _LrTestOptions): TestPlugin {
  const make = testMaker(options.name);
  return {
    name: options.name,
    test(frame, fit, context) {
      return frame.terms.map((term, i) => {
        const t = _likelihoodRatio(frame, fit, context, {
          likelihood: options.likelihood,
          term: i,
        });
        const upper = chiSquareUpper(t, 1);
        const pValue = options.reference === "chisq" ? upper : t > 0 ? upper / 2 : 1;
        return make.ok(term.name, { statistic: t, pValue });
      });
    },
  };
}
