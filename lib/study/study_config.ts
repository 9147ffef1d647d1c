/**
 * The configuration of a run that determines its results, and its hash:
 * everything but the number of replicates. A store written under one hash
 * is never extended under another.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { SEEDRANDOM_VERSION } from "../_deps/seedrandom.ts";
import { VERSION } from "../version.ts";
import type { StudyDefinition } from "./study.ts";
import { conditionKey } from "./design_grid.ts";
import { studyConditions } from "./study.ts";
import { _moduleSources } from "./_module_sources.ts";

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
  /** The study's tests and their level, present only when it has tests. */
  readonly tests?: readonly string[];
  readonly alpha?: number;
  /** Source text of the generator, truth, filter and formula functions, for reports. */
  readonly code: Readonly<Record<string, string>>;
  /**
   * SHA-256 of the study module and of every local module it imports,
   * transitively, by path relative to the study file (vcsim's own modules
   * are covered by `versions`).
   */
  readonly sources: Readonly<Record<string, string>>;
  /** Versions of vcsim and of the npm packages that produce its numbers. */
  readonly versions: Readonly<Record<string, string>>;
}

/** Options of {@linkcode studyConfig}. */
export interface StudyConfigOptions {
  /** The study module's `file:` URL: its source and local imports enter the hash. */
  moduleUrl: string | URL;
  /**
   * The run's seed.
   * @default the study's seed
   */
  seed?: number | string;
}

/**
 * Versions of vcsim and of the npm packages whose version changes its
 * numbers (seedrandom: the random streams).
 */
const VERSIONS: Readonly<Record<string, string>> = Object.freeze({
  vcsim: VERSION,
  seedrandom: SEEDRANDOM_VERSION,
});

/** JSON with object keys sorted at every level, so equal configurations give equal text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      v !== null && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0))
        : v,
  );
}

/**
 * The configuration of `study` loaded from `options.moduleUrl`, and its
 * SHA-256 hash. It covers the design, the methods, the seed, the whole
 * source text of the study module and of every local module it imports
 * (so editing a helper, or even a comment, changes the hash), and the
 * versions of vcsim and seedrandom.
 *
 * @throws {TypeError} when `moduleUrl` is not a `file:` URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { loadStudy, studyConfig } from "../../mod.ts";
 * const moduleUrl = new URL("../../studies/one_way.ts", import.meta.url);
 * const study = await loadStudy(moduleUrl.href);
 * const { config, hash } = studyConfig(study, { moduleUrl });
 * assert.deepEqual(Object.keys(config.sources), ["one_way.ts"]);
 * assert.equal(config.seed, study.seed);
 * assert.match(hash, /^[0-9a-f]{64}$/);
 * ```
 */
export function studyConfig(
  study: StudyDefinition,
  options: StudyConfigOptions,
): { config: StudyConfig; hash: string } {
  const code: Record<string, string> = {
    generate: study.generate.toString(),
    truth: study.truth.toString(),
  };
  if (study.filter) code.filter = study.filter.toString();
  if (typeof study.formula === "function") code.formula = study.formula.toString();
  const config: StudyConfig = {
    name: study.name,
    seed: options.seed ?? study.seed,
    conditions: studyConditions(study).map(conditionKey),
    factors: study.factors,
    formula: typeof study.formula === "string" ? study.formula : "(per condition)",
    methods: study.methods.map((m) => typeof m === "string" ? m : m.name),
    intervals: study.intervals.map((i) => typeof i === "string" ? i : i.name),
    level: study.level ?? 0.95,
    bootstrapReplicates: study.bootstrapReplicates ?? 999,
    // Absent without tests, so the hashes of studies without tests stay as they were.
    ...(study.tests && study.tests.length > 0
      ? {
        tests: study.tests.map((t) => typeof t === "string" ? t : t.name),
        alpha: study.alpha ?? 0.05,
      }
      : {}),
    code,
    sources: _moduleSources(options.moduleUrl),
    versions: VERSIONS,
  };
  const hash = createHash("sha256").update(canonicalJson(config)).digest("hex");
  return { config, hash };
}

/**
 * How a stored configuration differs from the current one: `"same"`,
 * `"versions"` when only the versions differ (the same study run by
 * another vcsim or seedrandom), or `"design"` otherwise. Key order does not
 * matter.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { compareConfigs, loadStudy, studyConfig } from "../../mod.ts";
 * const moduleUrl = new URL("../../studies/one_way.ts", import.meta.url);
 * const { config } = studyConfig(await loadStudy(moduleUrl.href), { moduleUrl });
 * assert.equal(compareConfigs(config, config), "same");
 * assert.equal(compareConfigs({ ...config, versions: { vcsim: "0.0.1" } }, config), "versions");
 * assert.equal(compareConfigs({ ...config, seed: 2 }, config), "design");
 * ```
 */
export function compareConfigs(
  stored: StudyConfig,
  current: StudyConfig,
): "same" | "versions" | "design" {
  if (canonicalJson(stored) === canonicalJson(current)) return "same";
  const { versions: _s, ...storedDesign } = stored;
  const { versions: _c, ...currentDesign } = current;
  return canonicalJson(storedDesign) === canonicalJson(currentDesign) ? "versions" : "design";
}
