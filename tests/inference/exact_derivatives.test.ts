/**
 * The exact derivatives of nested chains (lib/fit/_chain_derivatives.ts)
 * against dense n x n algebra (ml-matrix): the expected and observed
 * information 1/2 tr(P V_k P V_l) and -1/2 tr(P V_k P V_l) + y'P V_k P V_l P y
 * (ALGORITHMS.md section 4) and the gradient of Var(beta), on unbalanced
 * two- and three-level chains with a covariate; the Satterthwaite df with
 * the observed information against lmerTest; the balanced closed forms of
 * the REML and ML fits; profile limits on the deviance cutoff.
 */
import assert from "node:assert";
import { CholeskyDecomposition, Matrix } from "../../lib/_deps/ml_matrix.ts";
import { crossProducts } from "../../lib/model/cross_products.ts";
import type { ModelFrame } from "../../lib/model/frame.ts";
import { modelFrame } from "../../lib/model/model_frame.ts";
import { readCsvFile } from "../../lib/data/csv_read.ts";
import { chainDerivatives } from "../../lib/fit/_chain_derivatives.ts";
import { isNestedChain } from "../../lib/fit/_chain_factor.ts";
import { secondOrder } from "../../lib/fit/_jets.ts";
import { fitVarComp } from "../../lib/fit/fit.ts";
import { minimizeEven } from "../../lib/fit/optimize.ts";
import { nested } from "../../lib/generate/nested.ts";
import { NumpyRandomState } from "../../lib/rng/numpy_random_state.ts";
import { varianceCovariance } from "../../lib/inference/information.ts";
import { satterthwaiteFixedDf } from "../../lib/inference/satterthwaite_df.ts";
import { VarianceDeviance } from "../../lib/inference/variance_deviance.ts";
import { VarianceProfile } from "../../lib/inference/profile.ts";

/** Deterministic, irregular values. */
function wobble(i: number, k: number): number {
  const s = Math.sin(12.9898 * (i + 1) + 78.233 * (k + 1)) * 43758.5453;
  return s - Math.floor(s) - 0.5;
}

function frameOf(codes: Record<string, number[]>): ModelFrame {
  const n = Object.values(codes)[0].length;
  const X = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    X[i] = 1;
    X[n + i] = wobble(i, 11);
  }
  return {
    response: "y",
    y: Float64Array.from({ length: n }, (_, i) => 3 * wobble(i, 0) + (codes.a[i] ?? 0) * 0.4),
    X,
    fixedNames: ["(Intercept)", "x"],
    terms: Object.entries(codes).map(([name, c]) => ({
      name,
      codes: Int32Array.from(c),
      levels: Array.from({ length: Math.max(...c) + 1 }, (_, l) => String(l)),
    })),
    droppedRows: 0,
  };
}

/** Dense Z_k Z_k' (k < K, frame order) or I (k = K). */
function vk(f: ModelFrame, k: number): Matrix {
  const n = f.y.length, M = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const same = k < f.terms.length ? f.terms[k].codes[i] === f.terms[k].codes[j] : i === j;
      if (same) M.set(i, j, 1);
    }
  }
  return M;
}

/** Dense REML information (expected and observed) and d Var(beta_j) / d s at s (frame order). */
function dense(f: ModelFrame, s: number[]) {
  const n = f.y.length, p = f.fixedNames.length, d = s.length;
  const Vs = s.map((_, k) => vk(f, k));
  const V = Vs.reduce((acc, M, k) => acc.add(M.clone().mul(s[k])), new Matrix(n, n));
  const X = new Matrix(n, p);
  for (let i = 0; i < n; i++) for (let c = 0; c < p; c++) X.set(i, c, f.X[c * n + i]);
  const y = Matrix.columnVector(Array.from(f.y));
  const chol = new CholeskyDecomposition(V);
  const Vi = chol.solve(Matrix.eye(n, n)), ViX = Vi.mmul(X);
  const XtViX = X.transpose().mmul(ViX);
  const A = new CholeskyDecomposition(XtViX.clone().add(XtViX.transpose()).mul(0.5))
    .solve(Matrix.eye(p, p));
  const P = Vi.clone().sub(ViX.mmul(A).mmul(ViX.transpose()));
  const PV = Vs.map((M) => P.mmul(M)), ViV = Vs.map((M) => Vi.mmul(M)), Py = P.mmul(y);
  const info = () => ({ expected: new Float64Array(d * d), observed: new Float64Array(d * d) });
  const reml = info(), ml = info();
  for (let k = 0; k < d; k++) {
    for (let l = 0; l < d; l++) {
      const tr = PV[k].mmul(PV[l]).trace(), trMl = ViV[k].mmul(ViV[l]).trace();
      // y'P V_k P V_l P y: the second derivative of y'Py, in ML (beta profiled) as in REML.
      const quad = Py.transpose().mmul(Vs[k]).mmul(PV[l]).mmul(Py).get(0, 0);
      reml.expected[k * d + l] = tr / 2;
      reml.observed[k * d + l] = -tr / 2 + quad;
      ml.expected[k * d + l] = trMl / 2;
      ml.observed[k * d + l] = -trMl / 2 + quad;
    }
  }
  const slopes = Vs.map((M) => A.mmul(ViX.transpose()).mmul(M).mmul(ViX).mmul(A));
  return { reml, ml, slopes, A };
}

