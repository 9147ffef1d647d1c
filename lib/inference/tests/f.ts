/**
 * The built-in `f` test: the ANOVA F test of a variance component.
 *
 * - Balanced designs (those of balanced_anova.ts: nested chains and two-way
 *   crossings without interaction, intercept only): F = MS_k / MS_d, where
 *   MS_d is the mean square whose expectation equals E[MS_k] when
 *   sigma_k^2 = 0 (the next finer stratum, or the residual). F has the
 *   exact F(df_k, df_d) law under H0 (Searle, Casella & McCulloch 1992,
 *   sections 3.5 and 4.5).
 * - Unbalanced nested chains, intercept only: the same ratio of the
 *   hierarchical sums of squares. For the innermost term it is Wald's
 *   exact F test (its numerator, the sum of squares between its levels
 *   within the next coarser term, is free of every other component; Seely
 *   & El-Bassiouni 1983), so its size is exact in any design. For a coarser
 *   term the two mean squares carry the finer component with different
 *   coefficients when group sizes differ, and the F law is approximate.
 * - Anything else (covariates, crossed designs that are not balanced):
 *   not applicable.
 *
 * @module
 */

import { fUpper } from "../../special/mod.ts";
import { isInterceptOnly, levelSumOfSquares } from "../../fit/moments.ts";
import { isNestedChain } from "../../fit/_chain_factor.ts";
import type { CrossProducts } from "../../model/cross_products.ts";
import { balancedAnova, type MeanSquare } from "../balanced_anova.ts";
import type { TestPlugin } from "./test_plugin.ts";
import { testMaker } from "./test_maker.ts";

const make = testMaker("f");

/** Numerator and denominator mean squares of each sorted term, or null where no F test applies. */
function meanSquares(cp: CrossProducts): { s1: MeanSquare; s2: MeanSquare }[] | null {
  const balanced = balancedAnova(cp);
  if (balanced) return [...balanced.components].sort((a, b) => a.term - b.term);
  if (!isNestedChain(cp) || !isInterceptOnly(cp)) return null;
  const K = cp.nlevels.length, P = cp.p + 1;
  const levels = (t: number) => t >= K ? 1 : cp.nlevels[t];
  const quad = (t: number) => t < 0 ? cp.xyxy[P * P - 1] : levelSumOfSquares(cp, t);
  const stratum = (t: number): MeanSquare => {
    const df = (t < 0 ? cp.n : levels(t)) - levels(t + 1);
    return { ms: (quad(t) - quad(t + 1)) / df, df };
  };
  return cp.nlevels.map((_, t) => ({ s1: stratum(t), s2: stratum(t - 1) }));
}

/**
 * `f`: the ANOVA F test, p = P(F(df_k, df_d) > F); exact in balanced
 * designs and for the innermost term of any nested chain.
 */
export const fTest: TestPlugin = {
  name: "f",
  test(frame, _fit, context) {
    const cp = context.crossProducts;
    const table = context.shared("test:f-mean-squares", () => meanSquares(cp));
    return frame.terms.map((term, i) => {
      if (table === null) {
        return make.notApplicable(
          term.name,
          "the F test needs a balanced design or a nested chain without covariates",
        );
      }
      const { s1, s2 } = table[cp.order.indexOf(i)];
      if (!(s1.df > 0 && s2.df > 0)) {
        return make.notApplicable(term.name, `the mean squares have ${s1.df} and ${s2.df} df`);
      }
      if (!(s2.ms > 0)) return make.undefined(term.name, "the denominator mean square is 0");
      const f = s1.ms / s2.ms;
      return make.ok(term.name, { statistic: f, pValue: fUpper(f, s1.df, s2.df) });
    });
  },
};
