// The shipped lme4 adapter (lib/external/lme4_adapter.R) reproduces vcsim's
// REML fits replicate by replicate, and ends at its stdin's EOF. Skipped, with
// a note, where R with lme4 and jsonlite is missing.
import assert from "node:assert";
import { runStudy } from "../../lib/study/runner.ts";
import { lme4AdapterPath } from "../../lib/external/shipped_adapters.ts";
import { strictLme4 } from "../fixtures/studies/_external_base.ts";
import {
  differences,
  eventually,
  fixture,
  processesWith,
  records,
  tempDir,
  unavailable,
} from "./_helpers.ts";

const TAG = "vcsim-test-external-lme4";
const missing = await unavailable(strictLme4(TAG));
const skip = missing ? ` (skipped: ${missing})` : "";

Deno.test({
  name: `lme4 adapter: REML variances within 1e-5 of vcsim's, nested and crossed${skip}`,
  ignore: missing !== null,
  fn: async () => {
    const dir = await tempDir();
    await runStudy(fixture("external_lme4"), { outDir: dir, workers: 2 });
    const d = differences(records(dir), "lme4-REML");
    console.log("lme4 vs vcsim REML, max relative differences:", JSON.stringify(d));
    assert.deepEqual(d.replicates, { "design=nested": 20, "design=crossed": 20 });
    // vcsim matches lme4 1.1-31 within 1e-6 on its reference fits
    // (tests/fit/lme4_reference.test.ts); per replicate we ask for 1e-5.
    for (const c of Object.keys(d.replicates)) {
      assert.ok(d.variances[c] <= 1e-5, `${c}: variances differ by ${d.variances[c]}`);
      assert.ok(d.fixed[c] <= 1e-5, `${c}: fixed effects or SEs differ by ${d.fixed[c]}`);
    }
    // The pool kills its workers at the end: their adapters end at stdin EOF.
    assert.ok(await eventually(() => processesWith(TAG).length === 0), "an R adapter is left");
  },
});

Deno.test({
  name: `lme4 adapter: answers a request, reports a bad one, ends at stdin EOF${skip}`,
  ignore: missing !== null,
  fn: async () => {
    const child = new Deno.Command("Rscript", {
      args: [lme4AdapterPath(), `--tag=${TAG}`],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    // Dyestuff-like one-way data by hand: 4 groups of 2; REML by lme4 gives Residual 0.875
    // (the within-group mean square (0.5 + 0.5 + 0.5 + 2) / 4) and a group variance of 7.2917.
    const request = {
      protocol: 1,
      id: 1,
      criterion: "REML",
      n: 8,
      y: [1, 2, 3, 4, 5, 6, 7, 9],
      fixed: [{ name: "x1", term: "(Intercept)", values: [1, 1, 1, 1, 1, 1, 1, 1] }],
      random: [{ name: "f1", term: "g", codes: [0, 0, 1, 1, 2, 2, 3, 3], levels: 4 }],
      settings: { optimizer: "bobyqa", optCtrl: { rhoend: 1e-10 } },
    };
    const w = child.stdin.getWriter();
    const lines = `${JSON.stringify(request)}\n${JSON.stringify({ ...request, id: 2, y: [] })}\n`;
    await w.write(new TextEncoder().encode(lines));
    await w.close();
    const status = await child.status;
    const [one, two] = new TextDecoder().decode(
      (await new Response(child.stdout).arrayBuffer()) as ArrayBuffer,
    ).trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(status.code, 0);
    assert.equal(one.id, 1);
    assert.ok(Math.abs(one.variances.Residual - 0.875) < 1e-7, String(one.variances.Residual));
    // The between-group mean square is 2 * var(c(1.5, 3.5, 5.5, 8)) = 2 * 7.7292 = 15.4583,
    // and REML (interior) gives (15.4583 - 0.875) / 2 = 7.2917.
    assert.ok(Math.abs(one.variances.f1 - 175 / 24) < 1e-6, String(one.variances.f1));
    assert.deepEqual([one.ok, one.converged, one.singular], [true, true, false]);
    assert.deepEqual([two.id, two.ok, typeof two.error], [2, false, "string"]);
  },
});
