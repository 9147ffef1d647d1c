// The report against theory on a balanced one-way study (tests/fixtures/studies/one_way_theory.ts:
// a = 10 groups of n = 5, group variance 0.5, residual variance 1, 400 replicates).
// Reference values:
// - the ANOVA estimator of the group variance is unbiased, and its exact variance is
//   sum_k c_k^2 2 E[MS_k]^2 / df_k (ALGORITHMS.md section 3; Searle, Casella & McCulloch 1992,
//   "Variance Components", ch. 3): with c = (1/n, -1/n),
//   2/n^2 [(s2 + n sA)^2/(a - 1) + s2^2/(a(n - 1))];
// - the exact chi-square interval for the residual variance has coverage 0.95 exactly
//   (SSE / s2 ~ chi2 with a(n - 1) df; ALGORITHMS.md section 4).
import assert from "node:assert";
import { runStudy, storePath } from "../../lib/study/runner.ts";
import { openStore } from "../../lib/store/store.ts";
import { performanceMeasures } from "../../lib/report/measures.ts";
import type { MeasureRow } from "../../lib/report/measure_row.ts";
import { tempDir } from "../_temp_dir.ts";

const a = 10, n = 5, sA = 0.5, s2 = 1;

Deno.test("one-way theory: ANOVA bias, empirical SE and exact-interval coverage", async () => {
  const dir = await tempDir();
  const study = new URL("../fixtures/studies/one_way_theory.ts", import.meta.url).href;
  const result = await runStudy(study, { outDir: dir, workers: 1 });
  assert.equal(result.done, 400);
  const store = openStore(storePath(dir, null));
  let rows: MeasureRow[];
  try {
    rows = performanceMeasures(store);
  } finally {
    store.close();
  }
  const get = (method: string, parameter: string, interval: string | null, measure: string) => {
    const row = rows.find((r) =>
      r.method === method && r.parameter === parameter && r.interval === interval &&
      r.measure === measure
    );
    assert.ok(row && row.value !== null && row.mcse !== null, `${method} ${parameter} ${measure}`);
    return row as MeasureRow & { value: number; mcse: number };
  };
  const within3 = (row: { value: number; mcse: number }, expected: number, what: string) =>
    assert.ok(
      Math.abs(row.value - expected) <= 3 * row.mcse,
      `${what}: ${row.value} (MCSE ${row.mcse}) vs ${expected}`,
    );

  const used = rows.find((r) => r.method === "ANOVA" && r.measure === "used");
  assert.equal(used?.value, 400);
  within3(get("ANOVA", "group1", null, "bias"), 0, "ANOVA group1 bias");
  const exactSe = Math.sqrt(2 / n ** 2 * ((s2 + n * sA) ** 2 / (a - 1) + s2 ** 2 / (a * (n - 1))));
  assert.ok(Math.abs(exactSe - 0.333) < 1e-3); // 2/25 (12.25/9 + 1/40) = 0.11089
  within3(get("ANOVA", "group1", null, "empirical_se"), exactSe, "ANOVA group1 empirical SE");
  // The residual ANOVA estimator MSE: variance 2 s2^2 / (a(n - 1)).
  within3(
    get("ANOVA", "Residual", null, "empirical_se"),
    Math.sqrt(2 * s2 ** 2 / (a * (n - 1))),
    "ANOVA residual empirical SE",
  );
  within3(get("ANOVA", "Residual", "exact", "coverage"), 0.95, "exact residual coverage");
  within3(get("REML", "Residual", "exact", "coverage"), 0.95, "exact residual coverage (REML)");
});
