/**
 * Loads the lme4 reference fits in tests/fixtures/lme4 (provenance in
 * tests/fixtures/README.md) with their data as model frames.
 */
import { readCsvFile } from "../../lib/data/csv_read.ts";
import { modelFrame } from "../../lib/model/model_frame.ts";
import type { ModelFrame } from "../../lib/model/frame.ts";

/** lme4's results for one estimation method. */
export interface Lme4Fit {
  logLik: number;
  deviance: number;
  variances: Record<string, number>;
  fixef: Record<string, number>;
  fixef_se: Record<string, number>;
  singular: boolean;
}

/** One reference dataset with lme4's REML and ML fits. */
export interface Lme4Reference {
  name: string;
  formula: string;
  frame: ModelFrame;
  REML: Lme4Fit;
  ML: Lme4Fit;
}

/** The datasets with lme4 reference fits. */
export const LME4_DATASETS = ["dyestuff", "dyestuff2", "pastes", "penicillin"] as const;

const fixture = (file: string) => new URL(`../fixtures/lme4/${file}`, import.meta.url);

/** Reads one reference: the fit JSON and the model frame of its CSV and formula. */
export async function loadLme4Reference(name: string): Promise<Lme4Reference> {
  const json = JSON.parse(await Deno.readTextFile(fixture(`${name}.json`)));
  const data = await readCsvFile(fixture(`${name}.csv`).pathname);
  return { ...json, frame: modelFrame(data, json.formula) };
}

/** Reads lme4's profile confidence intervals (SD scale) for a dataset. */
export async function loadLme4Profile(
  name: string,
): Promise<{ rows: string[]; lower: number[]; upper: number[] }> {
  return JSON.parse(await Deno.readTextFile(fixture(`${name}.profile.json`)));
}
