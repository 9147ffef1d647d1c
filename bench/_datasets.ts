// Model frames shared by the benchmarks: the notebook's designs (numpy
// stream, seed 3123) and the lme4 reference datasets in tests/fixtures/lme4.
import { nested } from "../lib/generate/nested.ts";
import { crossed } from "../lib/generate/crossed.ts";
import { NumpyRandomState } from "../lib/rng/numpy_random_state.ts";
import { readCsvFile } from "../lib/data/csv_read.ts";
import { modelFrame } from "../lib/model/model_frame.ts";
import type { Dataset } from "../lib/data/dataset.ts";
import type { ModelFrame } from "../lib/model/frame.ts";

const rs = new NumpyRandomState(3123);
/** The notebook's nested data set (200 x 20 x 10). */
export const nestedData: Dataset = nested(rs);
/** The notebook's crossed data set (100 x 100 x 4). */
export const crossedData: Dataset = crossed(rs);
/** Model formulas of the notebook's two models. */
export const NESTED_FORMULA = "y ~ 1 + (1|group1) + (1|group1:group2)";
export const CROSSED_FORMULA = "y ~ 1 + (1|group1) + (1|group2)";

async function lme4Frame(name: string): Promise<ModelFrame> {
  const url = new URL(`../tests/fixtures/lme4/${name}.json`, import.meta.url);
  const { formula } = JSON.parse(await Deno.readTextFile(url));
  const data = await readCsvFile(
    new URL(`../tests/fixtures/lme4/${name}.csv`, import.meta.url).pathname,
  );
  return modelFrame(data, formula);
}

/** Model frames of the lme4 reference datasets. */
export const lme4Frames: Record<string, ModelFrame> = {
  Dyestuff: await lme4Frame("dyestuff"),
  Pastes: await lme4Frame("pastes"),
  Penicillin: await lme4Frame("penicillin"),
};