const n = 60;
const idx = Array.from({ length: n }, (_, i) => i);
const caskOf = idx.map((i) => Math.floor((i * i) / 97) % 10);
const designs: Record<string, Record<string, number[]>> = {
  "unbalanced a/b": { a: caskOf.map((c) => [0, 0, 1, 1, 1, 2, 3, 3, 3, 3][c]), "a:b": caskOf },
  "unbalanced a/b/c": {
    a: caskOf.map((c) => [0, 0, 1, 1, 1, 2, 3, 3, 3, 3][c]),
    "a:b": caskOf,
    "a:b:c": idx.map((i) => 2 * caskOf[i] + (wobble(i, 5) > 0.1 ? 1 : 0)),
  },
};

for (const [name, codes] of Object.entries(designs)) {
  Deno.test(`${name}: exact information and Var(beta) slopes equal dense algebra`, () => {
    const f = frameOf(codes), cp = crossProducts(f), K = f.terms.length, d = K + 1;
    const sFrame = [...Array.from({ length: K }, (_, k) => 0.3 + 0.4 * k), 1.2];
    const pos = [...cp.order, K]; // sorted position t holds frame index pos[t]
    const s = Float64Array.from(pos, (i) => sFrame[i]);
    assert.ok(isNestedChain(cp));
    const want = dense(f, sFrame), derivatives = chainDerivatives(cp);
    const cases = [["log-determinants", "expected"], ["full", "observed"]] as const;
    for (const reml of [true, false]) {
      for (const [parts, kind] of cases) {
        const out = secondOrder(d), ref = want[reml ? "reml" : "ml"][kind];
        assert.ok(derivatives.evaluate(s) && derivatives.deviance(out, { reml, parts }));
        for (let a = 0; a < d; a++) {
          for (let b = 0; b < d; b++) {
            const got = (kind === "expected" ? -0.5 : 0.5) * out.H[a * d + b];
            const r = ref[pos[a] * d + pos[b]];
            assert.ok(Math.abs(got - r) <= 1e-9 * Math.abs(r) + 1e-12, `${reml} ${kind} ${a},${b}`);
          }
        }
      }
    }
    assert.ok(derivatives.evaluate(s));
    const fixed = derivatives.fixedCovariance()!;
    for (let j = 0; j < cp.p; j++) {
      const v = want.A.get(j, j);
      assert.ok(Math.abs(fixed.covariance[j * cp.p + j] / v - 1) < 1e-10);
      for (let a = 0; a < d; a++) {
        const ref = want.slopes[pos[a]].get(j, j);
        assert.ok(Math.abs(fixed.gradient[j * d + a] - ref) < 1e-9 * Math.abs(ref) + 1e-14);
      }
    }
  });
}

interface SummaryFit {
  name: string;
  csv: string;
  formula: string;
  method: "REML" | "ML";
  fixed: { df: number[] };
}

