/**
 * The four models of the statsmodels variance-components notebook, refitted
 * by vcsim on the notebook's own data (numpy's stream, seed 3123), with the
 * numbers that explain every difference from the statsmodels tables: vcsim
 * evaluated at statsmodels' estimates, and statsmodels' "Var Std.Err."
 * recomputed by vcsim.
 *
 * The statsmodels side is `tests/fixtures/notebook/statsmodels.json`,
 * written by the committed `statsmodels_reference.py` there (statsmodels
 * 0.13.5), whose printed tables equal the notebook's stored outputs
 * (`notebook_outputs.txt`, same folder).
 *
 * @module
 */

import type { Dataset } from "../data/dataset.ts";
import { fitAtVariances, fitVarComp, type VarCompFit } from "../fit/fit.ts";
import { crossed } from "../generate/crossed.ts";
import { nested } from "../generate/nested.ts";
import { varianceCovariance } from "../inference/information.ts";
import { VarianceDeviance } from "../inference/variance_deviance.ts";
import { type CrossProducts, crossProducts } from "../model/cross_products.ts";
import type { ModelFrame } from "../model/frame.ts";
import { frameFromArrays, modelFrame } from "../model/model_frame.ts";
import { NumpyRandomState } from "../rng/numpy_random_state.ts";
import reference from "../../tests/fixtures/notebook/statsmodels.json" with { type: "json" };
import lme4Reference from "../../tests/fixtures/notebook/lme4.json" with { type: "json" };

/** The notebook's seed: `np.random.seed(3123)`. */
export const NOTEBOOK_SEED = 3123;

/** One statsmodels fit as the reference script stored it. */
export interface StatsmodelsFit {
  /** The printed summary (the notebook's table). */
  readonly summary: string;
  readonly converged: boolean;
  /** REML log-likelihood. */
  readonly llf: number;
  /** Residual variance. */
  readonly scale: number;
  /** Intercept estimate and its standard error. */
  readonly fe_params: number;
  readonly bse_fe: number;
  /** Variances by statsmodels' names. */
  readonly variances: Readonly<Record<string, number>>;
  /** The summary's "Var Std.Err." column, unrounded. */
  readonly var_std_err: Readonly<Record<string, number>>;
}

/** What the notebook's statsmodels fits and the reference script recorded. */
export interface StatsmodelsReference {
  readonly note: string;
  readonly nested_y_sum: number;
  readonly crossed_y_sum: number;
  readonly model1: StatsmodelsFit;
  readonly model2: StatsmodelsFit;
  readonly model3: StatsmodelsFit;
  readonly model4: StatsmodelsFit;
  /** statsmodels' own criterion of model 3 at lme4's (and vcsim's) optimum. */
  readonly model3_llf_at_lme4: number;
}

/** The reference file's content. */
export const STATSMODELS: StatsmodelsReference = reference;

/** One lme4 fit of tests/fixtures/notebook/lme4.json (lme4 1.1-31, REML). */
export interface Lme4Fit {
  readonly logLik: number;
  /** Variances by lme4's term names, and `Residual`. */
  readonly variances: Readonly<Record<string, number>>;
  readonly fixef: number;
  readonly fixef_se: number;
}

/** lme4's fits of the notebook's two designs on the same data. */
export const LME4: { readonly note: string; readonly nested: Lme4Fit; readonly crossed: Lme4Fit } =
  lme4Reference;

/** How one of the notebook's models is specified and named on both sides. */
export interface NotebookModelSpec {
  /** `model1` ... `model4`, the notebook's variable names. */
  readonly id: "model1" | "model2" | "model3" | "model4";
  /** The notebook cell that prints its table, e.g. `[5]`. */
  readonly cell: string;
  readonly title: string;
  readonly design: "nested" | "crossed";
  /** The statsmodels call, one or two lines. */
  readonly statsmodelsCall: readonly string[];
  /** The vcsim call. */
  readonly vcsimCall: string;
  /**
   * Each vcsim variance term (frame order) with statsmodels' printed name
   * and its key in the reference file (which names the group intercept of
   * both nested models `group1`).
   */
  readonly names: readonly (readonly [vcsim: string, printed: string, key: string])[];
  /** lme4's name of each vcsim variance term (tests/fixtures/notebook/lme4.json). */
  readonly lme4: readonly string[];
  /** statsmodels' and vcsim's name of the intercept. */
  readonly intercept: readonly [statsmodels: string, vcsim: string];
  /** The frame, built from the notebook's data. */
  readonly frame: (data: Dataset) => ModelFrame;
}

