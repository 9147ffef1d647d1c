import assert from "node:assert";
import {
  checkDistribution,
  distributionMoments,
  distributionSampler,
  drawVariate,
  formatDistribution,
  parseDistribution,
} from "../../lib/rng/distribution.ts";
import { chiSquare, standardGamma } from "../../lib/rng/gamma.ts";
import { standardizedT, studentT } from "../../lib/rng/student_t.ts";
import { standardizedChiSquare } from "../../lib/rng/standardized_chi_square.ts";
import { seedrandomStream } from "../../lib/rng/seedrandom_stream.ts";
import {
  assertWithinSe,
  momentSds,
  sampleMoments,
  standardizedChiSquareMoments,
  standardizedTMoments,
} from "./_stats.ts";

const N = 400_000;
const K = 4;
const root = Math.sqrt(N);

function sample(draw: () => number): Float64Array {
  const x = new Float64Array(N);
  for (let i = 0; i < N; i++) x[i] = draw();
  return x;
}

Deno.test("unit-variance t(10): mean 0, variance 1, skewness 0 within 4 SE", () => {
  const s = seedrandomStream("tests/rng/t10");
  const m = sampleMoments(sample(() => standardizedT(s, 10)));
  const sd = momentSds(standardizedTMoments(10));
  assertWithinSe(m.mean, 0, sd.mean / root, K, "t mean");
  assertWithinSe(m.variance, 1, sd.variance / root, K, "t variance");
  assertWithinSe(m.skewness, 0, sd.skewness / root, K, "t skewness");
});

Deno.test("unit-variance t(3): mean 0 within 4 SE, variance near 1 (heavy tails)", () => {
  // Var is 1 but the fourth moment is infinite, so only the mean has a usual SE.
  const s = seedrandomStream("tests/rng/t3");
  const m = sampleMoments(sample(() => drawVariate(s, { kind: "t", df: 3 })));
  assertWithinSe(m.mean, 0, 1 / root, K, "t(3) mean");
});

for (const df of [1, 4, 20]) {
  Deno.test(`skewed(${df}): mean 0, variance 1, skewness sqrt(8/${df}) within 4 SE`, () => {
    const s = seedrandomStream(`tests/rng/skewed${df}`);
    const x = sample(() => standardizedChiSquare(s, df));
    const m = sampleMoments(x);
    const sd = momentSds(standardizedChiSquareMoments(df));
    assertWithinSe(m.mean, 0, sd.mean / root, K, "mean");
    assertWithinSe(m.variance, 1, sd.variance / root, K, "variance");
    assertWithinSe(m.skewness, Math.sqrt(8 / df), sd.skewness / root, K, "skewness");
    assert.ok(m.skewness > 0);
    assert.ok(x.every((v) => v >= -Math.sqrt(df / 2)), "support starts at -k / sqrt(2k)");
  });
}

Deno.test("gamma and chi-square: means within 4 SE for shapes below and above 1", () => {
  const s = seedrandomStream("tests/rng/gamma");
  for (const shape of [0.3, 1, 2.5]) {
    const m = sampleMoments(sample(() => standardGamma(s, shape)));
    assertWithinSe(m.mean, shape, Math.sqrt(shape / N), K, `gamma(${shape}) mean`);
    // Var of the sample variance: (mu4 - sigma^4) / n with mu4 = 3a^2 + 6a for the gamma.
    const mu4 = 3 * shape * shape + 6 * shape;
    assertWithinSe(
      m.variance,
      shape,
      Math.sqrt((mu4 - shape * shape) / N),
      K,
      `gamma(${shape}) var`,
    );
  }
  const c = sampleMoments(sample(() => chiSquare(s, 3)));
  assertWithinSe(c.mean, 3, Math.sqrt(6 / N), K, "chi-square(3) mean");
  const t = sampleMoments(sample(() => studentT(s, 8)));
  assertWithinSe(
    t.variance,
    8 / 6,
    Math.sqrt((3 * 64 / (6 * 4) - (8 / 6) ** 2) / N),
    K,
    "t(8) var",
  );
});

Deno.test("the sampler draws the same values as drawVariate", () => {
  for (
    const spec of [{ kind: "normal" }, { kind: "t", df: 5 }, { kind: "skewed", df: 2 }] as const
  ) {
    const a = seedrandomStream("same");
    const b = seedrandomStream("same");
    const draw = distributionSampler(b, spec);
    for (let i = 0; i < 100; i++) assert.equal(drawVariate(a, spec), draw());
  }
});

Deno.test("validation: RangeError on bad df, TypeError naming an unknown kind", () => {
  assert.throws(() => checkDistribution({ kind: "t", df: 2 }), {
    name: "RangeError",
    message: /2/,
  });
  assert.throws(() => checkDistribution({ kind: "t", df: Infinity }), RangeError);
  assert.throws(() => checkDistribution({ kind: "t" }), {
    name: "RangeError",
    message: /undefined/,
  });
  assert.throws(() => checkDistribution({ kind: "skewed", df: 0 }), RangeError);
  assert.throws(() => checkDistribution({ kind: "skewed", df: NaN }), RangeError);
  assert.throws(
    () => checkDistribution({ kind: "cauchy" }, { name: "errorDist" }),
    { name: "TypeError", message: /errorDist: unknown distribution kind "cauchy"/ },
  );
  assert.throws(() => checkDistribution(null), TypeError);
  const s = seedrandomStream("v");
  assert.throws(() => drawVariate(s, { kind: "laplace" } as never), {
    name: "TypeError",
    message: /"laplace"/,
  });
  assert.throws(() => drawVariate(s, { kind: "t", df: 1 }), RangeError);
  assert.throws(() => standardizedT(s, 2), RangeError);
  assert.throws(() => standardizedChiSquare(s, -1), RangeError);
  assert.throws(() => standardGamma(s, 0), RangeError);
  assert.throws(() => studentT(s, NaN), RangeError);
});

Deno.test("parse and format the text form", () => {
  for (const text of ["normal", "t:5", "skewed:4", "t:2.5"]) {
    assert.equal(formatDistribution(parseDistribution(text)), text);
  }
  assert.deepStrictEqual(parseDistribution(" T : 7 "), { kind: "t", df: 7 });
  assert.throws(() => parseDistribution("t"), { name: "TypeError", message: /degrees of freedom/ });
  assert.throws(() => parseDistribution("t:x"), TypeError);
  assert.throws(() => parseDistribution("t:1"), RangeError);
  assert.throws(() => parseDistribution("gumbel:3"), { name: "TypeError", message: /"gumbel"/ });
  assert.throws(() => parseDistribution("normal:3"), TypeError);
});

Deno.test("distributionMoments gives the theory used above", () => {
  assert.deepStrictEqual(distributionMoments({ kind: "normal" }), {
    skewness: 0,
    excessKurtosis: 0,
  });
  assert.deepStrictEqual(distributionMoments({ kind: "t", df: 10 }), {
    skewness: 0,
    excessKurtosis: 1,
  });
  assert.equal(distributionMoments({ kind: "t", df: 4 }).excessKurtosis, Infinity);
  const m = standardizedChiSquareMoments(4);
  assert.ok(Math.abs(m[3] - Math.sqrt(2)) < 1e-12 && Math.abs(m[4] - 6) < 1e-12);
});
