// Balanced and unbalanced closed forms (ALGORITHMS.md section 3; Searle,
// Casella & McCulloch 1992, ch. 3-5) computed here from row sums, against the
// fitter's ANOVA, REML and ML estimates.
import assert from "node:assert";
import { crossProducts } from "../../lib/model/cross_products.ts";
import { hierarchicalAnova, mivque0 } from "../../lib/fit/moments.ts";
import { fitVarComp } from "../../lib/fit/fit.ts";
import type { ModelFrame } from "../../lib/model/frame.ts";

function wobble(i: number): number {
  const s = Math.sin(12.9898 * (i + 1)) * 43758.5453;
  return s - Math.floor(s) - 0.5;
}
/** Deterministic approximately normal values with unit variance. */
const noise = (i: number): number => (wobble(3 * i) + wobble(3 * i + 1) + wobble(3 * i + 2)) * 2;

function frameOf(y: number[], terms: Record<string, number[]>): ModelFrame {
  return {
    response: "y",
    y: Float64Array.from(y),
    X: new Float64Array(y.length).fill(1),
    fixedNames: ["(Intercept)"],
    terms: Object.entries(terms).map(([name, c]) => ({
      name,
      codes: Int32Array.from(c),
      levels: Array.from({ length: Math.max(...c) + 1 }, (_, l) => String(l)),
    })),
    droppedRows: 0,
  };
}

const close = (got: number, want: number, rel: number, what: string) =>
  assert.ok(
    Math.abs(got - want) <= rel * Math.max(Math.abs(want), 1e-300),
    `${what}: ${got} vs ${want}`,
  );

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** Sum of squares of group means about the grand mean, weighted by group size, and within. */
function oneWaySS(y: number[], g: number[]) {
  const groups = new Map<number, number[]>();
  y.forEach((v, i) => groups.set(g[i], [...(groups.get(g[i]) ?? []), v]));
  const gm = mean(y);
  let ssa = 0, sse = 0;
  for (const vs of groups.values()) {
    const m = mean(vs);
    ssa += vs.length * (m - gm) ** 2;
    for (const v of vs) sse += (v - m) ** 2;
  }
  return { ssa, sse, a: groups.size, sizes: [...groups.values()].map((v) => v.length) };
}

/** Shrinks each group's mean toward the grand mean by `shrink` (to force MSA < MSE). */
function shrinkGroups(y: number[], g: number[], shrink: number): number[] {
  const gm = mean(y);
  const gmean = new Map<number, number>();
  for (const l of new Set(g)) gmean.set(l, mean(y.filter((_, i) => g[i] === l)));
  return y.map((v, i) => v - shrink * (gmean.get(g[i])! - gm));
}

function balancedOneWay(a: number, n: number, sdA: number) {
  const g = Array.from({ length: a * n }, (_, i) => Math.floor(i / n));
  const y = g.map((gi, i) => 10 + sdA * noise(1000 + gi) + noise(i));
  return { y: sdA === 0 ? shrinkGroups(y, g, 0.8) : y, g };
}

Deno.test("balanced one-way: ANOVA, MIVQUE0 and REML equal (MSA - MSE)/n, MSE", () => {
  const { y, g } = balancedOneWay(8, 5, 1.5);
  const { ssa, sse } = oneWaySS(y, g);
  const msa = ssa / 7, mse = sse / (8 * 4);
  assert.ok(msa > mse);
  const frame = frameOf(y, { g });
  const cp = crossProducts(frame);
  for (const m of [hierarchicalAnova(cp), mivque0(cp)]) {
    close(m.variances[0], (msa - mse) / 5, 1e-12, `${m.estimator} sigma_a^2`);
    close(m.residual, mse, 1e-12, `${m.estimator} sigma^2`);
  }
  const reml = fitVarComp(frame);
  close(reml.variances.g, (msa - mse) / 5, 1e-7, "REML sigma_a^2");
  close(reml.variances.Residual, mse, 1e-7, "REML sigma^2");
  // ML interior: sigma_a^2 = (SSA/a - MSE)/n, sigma^2 = MSE.
  const ml = fitVarComp(frame, { method: "ml" });
  close(ml.variances.g, (ssa / 8 - mse) / 5, 1e-7, "ML sigma_a^2");
  close(ml.variances.Residual, mse, 1e-7, "ML sigma^2");
});

