/**
 * The built-in `bootstrap-lrt` test: the ML likelihood ratio against its
 * parametric-bootstrap null distribution (as pbkrtest's PBmodcomp).
 *
 * @module
 */

import { blockedFactor } from "../../fit/blocked_factor.ts";
import { fitAtVariances, fitVarComp, type VarCompFit } from "../../fit/fit.ts";
import type { ModelFrame } from "../../model/frame.ts";
import { withResponse } from "../../model/cross_products.ts";
import { _responseSimulator } from "../_simulate_response.ts";
import type { TestContext, TestPlugin } from "./test_plugin.ts";
import { testMaker } from "./test_maker.ts";
import {
  _fullFit,
  type _ReducedFit,
  _reducedFit,
  _sharedReducedFit,
  _statistic,
} from "./_likelihood_ratio.ts";

const make = testMaker("bootstrap-lrt");

/** The null model: the reduced ML fit's variances and GLS fixed effects. */
function nullModel(frame: ModelFrame, context: TestContext, reduced: _ReducedFit): VarCompFit {
  const cp = context.crossProducts;
  const factor = blockedFactor(cp);
  if (!factor.update(reduced.theta)) throw new RangeError("the reduced model cannot be factored");
  const sigma2 = factor.r2 / cp.n;
  const variances: Record<string, number> = { Residual: sigma2 };
  cp.order.forEach((i, t) => variances[frame.terms[i].name] = reduced.theta[t] ** 2 * sigma2);
  return fitAtVariances(frame, { variances, crossProducts: cp });
}

/**
 * `bootstrap-lrt`: T is the ML likelihood ratio of `lrt`; B responses
 * (the context's `bootstrapReplicates`) are drawn from the fitted null
 * model (the component at 0, the others and the fixed effects at their ML
 * estimates under H0), each refitted with and without the component, and
 * p = (1 + #{T* >= T}) / (B + 1). At T = 0 the p-value is 1 without
 * resampling (every T* is >= 0). Refits that fail are left out, and the
 * test fails when more than half do.
 */
export const bootstrapLrtTest: TestPlugin = {
  name: "bootstrap-lrt",
  validate(context) {
    context.stream("bootstrap-lrt");
  },
  test(frame, fit, context) {
    const full = _fullFit(frame, fit, context, "ML");
    return frame.terms.map((term, i) => {
      const reduced = _sharedReducedFit(full, context, i);
      const t = _statistic(full, reduced);
      if (t === 0) return make.ok(term.name, { statistic: 0, pValue: 1 });
      const p = context.shared(`test:bootstrap-lrt-${i}`, () => {
        const B = context.bootstrapReplicates;
        const simulate = _responseSimulator(frame, nullModel(frame, context, reduced));
        const stream = context.stream(`bootstrap-lrt:${term.name}`);
        let exceed = 0, used = 0;
        for (let b = 0; b < B; b++) {
          const y = simulate(stream);
          try {
            const cp = withResponse(context.crossProducts, { frame, y });
            const star = fitVarComp({ ...frame, y }, { method: "ml", crossProducts: cp });
            if (_statistic(star, _reducedFit(star, cp, i)) >= t) exceed++;
            used++;
          } catch {
            // A refit that fails is left out.
          }
        }
        if (used * 2 < B) throw new RangeError(`${B - used} of ${B} bootstrap refits failed`);
        return (1 + exceed) / (1 + used);
      });
      return make.ok(term.name, { statistic: t, pValue: p });
    });
  },
};
