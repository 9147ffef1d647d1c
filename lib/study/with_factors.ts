/**
 * A study with other values for some of its design factors: the same
 * generator, truth, model, methods and seed on another grid. A replicate's
 * stream depends on its condition, not on the grid, so a condition shared
 * with the original study gets the very same replicates.
 *
 * @module
 */

import type { FactorValue } from "./design_grid.ts";
import { defineStudy, type StudyDefinition } from "./study.ts";

/**
 * `study` with the factors of `factors` taking the values given (each must
 * be a factor of the study), checked like any study. Throws a TypeError
 * naming an unknown factor.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { loadStudy, studyConditions, withFactors } from "../../mod.ts";
 * const study = await loadStudy(new URL("../../studies/one_way.ts", import.meta.url).href);
 * const narrowed = withFactors(study, { groups: [24], icc: [0.2] });
 * assert.deepEqual(studyConditions(narrowed), [{ groups: 24, icc: 0.2 }]);
 * assert.throws(() => withFactors(study, { group: [3] }), /"group" is not a factor of study "one-way"/);
 * ```
 */
export function withFactors(
  study: StudyDefinition,
  factors: Readonly<Record<string, readonly FactorValue[]>>,
): StudyDefinition {
  for (const name of Object.keys(factors)) {
    if (!Object.hasOwn(study.factors, name)) {
      throw new TypeError(
        `"${name}" is not a factor of study "${study.name}": its factors are ${
          Object.keys(study.factors).join(", ")
        }`,
      );
    }
  }
  return defineStudy({ ...study, factors: { ...study.factors, ...factors } });
}
