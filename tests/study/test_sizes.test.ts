/**
 * Size and power of every built-in test in the balanced one-way design,
 * simulated through runReplicate, against the exact values computed from
 * the F distribution in tests/fixtures/test_sizes/sizes.json (made by
 * make_fixture.py; derivation in DERIVATION.md): every rejection rate
 * within 3 Monte Carlo SEs of the exact one. `f`, `rlrt-exact` and
 * `bootstrap-lrt` (99 refits: alpha (B + 1) = 5 is an integer) hold 0.05.
 */
import assert from "node:assert";
import { defineStudy, nested, runReplicate } from "../../mod.ts";
import { fQuantile, fUpper } from "../../lib/special/mod.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/test_sizes/sizes.json", import.meta.url)),
);
const TESTS = [
  "lrt",
  "lrt-chisq",
  "rlrt",
  "rlrt-chisq",
  "rlrt-exact",
  "f",
  "bootstrap-lrt",
  "wald",
] as const;
const REPS = 2000;

const study = defineStudy({
  name: "sizes",
  factors: { groups: [5, 10, 20], icc: [0, 0.2] },
  generate: (c, stream) =>
    nested(stream, {
      nGroup1: Number(c.groups),
      nGroup2: 1,
      nRep: 5,
      group1Sd: Math.sqrt(Number(c.icc)),
      group2Sd: 0,
      unexplainedSd: Math.sqrt(1 - Number(c.icc)),
    }),
  truth: (c) => ({ group1: Number(c.icc), Residual: 1 - Number(c.icc) }),
  formula: "y ~ 1 + (1|group1)",
  methods: ["reml"],
  intervals: [],
  tests: [...TESTS],
  bootstrapReplicates: 99,
  reps: REPS,
  seed: 20261201,
});

/** Rejections per test over REPS replicates of a condition. */
async function rejections(groups: number, icc: number): Promise<Record<string, number>> {
  const count: Record<string, number> = Object.fromEntries(TESTS.map((t) => [t, 0]));
  for (let rep = 0; rep < REPS; rep++) {
    const record = await runReplicate(study, { condition: { groups, icc }, rep, seed: study.seed });
    for (const t of record.fits[0].parameters[0].tests!) {
      assert.equal(t.status, "ok", `${t.test} at groups=${groups} icc=${icc} rep ${rep}`);
      if (t.reject) count[t.test]++;
    }
  }
  return count;
}

/**
 * Power of `bootstrap-lrt` with B = 99 refits in the balanced one-way
 * design: T is increasing in F, so given the data the test rejects when at
 * most 4 of 99 null draws reach T, each with probability u = P0(F' >= F)
 * (the F test's p-value): power = E[P(Binomial(99, u) <= 4)] over the
 * alternative law of F = (1 + n rho) F(df1, df2), by the midpoint rule on
 * 4000 quantiles. At scale 1 it is 5/100 exactly.
 */
function bootstrapPower(df1: number, df2: number, scale: number): number {
  const M = 4000;
  let sum = 0;
  for (let i = 0; i < M; i++) {
    const u = fUpper(scale * fQuantile((i + 0.5) / M, df1, df2), df1, df2);
    let term = (1 - u) ** 99, cdf = term;
    for (let k = 1; k <= 4; k++) {
      term *= ((99 - k + 1) / k) * (u / (1 - u));
      cdf += term;
    }
    sum += cdf;
  }
  return sum / M;
}

interface Design {
  a: number;
  n: number;
  df1: number;
  df2: number;
  sizes: Record<string, number>;
  powers_by_icc: Record<string, Record<string, number>>;
}

/**
 * The exact rejection rate of each test: the fixture's; alpha under H0 for
 * the resampled nulls; under H1 the F test's power for `rlrt-exact` (the
 * same test as `f` here, up to its 10,000-draw null) and
 * {@linkcode bootstrapPower} for `bootstrap-lrt`.
 */
function exactRate(test: string, design: Design, icc: number): number {
  const rates = icc === 0 ? design.sizes : design.powers_by_icc[String(icc)];
  if (test !== "rlrt-exact" && test !== "bootstrap-lrt") return rates[test];
  if (icc === 0) return 0.05;
  if (test === "rlrt-exact") return rates.f;
  return bootstrapPower(design.df1, design.df2, 1 + design.n * (icc / (1 - icc)));
}

for (const groups of [5, 10, 20]) {
  const design: Design = fixture.designs.find((d: Design) => d.a === groups && d.n === 5);
  for (const icc of [0, 0.2]) {
    const what = icc === 0 ? "size" : "power at ICC 0.2";
    Deno.test(`one-way, ${groups} groups of 5: ${what} of every test within 3 MCSE of exact`, async () => {
      const count = await rejections(groups, icc);
      const lines = TESTS.map((test) => {
        const p = exactRate(test, design, icc);
        const rate = count[test] / REPS, mcse = Math.sqrt(Math.max(p * (1 - p), 1e-12) / REPS);
        return { test, rate, p, mcse, ok: Math.abs(rate - p) <= 3 * mcse + 1e-12 };
      });
      const bad = lines.filter((l) => !l.ok);
      assert.deepEqual(
        bad.map((l) =>
          `${l.test}: ${l.rate} vs exact ${l.p.toFixed(4)} (MCSE ${l.mcse.toFixed(4)})`
        ),
        [],
      );
    });
  }
}
