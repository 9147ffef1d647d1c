/**
 * A store of the two-factor fixture study and its HTML report, and the
 * HTML report of the tests store (hypothesis tests, power curves), each
 * built once per test process and shared by the HTML report tests.
 *
 * @module
 */
import { join } from "node:path";
import { openStore } from "../../lib/store/store.ts";
import { runStudy, storePath } from "../../lib/study/runner.ts";
import { htmlReport } from "../../lib/report/html.ts";
import { performanceMeasures } from "../../lib/report/measures.ts";
import study from "../fixtures/studies/tiny_grid.ts";
import { testsStore } from "./_tests_store.ts";

let built: Promise<{ dir: string; file: string; html: string }> | undefined;

/**
 * Runs `tests/fixtures/studies/tiny_grid.ts` (5 conditions, 3 methods, 2
 * interval methods) into a temporary directory, writes its HTML report
 * there, and returns the directory, the report's path and its text.
 */
export function htmlFixture(): Promise<{ dir: string; file: string; html: string }> {
  built ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "vcsim-html-" });
    const url = new URL("../fixtures/studies/tiny_grid.ts", import.meta.url).href;
    await runStudy(url, { outDir: dir, workers: 1 });
    const store = openStore(storePath(dir, null));
    try {
      const html = await htmlReport(store, performanceMeasures(store), {
        ademp: study.ademp,
        generatedAt: new Date("2024-01-01T00:00:00Z"),
      });
      const file = join(dir, "report.html");
      await Deno.writeTextFile(file, html);
      return { dir, file, html };
    } finally {
      store.close();
    }
  })();
  return built;
}

let builtTests: Promise<{ dir: string; file: string; html: string }> | undefined;

/**
 * Writes the HTML report of the tests store (`_tests_store.ts`: six
 * conditions, two methods, three tests of group1) into a temporary
 * directory and returns the directory, the report's path and its text.
 */
export function htmlTestsFixture(): Promise<{ dir: string; file: string; html: string }> {
  builtTests ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "vcsim-html-tests-" });
    const store = testsStore();
    try {
      const html = await htmlReport(store, performanceMeasures(store), {
        generatedAt: new Date("2024-01-01T00:00:00Z"),
      });
      const file = join(dir, "report.html");
      await Deno.writeTextFile(file, html);
      return { dir, file, html };
    } finally {
      store.close();
    }
  })();
  return builtTests;
}
