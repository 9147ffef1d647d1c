/**
 * One estimation method on one replicate: run the plug-in (built-in or a
 * user's), check what it returned, compute the study's intervals for it and
 * build its fit record. Whatever the method does wrong (throws, rejects,
 * returns a variance for an unknown term or no variance for a known one)
 * costs only this fit, stored as failed with its message.
 *
 * @module
 */

import { deriveStream } from "../rng/derive_stream.ts";
import { _LazyStream } from "../rng/_lazy_stream.ts";
import type { CrossProducts } from "../model/cross_products.ts";
import type { ModelFrame } from "../model/frame.ts";
import { fitAtVariances, fitVarComp, type VarCompFit } from "../fit/fit.ts";
import {
  isVarCompFit,
  type MethodContext,
  type MethodPlugin,
  type MethodResult,
} from "../fit/method_plugin.ts";
import { methodPlugin } from "../fit/methods/registry.ts";
import { confidenceIntervals } from "../inference/intervals.ts";
import type { TestContext } from "../inference/tests/test_plugin.ts";
import { varianceTests } from "../inference/tests/variance_tests.ts";
import type { FitRecord, IntervalRecord, ParameterRecord, TestRecord } from "../store/records.ts";
import type { StudyDefinition } from "./study.ts";
import { errorText } from "./_failure.ts";

/** What every method's fit of one replicate shares. */
export interface FitSetup {
  readonly study: StudyDefinition;
  readonly frame: ModelFrame;
  readonly truth: Readonly<Record<string, number>>;
  readonly cp: CrossProducts;
  readonly seed: number | string;
  readonly key: string;
  readonly rep: number;
  /** Methods not to run, by name, with the reason their fit is stored as failed. */
  readonly skip?: Readonly<Record<string, string>>;
  /** Told each method's name before it runs. */
  readonly onMethod?: (name: string) => void;
  /** The context of the replicate's tests, shared by every method; absent without tests. */
  readonly tests?: TestContext;
}

type Entry = StudyDefinition["methods"][number];

/** The variances a method returned, checked against the model's terms. */
function checkedVariances(result: MethodResult, names: readonly string[]): Record<string, number> {
  const v = (result as { variances?: unknown })?.variances;
  if (typeof v !== "object" || v === null) {
    throw new TypeError(`the method returned no variances object (got ${String(v)})`);
  }
  const given = v as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!names.includes(key)) {
      throw new RangeError(
        `the method returned a variance for "${key}", which is not a term: terms are ${
          names.join(", ")
        }`,
      );
    }
  }
  for (const name of names) {
    if (typeof given[name] !== "number") {
      throw new TypeError(
        `the method returned no variance for ${name} (got ${String(given[name])})`,
      );
    }
  }
  return given as Record<string, number>;
}

function context(plugin: MethodPlugin, setup: FitSetup): MethodContext {
  const builtIn = new Map<string, VarCompFit>();
  return {
    crossProducts: setup.cp,
    level: setup.study.level ?? 0.95,
    replicate: { condition: setup.key, rep: setup.rep },
    stream: () => deriveStream(setup.seed, [setup.key, setup.rep, "method", plugin.name]),
    fitBuiltIn: (method) => {
      if (!builtIn.has(method)) {
        builtIn.set(method, fitVarComp(setup.frame, { method, crossProducts: setup.cp }));
      }
      return builtIn.get(method)!;
    },
  };
}

/** The fixed effects of a method's result: its own when it gave them, else GLS at its variances. */
function fixedEffects(result: MethodResult, fit: VarCompFit): VarCompFit["fixed"] {
  const given = result.fixed;
  if (given === undefined || Array.isArray(given)) {
    return (given as VarCompFit["fixed"]) ?? fit.fixed;
  }
  return Object.entries(given as Record<string, number | { estimate: number; se?: number | null }>)
    .map(([name, f]) =>
      typeof f === "number"
        ? { name, estimate: f, se: NaN }
        : { name, estimate: f.estimate, se: f.se ?? NaN }
    );
}

/** Runs method `entry` on the replicate of `setup` and returns its fit record. */
export async function fitMethod(entry: Entry, setup: FitSetup): Promise<FitRecord> {
  const t0 = performance.now();
  let plugin: MethodPlugin;
  let result: MethodResult, fit: VarCompFit;
  const names = [...setup.frame.terms.map((t) => t.name), "Residual"];
  try {
    plugin = methodPlugin(entry);
  } catch (e) {
    return failedFit(String(entry), errorText(e), t0);
  }
  const skipped = setup.skip?.[plugin.name];
  if (skipped !== undefined) return failedFit(plugin.name, skipped, t0);
  setup.onMethod?.(plugin.name);
  try {
    result = await plugin.fit(setup.frame, context(plugin, setup));
    fit = isVarCompFit(result) ? result : fitAtVariances(setup.frame, {
      variances: checkedVariances(result, names),
      crossProducts: setup.cp,
    });
  } catch (e) {
    return failedFit(plugin.name, errorText(e), t0);
  }
  return fitRecord({ plugin, entry, result, fit, names, setup, t0 });
}

function failedFit(method: string, message: string, t0: number): FitRecord {
  return {
    method,
    status: "error",
    converged: false,
    singular: false,
    evaluations: 0,
    fitMs: performance.now() - t0,
    message,
    parameters: [],
  };
}