Deno.test("balanced one-way with MSA < MSE: ANOVA negative, REML pools to (SSA+SSE)/(N-1)", () => {
  const { y, g } = balancedOneWay(6, 4, 0);
  const { ssa, sse } = oneWaySS(y, g);
  const msa = ssa / 5, mse = sse / 18;
  assert.ok(msa < mse, "the data must give a negative ANOVA estimate");
  const frame = frameOf(y, { g });
  const anova = fitVarComp(frame, { method: "anova" });
  close(anova.variances.g, (msa - mse) / 4, 1e-12, "raw ANOVA");
  assert.ok(anova.variances.g < 0);
  assert.match(anova.messages.join("\n"), /negative/);
  const reml = fitVarComp(frame);
  assert.equal(reml.variances.g, 0);
  assert.ok(reml.singular);
  close(reml.variances.Residual, (ssa + sse) / 23, 1e-10, "pooled REML sigma^2");
  const ml = fitVarComp(frame, { method: "ml" });
  assert.equal(ml.variances.g, 0);
  close(ml.variances.Residual, (ssa + sse) / 24, 1e-10, "ML sigma^2 at the boundary");
});

function balancedNested(a: number, b: number, n: number, sdA: number, sdB: number) {
  const N = a * b * n;
  const ga = Array.from({ length: N }, (_, i) => Math.floor(i / (b * n)));
  const gb = Array.from({ length: N }, (_, i) => Math.floor(i / n));
  const e = ga.map((_, i) => noise(i));
  // Without a b effect, shrink subgroup means so that MSB < MSE.
  const within = sdB === 0 ? shrinkGroups(e, gb, 0.8) : e;
  const y = ga.map((_, i) => sdA * noise(5000 + ga[i]) + sdB * noise(7000 + gb[i]) + within[i]);
  const gm = mean(y);
  const meanOf = (g: number[], lvl: number) => mean(y.filter((_, i) => g[i] === lvl));
  let ssa = 0, ssb = 0, sse = 0;
  for (let i = 0; i < N; i++) {
    const ma = meanOf(ga, ga[i]), mb = meanOf(gb, gb[i]);
    ssa += (ma - gm) ** 2;
    ssb += (mb - ma) ** 2;
    sse += (y[i] - mb) ** 2;
  }
  return {
    y,
    ga,
    gb,
    msa: ssa / (a - 1),
    msb: ssb / (a * (b - 1)),
    mse: sse / (a * b * (n - 1)),
    ssb,
    sse,
  };
}

Deno.test("balanced nested: ANOVA and REML equal the closed forms", () => {
  const d = balancedNested(6, 3, 4, 1.2, 0.9);
  const sA = (d.msa - d.msb) / 12, sB = (d.msb - d.mse) / 4;
  assert.ok(sA > 0 && sB > 0);
  const frame = frameOf(d.y, { a: d.ga, "a:b": d.gb });
  const cp = crossProducts(frame);
  for (const m of [hierarchicalAnova(cp), mivque0(cp)]) {
    // Sorted terms: a:b (18 levels) first, a (6 levels) second.
    close(m.variances[0], sB, 1e-12, `${m.estimator} sigma_b^2`);
    close(m.variances[1], sA, 1e-12, `${m.estimator} sigma_a^2`);
    close(m.residual, d.mse, 1e-12, `${m.estimator} sigma^2`);
  }
  const reml = fitVarComp(frame);
  close(reml.variances.a, sA, 1e-7, "REML sigma_a^2");
  close(reml.variances["a:b"], sB, 1e-7, "REML sigma_b^2");
  close(reml.variances.Residual, d.mse, 1e-7, "REML sigma^2");
});

Deno.test("balanced nested with MSB < MSE: REML pools the b and error strata", () => {
  const d = balancedNested(5, 3, 3, 2, 0);
  assert.ok(d.msb < d.mse, "the data must give a negative sigma_b^2");
  const frame = frameOf(d.y, { a: d.ga, "a:b": d.gb });
  const reml = fitVarComp(frame);
  // Pool-adjacent-violators: sigma^2 from the pooled SS, then sigma_a^2 from MSA.
  const pooled = (d.ssb + d.sse) / (5 * 2 + 5 * 3 * 2);
  assert.equal(reml.variances["a:b"], 0);
  close(reml.variances.Residual, pooled, 1e-8, "pooled sigma^2");
  close(reml.variances.a, (d.msa - pooled) / 9, 1e-7, "sigma_a^2 against the pooled MSE");
});

