/**
 * The tests' statistics and p-values on balanced one-way data against the
 * closed forms in F = MSA / MSE of tests/fixtures/test_sizes/DERIVATION.md
 * (fixture sizes.json, made by make_fixture.py with scipy; its "samples"
 * give T_lrt, T_rlrt, z_wald and each test's p-value at F = 0.5 ... 10).
 * The data are built so that MSE = 1 and MSA = F exactly.
 */
import assert from "node:assert";
import { fitVarComp } from "../../../lib/fit/fit.ts";
import type { ModelFrame } from "../../../lib/model/frame.ts";
import { varianceTests } from "../../../lib/inference/tests/variance_tests.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../../fixtures/test_sizes/sizes.json", import.meta.url)),
);

/** Balanced one-way data of a groups of n with MSE = 1 and MSA = F. */
export function balancedOneWay(a: number, n: number, F: number): ModelFrame {
  const d = Array.from({ length: n }, (_, j) => j - (n - 1) / 2);
  const m = Array.from({ length: a }, (_, i) => i - (a - 1) / 2);
  const sd = d.reduce((s, x) => s + x * x, 0), sm = m.reduce((s, x) => s + x * x, 0);
  // SSE = a c^2 sd = N - a; SSA = n k^2 sm = (a - 1) F.
  const c = Math.sqrt((a * n - a) / (a * sd)), k = Math.sqrt(((a - 1) * F) / (n * sm));
  const y = new Float64Array(a * n), codes = new Int32Array(a * n);
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < n; j++) {
      y[i * n + j] = 10 + k * m[i] + c * d[j];
      codes[i * n + j] = i;
    }
  }
  return {
    response: "y",
    y,
    X: new Float64Array(a * n).fill(1),
    fixedNames: ["(Intercept)"],
    terms: [{ name: "g", codes, levels: m.map((_, i) => `g${i}`) }],
    droppedRows: 0,
  };
}

const TESTS = ["lrt", "lrt-chisq", "rlrt", "rlrt-chisq", "f", "wald"] as const;
// The optimizers locate the criteria's minima to about 1e-9; statistics are differences of them.
const TOL = { statistic: 1e-6, p: 1e-6 };

for (const design of fixture.designs.filter((d: { core: boolean }) => d.core)) {
  Deno.test(`one-way a=${design.a} n=${design.n}: statistics and p-values equal the closed forms`, () => {
    for (const s of design.samples) {
      const frame = balancedOneWay(design.a, design.n, s.F);
      const fit = fitVarComp(frame);
      const got = varianceTests(frame, fit, { tests: [...TESTS] });
      const expected: Record<string, number> = {
        lrt: s.T_lrt,
        "lrt-chisq": s.T_lrt,
        rlrt: s.T_rlrt,
        "rlrt-chisq": s.T_rlrt,
        f: s.F,
        wald: s.z_wald,
      };
      for (const r of got) {
        const at = `${r.test} at F=${s.F} (a=${design.a}, n=${design.n})`;
        assert.equal(r.status, "ok", at);
        assert.ok(
          Math.abs(r.statistic! - expected[r.test]) <= TOL.statistic,
          `${at}: T ${r.statistic} vs ${expected[r.test]}`,
        );
        assert.ok(
          Math.abs(r.pValue! - s.p[r.test]) <= TOL.p,
          `${at}: p ${r.pValue} vs ${s.p[r.test]}`,
        );
      }
    }
  });
}

Deno.test("rlrt-exact equals the F test's p-value in the balanced one-way design, within its simulation error", () => {
  // RLRT is increasing in F above 1, so P0(RLRT >= T(F)) = P0(F' >= F): the exact null
  // p-value is the F test's, up to the binomial error of 10,000 draws.
  for (const design of fixture.designs.filter((d: { core: boolean }) => d.core)) {
    for (const s of design.samples.filter((x: { F: number }) => x.F > 1)) {
      const frame = balancedOneWay(design.a, design.n, s.F);
      const [exact] = varianceTests(frame, fitVarComp(frame), { tests: ["rlrt-exact"] });
      const p = s.p.f, se = Math.sqrt((p * (1 - p)) / 10000);
      assert.ok(
        Math.abs(exact.pValue! - p) <= 4 * se + 1e-4,
        `a=${design.a} n=${design.n} F=${s.F}: rlrt-exact ${exact.pValue} vs F ${p} (SE ${se})`,
      );
    }
  }
});
