/**
 * The exact expected information of crossed designs
 * (lib/inference/_schur_information.ts) against its definition,
 * I_ab = tr(P V_a P V_b) / 2, computed in this file with dense n x n
 * matrices (P = V^-1 for ML, V^-1 - V^-1 X (X'V^-1 X)^-1 X'V^-1 for REML),
 * for unbalanced crossed designs with and without a covariate, three terms,
 * and a theta near the smallest the exact route takes. Then the
 * information's inverse as varianceCovariance returns it against the finite
 * differences it replaces.
 */
import assert from "node:assert";
import type { ModelFrame } from "../../lib/model/frame.ts";
import { crossProducts } from "../../lib/model/cross_products.ts";
import { solveLinear } from "../../lib/linalg/solve.ts";
import { _schurExpectedInformation } from "../../lib/inference/_schur_information.ts";
import { deriveStream } from "../../lib/rng/mod.ts";

/** A crossed frame: levels per term, rows kept with probability `keep`, covariate if asked. */
function crossedFrame(
  seed: number,
  design: { levels: number[]; keep: number; covariate: boolean; interaction?: boolean },
): ModelFrame {
  const stream = deriveStream(seed, ["schur information"]);
  const [la, lb] = design.levels;
  const a: number[] = [], b: number[] = [], x: number[] = [], y: number[] = [];
  for (let i = 0; i < la; i++) {
    for (let j = 0; j < lb; j++) {
      const reps = 1 + Math.floor(stream.uniform() * 3);
      for (let r = 0; r < reps; r++) {
        if (stream.uniform() > design.keep) continue;
        a.push(i), b.push(j), x.push(stream.normal()), y.push(stream.normal());
      }
    }
  }
  const n = y.length, p = design.covariate ? 2 : 1;
  // Column-major, as a frame's X is.
  const X = new Float64Array(n * p);
  for (let r = 0; r < n; r++) {
    X[r] = 1;
    if (p === 2) X[n + r] = x[r];
  }
  const term = (name: string, codes: number[], l: number) => ({
    name,
    codes: Int32Array.from(codes),
    levels: Array.from({ length: l }, (_, k) => `${name}${k}`),
  });
  const terms = [term("a", a, la), term("b", b, lb)];
  if (design.interaction) terms.push(term("ab", a.map((v, r) => v * lb + b[r]), la * lb));
  return {
    response: "y",
    y: Float64Array.from(y),
    X,
    fixedNames: design.covariate ? ["(Intercept)", "x"] : ["(Intercept)"],
    terms,
    droppedRows: 0,
  };
}

/** Dense matrix helpers, row-major. */
const mul = (A: Float64Array, B: Float64Array, dims: { n: number; k: number; m: number }) => {
  const { n, k, m } = dims, C = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < k; l++) {
      const a = A[i * k + l];
      if (a !== 0) { for (let j = 0; j < m; j++) C[i * m + j] += a * B[l * m + j]; }
    }
  }
  return C;
};
const inverse = (A: Float64Array, n: number) => {
  const inv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n);
    e[j] = 1;
    const col = solveLinear(A, e, n)!;
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i];
  }
  return inv;
};
const transpose = (A: Float64Array, n: number, m: number) =>
  Float64Array.from({ length: n * m }, (_, ji) => A[(ji % n) * m + Math.floor(ji / n)]);

/** tr(P V_a P V_b) / 2 by dense matrices, sorted terms then the residual. */
function denseInformation(frame: ModelFrame, s: Float64Array, reml: boolean): Float64Array {
  const cp = crossProducts(frame), n = frame.y.length, K = cp.order.length, d = K + 1;
  const Vs = cp.order.map((i) => {
    const codes = frame.terms[i].codes, V = new Float64Array(n * n);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        V[r * n + c] = codes[r] === codes[c] ? 1 : 0;
      }
    }
    return V;
  });
  const I = Float64Array.from({ length: n * n }, (_, rc) => (rc % (n + 1) === 0 ? 1 : 0));
  Vs.push(I);
  const V = new Float64Array(n * n);
  Vs.forEach((Vk, k) => Vk.forEach((v, rc) => V[rc] += s[k] * v));
  let P = inverse(V, n);
  if (reml) {
    const p = cp.p, Xt = frame.X, X = transpose(Xt, p, n);
    const VX = mul(P, X, { n, k: n, m: p });
    const XVX = mul(Xt, VX, { n: p, k: n, m: p });
    const middle = mul(mul(VX, inverse(XVX, p), { n, k: p, m: p }), transpose(VX, n, p), {
      n,
      k: p,
      m: n,
    });
    P = P.map((v, rc) => v - middle[rc]);
  }
  const PV = Vs.map((Vk) => mul(P, Vk, { n, k: n, m: n }));
  const out = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      let t = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) t += PV[a][i * n + j] * PV[b][j * n + i];
      }
      out[a * d + b] = t / 2;
    }
  }
  return out;
}