const NESTED_FORMULA = "y ~ 1 + (1|group1/group2)";
const CROSSED_FORMULA = "y ~ 1 + (1|group1) + (1|group2)";

/** The integer codes of factor column `name`. */
function codes(data: Dataset, name: string): Int32Array {
  const column = data.columns.get(name);
  if (column?.kind !== "factor") throw new TypeError(`column ${name} is not a factor`);
  return column.codes;
}

/**
 * The notebook's VCSpec route for the nested model: group2 is coded within
 * group1 (statsmodels builds one indicator matrix per group1 level), so its
 * codes are made distinct across group1 levels.
 */
function nestedArrays(data: Dataset): ModelFrame {
  const g1 = codes(data, "group1"), g2 = codes(data, "group2");
  const width = Math.max(...g2) + 1;
  return frameFromArrays({
    y: numeric(data, "y"),
    X: new Float64Array(data.nrow).fill(1),
    fixedNames: ["const"],
    factors: { group1: g1, group2: Int32Array.from(g1, (a, i) => a * width + g2[i]) },
  });
}

function numeric(data: Dataset, name: string): Float64Array {
  const column = data.columns.get(name);
  if (column?.kind !== "numeric") throw new TypeError(`column ${name} is not numeric`);
  return column.values;
}

/** The notebook's four models, in its order. */
export const NOTEBOOK_MODELS: readonly NotebookModelSpec[] = [
  {
    id: "model1",
    cell: "[5]",
    title: "nested, formula interface",
    design: "nested",
    statsmodelsCall: [
      'MixedLM.from_formula("y ~ 1", re_formula="1",',
      '    vc_formula={"group2": "0 + C(group2)"}, groups="group1", data=df)',
    ],
    vcsimCall: `modelFrame(data, "${NESTED_FORMULA}")`,
    names: [["group1", "group1", "group1"], ["group1:group2", "group2", "group2"]],
    lme4: ["group1", "group1:group2"],
    intercept: ["Intercept", "(Intercept)"],
    frame: (data) => modelFrame(data, NESTED_FORMULA),
  },
  {
    id: "model2",
    cell: "[8]",
    title: "nested, array interface (VCSpec)",
    design: "nested",
    statsmodelsCall: ["MixedLM(df.y, oo, exog_re=oo, groups=df.group1, exog_vc=vcs)"],
    vcsimCall: "frameFromArrays({ y, X: ones, factors: { group1, group2: group1 * 20 + group2 } })",
    names: [["group1", "x_re1", "group1"], ["group2", "group2", "group2"]],
    lme4: ["group1", "group1:group2"],
    intercept: ["const", "const"],
    frame: nestedArrays,
  },
  {
    id: "model3",
    cell: "[11]",
    title: "crossed, formula interface",
    design: "crossed",
    statsmodelsCall: [
      'MixedLM.from_formula("y ~ 1", groups=oo,',
      '    vc_formula={"g1": "0 + C(group1)", "g2": "0 + C(group2)"}, data=df)',
    ],
    vcsimCall: `modelFrame(data, "${CROSSED_FORMULA}")`,
    names: [["group1", "g1", "g1"], ["group2", "g2", "g2"]],
    lme4: ["group1", "group2"],
    intercept: ["Intercept", "(Intercept)"],
    frame: (data) => modelFrame(data, CROSSED_FORMULA),
  },
  {
    id: "model4",
    cell: "[13]",
    title: "crossed, array interface (VCSpec)",
    design: "crossed",
    statsmodelsCall: ["MixedLM(df.y, oo[:, None], exog_re=None, groups=oo, exog_vc=vcs)"],
    vcsimCall: "frameFromArrays({ y, X: ones, factors: { group1, group2 } })",
    names: [["group1", "group1", "group1"], ["group2", "group2", "group2"]],
    lme4: ["group1", "group2"],
    intercept: ["const", "const"],
    frame: (data) =>
      frameFromArrays({
        y: numeric(data, "y"),
        X: new Float64Array(data.nrow).fill(1),
        fixedNames: ["const"],
        factors: { group1: codes(data, "group1"), group2: codes(data, "group2") },
      }),
  },
];

