/**
 * Opens the store of a run and brings its manifest up to date: a store of
 * another design is refused (or discarded when asked), one written by
 * another vcsim version is refused unless asked for, and the conditions
 * are registered.
 *
 * @module
 */

import { type Manifest, openStore, type ResultStore } from "../store/store.ts";
import { VERSION } from "../version.ts";
import { conditionKey } from "./design_grid.ts";
import type { Shard } from "./shard.ts";
import { studyConditions, type StudyDefinition } from "./study.ts";
import { compareConfigs, type StudyConfig } from "./study_config.ts";

/** The rounds of a target-MCSE search, recorded so an interrupted search resumes exactly. */
export interface TargetPlan {
  /** The target, as given. */
  readonly target: unknown;
  /** Replicates per condition of each round so far, the last one being run. */
  readonly rounds: readonly number[];
}

/** What {@linkcode prepareStore} needs. */
export interface PrepareOptions {
  readonly study: StudyDefinition;
  readonly config: StudyConfig;
  readonly hash: string;
  readonly seed: number | string;
  readonly shard: Shard | null;
  readonly fresh: boolean;
  readonly allowVersionChange: boolean;
  readonly target?: TargetPlan;
  /** Warnings about the study (parameters without a truth), kept for reports. */
  readonly warnings: readonly string[];
}

/** A manifest with the target-MCSE plan of the run that wrote it, if any. */
type RunManifest = Manifest & { target?: TargetPlan; warnings?: readonly string[] };

const storedVersion = (config: unknown): string =>
  String(((config as { versions?: { vcsim?: unknown } })?.versions?.vcsim) ?? "unknown");

async function removeStore(path: string): Promise<void> {
  for (const ext of ["", "-wal", "-shm"]) {
    await Deno.remove(path + ext).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
  }
}

/**
 * Opens the store at `path` for the run described by `options`, writes its
 * manifest and registers the study's conditions. Returns the open store
 * and notes for the user.
 */
export async function prepareStore(
  path: string,
  options: PrepareOptions,
): Promise<{ store: ResultStore; notes: string[] }> {
  const notes: string[] = [];
  let store = openStore(path);
  const existing = store.readManifest() as RunManifest | null;
  let hash = options.hash;
  let config: unknown = options.config;
  if (existing && existing.configHash !== options.hash) {
    const sameDesign =
      compareConfigs(existing.config as StudyConfig, options.config) === "versions";
    if (sameDesign && options.allowVersionChange) {
      // Same design, other versions: extend it under the hash it was created with.
      notes.push(
        `extending a store written by vcsim ${
          storedVersion(existing.config)
        } with vcsim ${VERSION}`,
      );
      hash = existing.configHash;
      config = existing.config;
    } else if (options.fresh) {
      store.close();
      await removeStore(path);
      store = openStore(path);
    } else {
      store.close();
      throw refusal(path, existing, { options, sameDesign });
    }
  }
  const previous = existing && existing.configHash === hash ? existing : null;
  const manifest: RunManifest = {
    study: options.study.name,
    config,
    configHash: hash,
    seed: options.seed,
    reps: previous?.reps ?? 0,
    shard: options.shard ? `${options.shard.index}/${options.shard.count}` : null,
    versions: previous?.versions ?? {
      vcsim: VERSION,
      deno: Deno.version.deno,
      v8: Deno.version.v8,
      typescript: Deno.version.typescript,
    },
    createdAt: previous?.createdAt ?? new Date().toISOString(),
    timings: previous?.timings ?? {},
    ...(options.study.ademp ? { ademp: { ...options.study.ademp } } : {}),
    ...(options.warnings.length > 0 ? { warnings: options.warnings } : {}),
  };
  const target = options.target ?? previous?.target;
  store.writeManifest(target ? { ...manifest, target } : manifest);
  store.registerConditions(
    studyConditions(options.study).map((c) => ({ condition: conditionKey(c), params: c })),
  );
  return { store, notes };
}

/**
 * A store a run refuses to extend: another design, or another vcsim
 * version. `remedy` names the run options that would proceed, so a command
 * line can name its own flags.
 */
export class StoreRefusedError extends Error {
  /** What is wrong with the store, without what to do about it. */
  readonly situation: string;
  readonly remedy: readonly ("fresh" | "allowVersionChange" | "outDir")[];
  constructor(situation: string, options: { remedy: StoreRefusedError["remedy"]; advice: string }) {
    super(`${situation}: ${options.advice}`);
    this.name = "StoreRefusedError";
    this.situation = situation;
    this.remedy = options.remedy;
  }
}

function refusal(
  path: string,
  existing: { study: string; configHash: string; config: unknown },
  how: { options: PrepareOptions; sameDesign: boolean },
): Error {
  const was = existing.configHash.slice(0, 12), now = how.options.hash.slice(0, 12);
  if (how.sameDesign) {
    return new StoreRefusedError(
      `${path} was written by vcsim ${storedVersion(existing.config)} and this is vcsim ` +
        `${VERSION}, and results may differ between versions`,
      {
        remedy: ["allowVersionChange", "fresh", "outDir"],
        advice: "extending it must be asked for explicitly (allow a version change), " +
          "or discard it, or write to another directory",
      },
    );
  }
  return new StoreRefusedError(
    `${path} holds a different design of "${existing.study}" (configuration hash ${was}, ` +
      `now ${now})`,
    { remedy: ["fresh", "outDir"], advice: "discard it, or write to another directory" },
  );
}
