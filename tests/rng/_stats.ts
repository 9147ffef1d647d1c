// Sample moments and their Monte Carlo standard errors from theory, for the
// statistical tests of tests/rng and tests/generate.
//
// The SEs are first-order (delta-method) ones from the influence function of
// each estimator, for a standardised variable z (mean 0, variance 1) with raw
// moments kappa[m] = E[z^m]: the sample mean has IF z, the sample variance
// z^2 - 1, the sample skewness g1 = m3 / m2^1.5 has
// z^3 - 3z - gamma - 1.5 gamma (z^2 - 1) (gamma = kappa[3]), and the excess
// kurtosis g2 = m4 / m2^2 - 3 has z^4 - 4 gamma z - kappa4 - 2 kappa4 (z^2 - 1).
// Var(estimator) ~ E[IF^2] / n (Serfling 1980, sec. 2.2.3 and 3.3).
import assert from "node:assert";

/** Mean, variance (divisor n), skewness and excess kurtosis of x. */
export function sampleMoments(
  x: ArrayLike<number>,
): { mean: number; variance: number; skewness: number; excessKurtosis: number } {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const mean = s / n;
  let m2 = 0, m3 = 0, m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { mean, variance: m2, skewness: m3 / m2 ** 1.5, excessKurtosis: m4 / (m2 * m2) - 3 };
}

/** E[(sum_j c[j] z^j)^2] from the raw moments kappa[0..]. */
function squaredPolyMoment(c: number[], kappa: number[]): number {
  let s = 0;
  for (let i = 0; i < c.length; i++) {
    for (let j = 0; j < c.length; j++) s += c[i] * c[j] * kappa[i + j];
  }
  return s;
}

/**
 * Asymptotic SDs (times sqrt(n)) of the sample mean, variance, skewness and
 * excess kurtosis of a unit-variance variable with raw moments kappa[0..8].
 */
export function momentSds(
  kappa: number[],
): { mean: number; variance: number; skewness: number; excessKurtosis: number } {
  const g = kappa[3];
  const k4 = kappa[4];
  return {
    mean: 1,
    variance: Math.sqrt(k4 - 1),
    // z^3 - 1.5 g z^2 - 3 z + (-g + 1.5 g)
    skewness: Math.sqrt(squaredPolyMoment([0.5 * g, -3, -1.5 * g, 1], kappa)),
    // z^4 - 2 k4 z^2 - 4 g z + (-k4 + 2 k4)
    excessKurtosis: Math.sqrt(squaredPolyMoment([k4, -4 * g, -2 * k4, 0, 1], kappa)),
  };
}

/** Raw moments E[z^m], m = 0..8, of the standard normal. */
export const NORMAL_MOMENTS = [1, 0, 1, 0, 3, 0, 15, 0, 105];

/** Raw moments E[z^m], m = 0..8, of (X - k) / sqrt(2k), X ~ chi-square(k). */
export function standardizedChiSquareMoments(k: number): number[] {
  // E[X^j] = k (k + 2) ... (k + 2j - 2).
  const raw = [1];
  for (let j = 1; j <= 8; j++) raw.push(raw[j - 1] * (k + 2 * (j - 1)));
  const out: number[] = [];
  for (let m = 0; m <= 8; m++) {
    let s = 0;
    let binom = 1;
    for (let j = 0; j <= m; j++) {
      s += binom * raw[j] * (-k) ** (m - j);
      binom = binom * (m - j) / (j + 1);
    }
    out.push(s / (2 * k) ** (m / 2));
  }
  return out;
}

/** Raw moments E[z^m], m = 0..6, of t(df) scaled to unit variance (df > 6). */
export function standardizedTMoments(df: number): number[] {
  const s = (df - 2) / df;
  // E[T^2] = df/(df-2), E[T^4] = 3 df^2/((df-2)(df-4)), E[T^6] = 15 df^3/((df-2)(df-4)(df-6)).
  return [
    1,
    0,
    1,
    0,
    3 * df * df / ((df - 2) * (df - 4)) * s * s,
    0,
    15 * df ** 3 / ((df - 2) * (df - 4) * (df - 6)) * s ** 3,
  ];
}

/** Asserts |got - want| <= k * se, with a message showing the z-score. */
export function assertWithinSe(got: number, want: number, se: number, k: number, what: string) {
  const z = (got - want) / se;
  assert.ok(
    Math.abs(z) <= k,
    `${what}: got ${got}, expected ${want} within ${k} SE (SE ${se}); z = ${z.toFixed(2)}`,
  );
}
