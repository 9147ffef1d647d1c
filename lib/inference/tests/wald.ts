/**
 * The built-in `wald` test: a one-sided z test on the variance scale.
 *
 * @module
 */

import { normalCdf } from "../../special/mod.ts";
import { varianceCovariance } from "../information.ts";
import type { TestPlugin } from "./test_plugin.ts";
import { testMaker } from "./test_maker.ts";

const make = testMaker("wald");

/**
 * `wald`: z = estimate / SE against the standard normal, one-sided,
 * p = 1 - Phi(z) = Phi(-z), with the fit's own estimate (a negative ANOVA estimate
 * gives z < 0) and the SE of the fit's variance-covariance (the
 * `information` of the context, as the stored SEs). At a boundary estimate
 * of 0, z = 0 and p = 1/2. The z statistic of a variance is far from
 * normal in small samples; this test is here to show how far.
 */
export const waldTest: TestPlugin = {
  name: "wald",
  test(frame, fit, context) {
    const v = varianceCovariance(frame, fit, {
      kind: context.information,
      crossProducts: context.crossProducts,
    });
    return frame.terms.map((term) => {
      const a = v.parameters.indexOf(term.name);
      const se = v.se[a], s = fit.variances[term.name];
      if (s === 0) return make.ok(term.name, { statistic: 0, pValue: 0.5 });
      if (se === null || !(se > 0)) {
        return make.undefined(term.name, "the information matrix gives no standard error");
      }
      const z = s / se;
      return make.ok(term.name, { statistic: z, pValue: normalCdf(-z) });
    });
  },
};
