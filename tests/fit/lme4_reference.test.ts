/**
 * REML and ML fits agree with lme4 1.1-31 on every reference dataset
 * (tests/fixtures/lme4, provenance in tests/fixtures/README.md):
 * variances within 1e-6 relative (1e-7 absolute for a zero), logLik within
 * 1e-6, fixed effects and their SEs within 1e-6 relative.
 */
import assert from "node:assert";
import { fitVarComp } from "../../lib/fit/fit.ts";
import { LME4_DATASETS, loadLme4Reference } from "./_lme4_fixtures.ts";

function assertRelative(actual: number, expected: number, tolerance: number, what: string) {
  const error = Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(error <= tolerance, `${what}: ${actual} vs lme4 ${expected} (relative ${error})`);
}

for (const name of LME4_DATASETS) {
  for (const method of ["reml", "ml"] as const) {
    Deno.test(`${name}: ${method.toUpperCase()} fit matches lme4`, async () => {
      const ref = await loadLme4Reference(name);
      const expected = method === "reml" ? ref.REML : ref.ML;
      const fit = fitVarComp(ref.frame, { method });
      assert.ok(fit.converged, "converged");
      assert.strictEqual(fit.singular, expected.singular, "singular flag");
      for (const [component, value] of Object.entries(expected.variances)) {
        const actual = fit.variances[component];
        assert.ok(actual !== undefined, `component ${component} missing`);
        if (value < 1e-10) {
          assert.ok(Math.abs(actual) <= 1e-7, `${component}: ${actual} should be 0`);
        } else assertRelative(actual, value, 1e-6, component);
      }
      assert.ok(
        Math.abs(fit.logLik! - expected.logLik) <= 1e-6,
        `logLik ${fit.logLik} vs lme4 ${expected.logLik}`,
      );
      for (const f of fit.fixed) {
        assertRelative(f.estimate, expected.fixef[f.name], 1e-6, f.name);
        assertRelative(f.se, expected.fixef_se[f.name], 1e-6, `SE of ${f.name}`);
      }
    });
  }
}

Deno.test("Dyestuff2: REML batch variance is exactly 0 and the fit is singular", async () => {
  const ref = await loadLme4Reference("dyestuff2");
  const fit = fitVarComp(ref.frame, { method: "reml" });
  assert.strictEqual(fit.variances.Batch, 0);
  assert.strictEqual(fit.singular, true);
  // The residual variance is then the pooled sample variance (lme4: 13.80634).
  const y = ref.frame.y, n = y.length;
  const mean = y.reduce((a, b) => a + b, 0) / n;
  const s2 = y.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  assertRelative(fit.variances.Residual, s2, 1e-12, "Residual");
});