Deno.test("balanced crossed: MIVQUE0 and REML equal the mean-square closed forms", () => {
  const a = 7, b = 5, n = 3, N = a * b * n;
  const ga = Array.from({ length: N }, (_, i) => i % a);
  const gb = Array.from({ length: N }, (_, i) => Math.floor(i / a) % b);
  const y = ga.map((_, i) => 1.5 * noise(900 + ga[i]) + 1.1 * noise(800 + gb[i]) + noise(i));
  const gm = mean(y);
  const ma = Array.from({ length: a }, (_, l) => mean(y.filter((_, i) => ga[i] === l)));
  const mb = Array.from({ length: b }, (_, l) => mean(y.filter((_, i) => gb[i] === l)));
  const ssa = b * n * ma.reduce((s, m) => s + (m - gm) ** 2, 0);
  const ssb = a * n * mb.reduce((s, m) => s + (m - gm) ** 2, 0);
  const sse = y.reduce((s, v, i) => s + (v - ma[ga[i]] - mb[gb[i]] + gm) ** 2, 0);
  const mse = sse / (N - a - b + 1);
  const sA = (ssa / (a - 1) - mse) / (b * n), sB = (ssb / (b - 1) - mse) / (a * n);
  assert.ok(sA > 0 && sB > 0);
  const frame = frameOf(y, { a: ga, b: gb });
  const m = mivque0(crossProducts(frame));
  close(m.variances[0], sA, 1e-10, "MIVQUE0 sigma_a^2");
  close(m.variances[1], sB, 1e-10, "MIVQUE0 sigma_b^2");
  close(m.residual, mse, 1e-10, "MIVQUE0 sigma^2");
  const reml = fitVarComp(frame);
  close(reml.variances.a, sA, 1e-7, "REML sigma_a^2");
  close(reml.variances.b, sB, 1e-7, "REML sigma_b^2");
  close(reml.variances.Residual, mse, 1e-7, "REML sigma^2");
});

Deno.test("unbalanced one-way: ANOVA with n0 = (N - sum n_i^2 / N)/(a - 1)", () => {
  const sizes = [2, 5, 3, 7, 4, 1, 6];
  const g = sizes.flatMap((s, l) => Array(s).fill(l));
  const y = g.map((gi, i) => 1.3 * noise(300 + gi) + noise(i));
  const { ssa, sse } = oneWaySS(y, g);
  const N = g.length, a = sizes.length;
  const n0 = (N - sizes.reduce((s, v) => s + v * v, 0) / N) / (a - 1);
  const mse = sse / (N - a);
  const m = hierarchicalAnova(crossProducts(frameOf(y, { g })));
  close(m.variances[0], (ssa / (a - 1) - mse) / n0, 1e-12, "sigma_a^2");
  close(m.residual, mse, 1e-12, "sigma^2");
});

Deno.test("unbalanced nested: Searle's c1, c2, c3 formulas", () => {
  // n_ij per subgroup; b_i subgroups per group.
  const design = [[2, 3], [4, 1, 2], [3], [2, 2, 5, 1]];
  const ga: number[] = [], gb: number[] = [];
  let sub = 0;
  design.forEach((subs, i) =>
    subs.forEach((nij) => {
      for (let k = 0; k < nij; k++) {
        ga.push(i);
        gb.push(sub);
      }
      sub++;
    })
  );
  const y = ga.map((_, r) => 1.4 * noise(400 + ga[r]) + 0.8 * noise(600 + gb[r]) + noise(r));
  const N = y.length, a = design.length, B = sub;
  const ni = design.map((s) => s.reduce((x, v) => x + v, 0));
  const sumNij2OverNi = design.reduce(
    (s, subs, i) => s + subs.reduce((t, v) => t + v * v, 0) / ni[i],
    0,
  );
  const sumNij2 = design.flat().reduce((s, v) => s + v * v, 0);
  const c3 = (N - sumNij2OverNi) / (B - a);
  const c1 = (sumNij2OverNi - sumNij2 / N) / (a - 1);
  const c2 = (N - ni.reduce((s, v) => s + v * v, 0) / N) / (a - 1);
  const gm = mean(y);
  const mA = design.map((_, i) => mean(y.filter((_, r) => ga[r] === i)));
  const mB = Array.from({ length: B }, (_, j) => mean(y.filter((_, r) => gb[r] === j)));
  let ssa = 0, ssb = 0, sse = 0;
  y.forEach((v, r) => {
    ssa += (mA[ga[r]] - gm) ** 2;
    ssb += (mB[gb[r]] - mA[ga[r]]) ** 2;
    sse += (v - mB[gb[r]]) ** 2;
  });
  const mse = sse / (N - B), msb = ssb / (B - a), msa = ssa / (a - 1);
  const sB = (msb - mse) / c3;
  const sA = (msa - mse - c1 * sB) / c2;
  const m = hierarchicalAnova(crossProducts(frameOf(y, { a: ga, "a:b": gb })));
  close(m.variances[0], sB, 1e-11, "sigma_b^2");
  close(m.variances[1], sA, 1e-11, "sigma_a^2");
  close(m.residual, mse, 1e-12, "sigma^2");
});
