/** Paths and cached reference runs of the tiny fixture studies, shared by the study tests. */
import { join } from "node:path";
import { runStudy, storePath } from "../../lib/study/runner.ts";
import { storeDigest } from "../../lib/store/digest.ts";
import { tempDir as removedAtExit } from "../_temp_dir.ts";

/** The module URL of fixture study `name` (tests/fixtures/studies/<name>.ts). */
export const studyUrl = (name: string): string =>
  new URL(`../fixtures/studies/${name}.ts`, import.meta.url).href;

/** The repository-relative path of fixture study `name`, for subprocesses. */
export const studyPath = (name: string): string => `tests/fixtures/studies/${name}.ts`;

/** A fresh temporary directory, removed when the tests end. */
export const tempDir = (): Promise<string> => removedAtExit({ prefix: "vcsim-study-" });

const references = new Map<string, Promise<{ dir: string; digest: string }>>();

/**
 * The store directory and digest of an uninterrupted, unsharded run of
 * fixture `name` with 2 workers, computed once per test process.
 */
export function reference(name: string): Promise<{ dir: string; digest: string }> {
  let ref = references.get(name);
  if (!ref) {
    ref = (async () => {
      const dir = await tempDir();
      await runStudy(studyUrl(name), { outDir: dir, workers: 2 });
      return { dir, digest: await storeDigest(storePath(dir, null)) };
    })();
    references.set(name, ref);
  }
  return ref;
}

/** The single-run store file in `dir`. */
export const storeIn = (dir: string): string => join(dir, "results.sqlite");