/** Everything {@linkcode fitRecord} combines. */
interface Fitted {
  readonly plugin: MethodPlugin;
  readonly entry: Entry;
  readonly result: MethodResult;
  readonly fit: VarCompFit;
  readonly names: readonly string[];
  readonly setup: FitSetup;
  readonly t0: number;
}

function fitRecord(x: Fitted): FitRecord {
  const { plugin, result, fit, names, setup } = x;
  const { inference, note } = intervalsOf(x);
  const { byTerm: tests, note: testNote } = testsOf(x);
  const seOf = (name: string, a: number) =>
    result.varianceSe?.[name] ?? inference?.variance.se[a] ?? null;
  const fixed = fixedEffects(result, fit);
  const parameters: ParameterRecord[] = [
    ...names.map((name, a) => {
      const p: ParameterRecord = {
        parameter: name,
        truth: setup.truth[name] ?? null,
        estimate: result.variances[name],
        se: seOf(name, a),
        intervals: collect(inference, name, x),
      };
      const own = tests?.get(name);
      return own ? { ...p, tests: own } : p;
    }),
    ...fixed.map((f) => ({
      parameter: f.name,
      truth: setup.truth[f.name] ?? null,
      estimate: f.estimate,
      se: Number.isFinite(f.se) ? f.se : null,
      intervals: collect(inference, f.name, x),
    })),
  ];
  const builtIn = isVarCompFit(result);
  const converged = builtIn ? fit.converged : result.converged ?? true;
  const negative = names.some((n) => result.variances[n] < 0);
  const singular = builtIn
    ? (fit.method === "ANOVA" ? negative : fit.singular)
    : result.singular ?? names.some((n) => result.variances[n] <= 0);
  const messages = [
    ...(result.messages ?? []),
    ...(note ? [note] : []),
    ...(testNote ? [testNote] : []),
  ];
  return {
    method: plugin.name,
    status: converged ? "ok" : "nonconverged",
    converged,
    singular,
    evaluations: result.evaluations ?? 0,
    fitMs: performance.now() - x.t0,
    message: messages.length > 0 ? messages.join("; ") : null,
    parameters,
  };
}

/** The study's intervals for this fit (the bootstrap only for vcsim's own methods). */
function intervalsOf(x: Fitted) {
  const { study } = x.setup;
  const own = isVarCompFit(x.result);
  const methods = own ? study.intervals : study.intervals.filter((m) => m !== "bootstrap");
  try {
    const inference = confidenceIntervals(x.setup.frame, x.fit, {
      methods,
      level: study.level,
      crossProducts: x.setup.cp,
      bootstrap: {
        // Built-ins keep the stream key they always had ("reml", "ml", "anova"). Made when
        // first drawn from: most studies have no bootstrap, and nothing else may draw.
        stream: new _LazyStream(() =>
          deriveStream(x.setup.seed, [
            x.setup.key,
            x.setup.rep,
            "bootstrap",
            typeof x.entry === "string" ? x.entry : x.plugin.name,
          ])
        ),
        replicates: study.bootstrapReplicates,
      },
    });
    return { inference, note: null };
  } catch (e) {
    return { inference: null, note: `intervals failed: ${errorText(e)}` };
  }
}

function collect(
  inference: ReturnType<typeof confidenceIntervals> | null,
  parameter: string,
  x: Fitted,
): IntervalRecord[] {
  if (!inference) return [];
  const found: IntervalRecord[] = inference.intervals.filter((i) => i.parameter === parameter)
    .map((i) => ({ interval: i.method, lower: i.lower, upper: i.upper, status: i.status }));
  if (!isVarCompFit(x.result) && x.setup.study.intervals.includes("bootstrap")) {
    // The bootstrap refits with vcsim's own methods: not applicable to another estimator.
    found.push({ interval: "bootstrap", lower: null, upper: null, status: "not-applicable" });
  }
  return found;
}

/**
 * The study's tests of every random term of this fit, by term (null without
 * tests), and why they all failed when a test refused the context.
 */
function testsOf(x: Fitted): { byTerm: Map<string, TestRecord[]> | null; note: string | null } {
  const context = x.setup.tests;
  const list = x.setup.study.tests ?? [];
  if (!context || list.length === 0) return { byTerm: null, note: null };
  let note: string | null = null;
  const alpha = context.alpha;
  const byTerm = new Map<string, TestRecord[]>();
  for (const term of x.setup.frame.terms) byTerm.set(term.name, []);
  let results;
  try {
    results = varianceTests(x.setup.frame, x.fit, { tests: list, context });
  } catch (e) {
    // A test's validate refused (a plug-in's mistake): every test of this fit is failed.
    note = `tests failed: ${errorText(e)}`;
    results = list.flatMap((t) =>
      x.setup.frame.terms.map((term) => ({
        parameter: term.name,
        test: typeof t === "string" ? t : t.name,
        statistic: null,
        pValue: null,
        status: "failed" as const,
      }))
    );
  }
  for (const r of results) {
    byTerm.get(r.parameter)!.push({
      test: r.test,
      statistic: r.statistic,
      pValue: r.pValue,
      reject: r.pValue === null ? null : r.pValue <= alpha,
      status: r.status,
    });
  }
  return { byTerm, note };
}