Deno.test("observed-information Satterthwaite df of nested fits equal lmerTest's within 1e-6", async () => {
  // Pastes was 2e-4 off with the finite-difference Hessian (1e-3 relative steps).
  const { fits } = JSON.parse(
    await Deno.readTextFile(
      new URL("../fixtures/lme4_summary/lme4_summary.json", import.meta.url),
    ),
  ) as { fits: SummaryFit[] };
  const root = new URL("../../", import.meta.url);
  // notebook-nested REML: lme4's bobyqa stops 3.7e-6 short of the exact optimum
  // (tests/fit/summary_lme4.test.ts), which lmerTest's df inherit.
  const checked = fits.filter((r) =>
    ["dyestuff", "pastes", "sleepstudy", "notebook-nested"].includes(r.name) &&
    !(r.name === "notebook-nested" && r.method === "REML")
  );
  assert.equal(checked.length, 5);
  for (const r of checked) {
    const data = r.name === "notebook-nested"
      ? nested(new NumpyRandomState(3123))
      : await readCsvFile(new URL(r.csv, root).pathname);
    const frame = modelFrame(data, r.formula), cp = crossProducts(frame);
    const fit = fitVarComp(frame, {
      method: r.method === "REML" ? "reml" : "ml",
      crossProducts: cp,
    });
    const variance = varianceCovariance(frame, fit, { kind: "observed", crossProducts: cp });
    satterthwaiteFixedDf(cp, variance).forEach((df, j) => {
      const error = Math.abs(df! / r.fixed.df[j] - 1);
      assert.ok(error < 1e-6, `${r.name} ${r.method} ${j}: ${df} vs ${r.fixed.df[j]} (${error})`);
    });
  }
});

Deno.test("balanced nested REML and ML fits equal the stratum closed forms to 1e-10", () => {
  // a = 6 groups, b = 4 subgroups, m = 3 rows: REML lambda_A = SSA / (a - 1), ML SSA / a.
  const a = 6, b = 4, m = 3, N = a * b * m;
  const g1 = Array.from({ length: N }, (_, i) => Math.floor(i / (b * m)));
  const g2 = Array.from({ length: N }, (_, i) => Math.floor(i / m));
  const y = Float64Array.from(
    g1,
    (g, i) => 2 * wobble(g, 1) + wobble(g2[i], 2) + 0.5 * wobble(i, 3),
  );
  const frame = frameOf({ a: g1, "a:b": g2 });
  const f: ModelFrame = {
    ...frame,
    y,
    X: new Float64Array(N).fill(1),
    fixedNames: ["(Intercept)"],
  };
  const mean = (k: number[], v: number) => {
    const sums = new Map<number, number[]>();
    k.forEach((c, i) => (sums.get(c) ?? sums.set(c, []).get(c)!).push(y[i]));
    return new Map([...sums].map(([c, ys]) => [c, ys.reduce((s, x) => s + x, 0) / ys.length]))
      .get(v)!;
  };
  const gm = y.reduce((s, v) => s + v, 0) / N;
  let ssa = 0, ssb = 0, sse = 0;
  y.forEach((v, i) => {
    const m1 = mean(g1, g1[i]), m2 = mean(g2, g2[i]);
    ssa += (m1 - gm) ** 2;
    ssb += (m2 - m1) ** 2;
    sse += (v - m2) ** 2;
  });
  for (const method of ["reml", "ml"] as const) {
    const lA = ssa / (method === "reml" ? a - 1 : a), lB = ssb / (a * (b - 1));
    const lE = sse / (a * b * (m - 1));
    const want = { a: (lA - lB) / (b * m), "a:b": (lB - lE) / m, Residual: lE };
    assert.ok(want.a > 0 && want["a:b"] > 0);
    const fit = fitVarComp(f, { method });
    for (const [name, v] of Object.entries(want)) {
      assert.ok(Math.abs(fit.variances[name] / v - 1) < 1e-10, `${method} ${name}`);
    }
  }
});

Deno.test("nested REML profile limits sit on the deviance cutoff (independent minimisation)", () => {
  const f = frameOf(designs["unbalanced a/b"]), cp = crossProducts(f);
  const fit = fitVarComp(f);
  const K = cp.order.length, s = new Float64Array(K + 1);
  cp.order.forEach((i, t) => s[t] = fit.variances[f.terms[i].name]);
  s[K] = fit.variances.Residual;
  const cutoff = 3.841458820694124, deviance = new VarianceDeviance(cp), dMin = fit.criterion!;
  const profile = new VarianceProfile(cp, s);
  for (let h = 0; h <= K; h++) {
    const { lower, upper } = profile.limits(h, cutoff);
    for (const v of [lower, upper]) {
      if (v === 0) continue;
      const free = [...s.keys()].filter((k) => k !== h), x = new Float64Array(K + 1);
      const at = (tau: Float64Array) => {
        free.forEach((k, i) => x[k] = tau[i] * tau[i]);
        x[h] = v;
        return deviance.evaluate(x);
      };
      const start = Float64Array.from(free, (k) => Math.sqrt(Math.max(s[k], 0.01)));
      const rise = minimizeEven(at, start, { xtol: 1e-12 }).f - dMin;
      assert.ok(Math.abs(rise - cutoff) < 1e-8, `parameter ${h} limit ${v}: rise ${rise}`);
    }
  }
});