function assertClose(got: Float64Array, want: Float64Array, tolerance: number, label: string) {
  const scale = Math.max(...want.map(Math.abs));
  const worst = Math.max(...got.map((g, i) => Math.abs(g - want[i]) / scale));
  assert.ok(
    worst <= tolerance,
    `${label}: worst relative error ${worst} > ${tolerance}\ngot  ${got.join(", ")}\nwant ${
      want.join(", ")
    }`,
  );
}

const CASES = [
  {
    label: "7 x 5 unbalanced",
    seed: 1,
    levels: [7, 5],
    keep: 0.7,
    covariate: false,
    s: [1.3, 0.7, 2.1],
  },
  {
    label: "9 x 4 with a covariate",
    seed: 2,
    levels: [9, 4],
    keep: 0.8,
    covariate: true,
    s: [0.4, 2.5, 1.1],
  },
  {
    // Some a:b cells are empty: an unused level of the interaction, nested in a and in b.
    label: "6 x 4 with interaction and covariate",
    seed: 3,
    levels: [6, 4],
    keep: 0.9,
    covariate: true,
    interaction: true,
    s: [0.8, 1.7, 0.5, 1.2],
  },
  {
    label: "theta_b = 0.004",
    seed: 4,
    levels: [8, 6],
    keep: 0.75,
    covariate: true,
    s: [1.1, 1.6e-5, 1],
  },
];

for (const c of CASES) {
  for (const reml of [true, false]) {
    Deno.test(`exact crossed information, ${c.label}, ${reml ? "REML" : "ML"}: the dense definition`, () => {
      const frame = crossedFrame(c.seed, c);
      const cp = crossProducts(frame);
      // CASES give variances in frame order; the information is in sorted order.
      const s = Float64Array.from([...cp.order.map((i) => c.s[i]), c.s[c.s.length - 1]]);
      const got = _schurExpectedInformation(cp, s, { reml });
      assert.ok(got, "the exact route applies");
      const tolerance = s.some((v) => v < 1e-4) ? 1e-8 : 1e-11;
      assertClose(
        got,
        denseInformation(frame, s, reml),
        tolerance,
        `${c.label} n=${frame.y.length}`,
      );
    });
  }
}

Deno.test("exact crossed information: null below theta 1e-3 and at a zero residual", () => {
  const frame = crossedFrame(5, { levels: [6, 5], keep: 0.8, covariate: false });
  const cp = crossProducts(frame);
  const reml = { reml: true };
  assert.equal(_schurExpectedInformation(cp, new Float64Array([1, 0.5e-6, 1]), reml), null);
  assert.equal(_schurExpectedInformation(cp, new Float64Array([1, 0, 1]), reml), null);
  assert.equal(_schurExpectedInformation(cp, new Float64Array([1, 1, 0]), reml), null);
  assert.ok(_schurExpectedInformation(cp, new Float64Array([1, 2e-6, 1]), reml));
});

Deno.test("exact crossed information: term 0's products in SIMD agree with the scalar loops to the bit", () => {
  // The CASES (odd and even numbers of dense positions: the kernels' pairs and last entry),
  // and a larger design whose term 0 is a:b (levels not a multiple of the 8 formed together),
  // with a covariate that is 0 on every row of one level of a, so that the a:b levels within it
  // have a weight of 0 for it in the combination, which is skipped.
  const large = crossedFrame(6, {
    levels: [37, 23],
    keep: 0.6,
    covariate: true,
    interaction: true,
  });
  const p = large.fixedNames.length, n = large.y.length;
  const zeroed = large.terms[0].codes[0];
  for (let r = 0; r < n; r++) if (large.terms[0].codes[r] === zeroed) large.X[(p - 1) * n + r] = 0;
  const frames = [
    ...CASES.map((c) => ({ label: c.label, frame: crossedFrame(c.seed, c), s: c.s })),
    { label: "37 x 23 with interaction", frame: large, s: [0.9, 1.4, 0.3, 1.1] },
  ];
  for (const { label, frame, s: given } of frames) {
    const cp = crossProducts(frame);
    const s = Float64Array.from([...cp.order.map((i) => given[i]), given[given.length - 1]]);
    for (const reml of [true, false]) {
      const simd = _schurExpectedInformation(cp, s, { reml });
      const scalar = _schurExpectedInformation(cp, s, { reml, simd: false });
      assert.ok(simd && scalar, `${label}: the exact route applies`);
      const differ = [...simd].flatMap((v, i) =>
        Object.is(v, scalar[i]) ? [] : [[i, v, scalar[i]]]
      );
      assert.deepEqual(differ, [], `${label}, ${reml ? "REML" : "ML"}: [index, SIMD, scalar]`);
    }
  }
});
