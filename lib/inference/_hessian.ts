import { differenceSteps } from "./_difference_steps.ts";

/**
 * Hessian of a smooth function on the box x >= 0 by finite differences,
 * Richardson-extrapolated over steps h and 2h so that the O(h^2) error
 * cancels: central differences where the stencil stays inside the box,
 * second-order one-sided ones at a coordinate on (or near) its bound.
 */
export function finiteDifferenceHessian(
  f: (x: Float64Array) => number,
  x: Float64Array,
  relativeStep = 1e-3,
): Float64Array {
  const fine = differenceHessian(f, x, relativeStep);
  const coarse = differenceHessian(f, x, 2 * relativeStep);
  return fine.map((v, i) => (4 * v - coarse[i]) / 3);
}

function differenceHessian(
  f: (x: Float64Array) => number,
  x: Float64Array,
  relativeStep: number,
): Float64Array {
  const d = x.length;
  const h = differenceSteps(x, relativeStep, 0.1);
  // Direction of each coordinate's stencil: +-1 central, +1 forward only.
  const central = Array.from(x, (v, k) => v - 2 * h[k] > 0);
  const at = (steps: number[]): number => {
    const y = Float64Array.from(x);
    for (let k = 0; k < d; k++) y[k] += steps[k] * h[k];
    return f(y);
  };
  const unit = (k: number, m: number): number[] => {
    const s = new Array<number>(d).fill(0);
    s[k] = m;
    return s;
  };
  const H = new Float64Array(d * d);
  const f0 = f(x);
  for (let k = 0; k < d; k++) {
    H[k * d + k] = central[k]
      ? (at(unit(k, 1)) - 2 * f0 + at(unit(k, -1))) / (h[k] * h[k])
      : (2 * f0 - 5 * at(unit(k, 1)) + 4 * at(unit(k, 2)) - at(unit(k, 3))) / (h[k] * h[k]);
  }
  for (let k = 0; k < d; k++) {
    for (let j = 0; j < k; j++) {
      // Mixed partial: central in both where possible, else forward in the bounded one(s).
      const sk = central[k] ? [1, -1] : [0, 1, 2];
      const sj = central[j] ? [1, -1] : [0, 1, 2];
      const wk = central[k] ? [1 / 2, -1 / 2] : [-3 / 2, 2, -1 / 2];
      const wj = central[j] ? [1 / 2, -1 / 2] : [-3 / 2, 2, -1 / 2];
      let v = 0;
      for (let a = 0; a < sk.length; a++) {
        for (let b = 0; b < sj.length; b++) {
          const steps = new Array<number>(d).fill(0);
          steps[k] = sk[a];
          steps[j] = sj[b];
          v += wk[a] * wj[b] * at(steps);
        }
      }
      H[k * d + j] = H[j * d + k] = v / (h[k] * h[j]);
    }
  }
  return H;
}
