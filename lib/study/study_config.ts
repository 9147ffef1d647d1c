/**
 * The configuration of a run that determines its results, and its hash:
 * everything but the number of replicates. A store written under one hash
 * is never extended under another.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { StudyDefinition } from "./study.ts";
import { conditionKey } from "./design_grid.ts";
import { studyConditions } from "./study.ts";

/** The JSON-able configuration recorded in the manifest. */
export interface StudyConfig {
  readonly name: string;
  readonly seed: number | string;
  readonly conditions: readonly string[];
  readonly factors: StudyDefinition["factors"];
  readonly formula: string;
  readonly methods: readonly string[];
  readonly intervals: readonly string[];
  readonly level: number;
  readonly bootstrapReplicates: number;
  /** Source text of the generator, truth, filter and formula functions. */
  readonly code: Readonly<Record<string, string>>;
}

/**
 * The configuration of `study` run with `seed`, and its SHA-256 hash. The
 * functions enter by their source text, so editing the generator changes
 * the hash.
 */
export function studyConfig(
  study: StudyDefinition,
  seed: number | string,
): { config: StudyConfig; hash: string } {
  const code: Record<string, string> = {
    generate: study.generate.toString(),
    truth: study.truth.toString(),
  };
  if (study.filter) code.filter = study.filter.toString();
  if (typeof study.formula === "function") code.formula = study.formula.toString();
  const config: StudyConfig = {
    name: study.name,
    seed,
    conditions: studyConditions(study).map(conditionKey),
    factors: study.factors,
    formula: typeof study.formula === "string" ? study.formula : "(per condition)",
    methods: study.methods,
    intervals: study.intervals,
    level: study.level ?? 0.95,
    bootstrapReplicates: study.bootstrapReplicates ?? 999,
    code,
  };
  const hash = createHash("sha256").update(JSON.stringify(config)).digest("hex");
  return { config, hash };
}
