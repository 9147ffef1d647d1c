/**
 * The `exact` chi-square interval of the residual variance in any design:
 * RSS and rank of the within-cell fit (y on X and every grouping term as
 * fixed effects) against numpy's lstsq and matrix_rank, and the interval
 * against scipy's chi-square quantiles, for unbalanced nested, crossed and
 * covariate designs (tests/fixtures/anova_se/make_fixture.py -> anova_se.json);
 * balanced designs keep their ANOVA table's SSE.
 */
import assert from "node:assert";
import { fitVarComp } from "../../lib/fit/fit.ts";
import { confidenceIntervals } from "../../lib/inference/intervals.ts";
import { withinCellResidual } from "../../lib/inference/within_cell_residual.ts";
import { balancedAnova } from "../../lib/inference/balanced_anova.ts";
import { crossProducts } from "../../lib/model/cross_products.ts";
import { crossed } from "../../lib/generate/crossed.ts";
import { deriveStream } from "../../lib/rng/derive_stream.ts";
import { modelFrame } from "../../lib/model/model_frame.ts";
import { chiSquareQuantile } from "../../lib/special/mod.ts";
import type { ModelFrame } from "../../lib/model/frame.ts";

interface FixtureDataset {
  name: string;
  y: number[];
  X: number[];
  fixedNames: string[];
  terms: { name: string; codes: number[]; levels: number }[];
  withinCell: { rss: number; rank: number; df: number; interval: [number, number] };
}

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/anova_se/anova_se.json", import.meta.url)),
) as { level: number; datasets: FixtureDataset[] };

function frameOf(d: FixtureDataset): ModelFrame {
  return {
    response: "y",
    y: Float64Array.from(d.y),
    X: Float64Array.from(d.X),
    fixedNames: d.fixedNames,
    droppedRows: 0,
    terms: d.terms.map((t) => ({
      name: t.name,
      codes: Int32Array.from(t.codes),
      levels: Array.from({ length: t.levels }, (_, i) => String(i)),
    })),
  };
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

for (const d of fixture.datasets) {
  Deno.test(`${d.name}: within-cell RSS, rank and exact interval equal numpy's lstsq`, () => {
    const frame = frameOf(d);
    const r = withinCellResidual(crossProducts(frame));
    assert.ok("ss" in r, JSON.stringify(r));
    assert.deepEqual([r.rank, r.df], [d.withinCell.rank, d.withinCell.df]);
    assert.ok(relative(r.ss, d.withinCell.rss) < 1e-10, `RSS ${r.ss} vs ${d.withinCell.rss}`);
    const fit = fitVarComp(frame, { method: "reml" });
    const inference = confidenceIntervals(frame, fit, { methods: ["exact"], level: fixture.level });
    const exact = inference.intervals.find((i) => i.parameter === "Residual")!;
    assert.equal(exact.status, "ok");
    assert.equal(exact.df, d.withinCell.df);
    // scipy's chi2.ppf and vcsim's quantile agree to about 1e-12 (tests/special).
    assert.ok(relative(exact.lower!, d.withinCell.interval[0]) < 1e-9, `lower ${exact.lower}`);
    assert.ok(relative(exact.upper!, d.withinCell.interval[1]) < 1e-9, `upper ${exact.upper}`);
  });
}

Deno.test("balanced crossed: the exact interval is still the ANOVA table's", () => {
  const data = crossed(deriveStream(12, ["exact balanced"]), {
    nGroup1: 5,
    nGroup2: 4,
    nRep: 2,
    layout: "balanced",
  });
  const frame = modelFrame(data, "y ~ 1 + (1|group1) + (1|group2)");
  const cp = crossProducts(frame);
  const table = balancedAnova(cp)!;
  const exact = confidenceIntervals(frame, fitVarComp(frame), { methods: ["exact"] }).intervals
    .find((i) => i.parameter === "Residual")!;
  // Hand formula on the table's SSE, df = abn - a - b + 1 = 32, at the level's tail
  // probabilities as computed in floating point (alpha / 2 = 0.025000000000000022).
  assert.equal(table.residual.df, 32);
  const alpha = 1 - 0.95;
  assert.strictEqual(exact.lower, table.residual.ss / chiSquareQuantile(1 - alpha / 2, 32));
  assert.strictEqual(exact.upper, table.residual.ss / chiSquareQuantile(alpha / 2, 32));
  // The general within-cell computation agrees with the table.
  const r = withinCellResidual(cp);
  assert.ok("ss" in r && r.df === 32 && relative(r.ss, table.residual.ss) < 1e-10);
});

Deno.test("exact is not applicable, saying why, when no residual df are left or the system is too large", () => {
  // One row per cell of a 3 x 3 crossing plus one repeat: n = 10, rank 5, df 5; with
  // maxColumns 2 the 1 + 3 columns besides the first term's are not solved.
  const g1 = [0, 0, 0, 1, 1, 1, 2, 2, 2, 0], g2 = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0];
  const frame: ModelFrame = {
    response: "y",
    y: Float64Array.from({ length: 10 }, (_, i) => Math.sin(i + 1)),
    X: new Float64Array(10).fill(1),
    fixedNames: ["(Intercept)"],
    droppedRows: 0,
    terms: [
      { name: "a", codes: Int32Array.from(g1), levels: ["a1", "a2", "a3"] },
      { name: "b", codes: Int32Array.from(g2), levels: ["b1", "b2", "b3"] },
    ],
  };
  const cp = crossProducts(frame);
  const r = withinCellResidual(cp);
  assert.ok("ss" in r && r.rank === 5 && r.df === 5);
  const capped = withinCellResidual(cp, { maxColumns: 2 });
  assert.ok("reason" in capped && /4 dense normal equations/.test(capped.reason));
  // A saturated nested chain: one row per innermost level.
  const saturated = withinCellResidual(crossProducts({
    ...frame,
    y: frame.y.subarray(0, 4),
    X: new Float64Array(4).fill(1),
    terms: [{ name: "g", codes: Int32Array.from([0, 1, 2, 3]), levels: ["1", "2", "3", "4"] }],
  }));
  assert.ok("reason" in saturated && /no residual df/.test(saturated.reason));
});