/** Quantities of one model at one point (vcsim's optimum or statsmodels' estimates). */
export interface PointSummary {
  /** Variances by vcsim term name, and `Residual`. */
  readonly variances: Readonly<Record<string, number>>;
  /** REML log-likelihood. */
  readonly logLik: number;
  readonly intercept: number;
  readonly interceptSe: number;
  /**
   * statsmodels' "Var Std.Err.": sqrt(Residual) times the standard error
   * of Var / Residual, from the inverse observed REML information by the
   * delta method, by vcsim term name.
   */
  readonly statsmodelsVarSe: Readonly<Record<string, number>>;
}

/** One notebook model refitted: the reference, vcsim's fit and both points. */
export interface NotebookModelResult {
  readonly spec: NotebookModelSpec;
  readonly statsmodels: StatsmodelsFit;
  /** vcsim's REML fit. */
  readonly fit: VarCompFit;
  /** SEs of the variances (expected REML information), as vcsim's table prints them. */
  readonly varianceSe: Readonly<Record<string, number | null>>;
  /** vcsim at its own optimum. */
  readonly vcsim: PointSummary;
  /** vcsim's criterion and formulas at statsmodels' unrounded estimates. */
  readonly atStatsmodels: PointSummary;
}

/** A frame with its cross-products. */
interface Model {
  readonly frame: ModelFrame;
  readonly cp: CrossProducts;
}

/** The REML log-likelihood of the model at `variances`. */
function remlLogLik({ frame, cp }: Model, variances: Readonly<Record<string, number>>): number {
  const deviance = new VarianceDeviance(cp, { reml: true });
  const s = new Float64Array([
    ...cp.order.map((i) => variances[frame.terms[i].name]),
    variances.Residual,
  ]);
  return -deviance.evaluate(s) / 2;
}

/** sqrt(s) * SE(s_k / s) for every term k, from the inverse observed REML information. */
function ratioSe({ frame, cp }: Model, fit: VarCompFit): Record<string, number> {
  const vc = varianceCovariance(frame, fit, { kind: "observed", crossProducts: cp });
  const k1 = vc.parameters.length, last = k1 - 1, s = vc.estimates[last];
  const cov = vc.covariance;
  if (cov === null) throw new RangeError("the observed REML information is singular");
  const out: Record<string, number> = {};
  for (let k = 0; k < last; k++) {
    // Gradient of s_k / s in (s_1, ..., s_K, s): 1/s at k, -s_k/s^2 at the residual.
    const a = 1 / s, b = -vc.estimates[k] / (s * s);
    const v = a * a * cov[k * k1 + k] + 2 * a * b * cov[k * k1 + last] +
      b * b * cov[last * k1 + last];
    out[vc.parameters[k]] = Math.sqrt(s) * Math.sqrt(v);
  }
  return out;
}

function pointSummary(model: Model, fit: VarCompFit): PointSummary {
  return {
    variances: fit.variances,
    logLik: fit.logLik ?? remlLogLik(model, fit.variances),
    intercept: fit.fixed[0].estimate,
    interceptSe: fit.fixed[0].se,
    statsmodelsVarSe: ratioSe(model, fit),
  };
}

/** statsmodels' variances of `spec`'s model by vcsim term name, and `Residual`. */
export function statsmodelsVariances(
  spec: NotebookModelSpec,
  fit: StatsmodelsFit,
): Record<string, number> {
  const out: Record<string, number> = { Residual: fit.scale };
  for (const [vcsim, , key] of spec.names) out[vcsim] = fit.variances[key];
  return out;
}

/** Fits one model on `data` and collects what the comparison shows. */
export function refitNotebookModel(spec: NotebookModelSpec, data: Dataset): NotebookModelResult {
  const frame = spec.frame(data);
  const cp = crossProducts(frame);
  const fit = fitVarComp(frame, { method: "reml", crossProducts: cp });
  const expected = varianceCovariance(frame, fit, { kind: "expected", crossProducts: cp });
  const varianceSe = Object.fromEntries(expected.parameters.map((p, a) => [p, expected.se[a]]));
  const statsmodels = STATSMODELS[spec.id];
  const given = fitAtVariances(frame, {
    variances: statsmodelsVariances(spec, statsmodels),
    crossProducts: cp,
  });
  return {
    spec,
    statsmodels,
    fit,
    varianceSe,
    vcsim: pointSummary({ frame, cp }, fit),
    atStatsmodels: pointSummary({ frame, cp }, given),
  };
}

/** The notebook's data sets, drawn in its order from one numpy stream. */
export function notebookData(): { nested: Dataset; crossed: Dataset } {
  const stream = new NumpyRandomState(NOTEBOOK_SEED);
  const nestedData = nested(stream);
  return { nested: nestedData, crossed: crossed(stream) };
}
