/**
 * The built-in `rlrt-exact` test: the RLRT against its finite-sample null
 * distribution simulated for the design (Crainiceanu & Ruppert 2004; the
 * approach of RLRsim's exactRLRT), computed once per design and reused by
 * every replicate that has it.
 *
 * @module
 */

import { deriveStream } from "../../rng/derive_stream.ts";
import type { ModelFrame } from "../../model/frame.ts";
import type { TestContext, TestPlugin } from "./test_plugin.ts";
import { testMaker } from "./test_maker.ts";
import { _likelihoodRatio } from "./_likelihood_ratio.ts";
import { _MAX_LEVELS, _nullSpectrum, _rlrtNull } from "./_rlrt_null.ts";

/** Options of {@linkcode rlrtExactTest}. */
export interface RlrtExactOptions {
  /** Its name in results. @default "rlrt-exact" when `simulations` is the default, else `rlrt-exact-<simulations>` */
  name?: string;
  /** Draws of the null distribution per design. @default 10000 */
  simulations?: number;
}

// Null distributions kept per worker, most recently used last.
const CACHE_SIZE = 32;
const cache = new Map<string, Float64Array>();

/** A 64-bit FNV-1a fingerprint (hex) of the design the null depends on: n, X and the term's codes. */
function fingerprint(frame: ModelFrame, term: number): string {
  let h1 = 0x811c9dc5, h2 = 0x01000193 ^ frame.y.length;
  const mix = (v: number) => {
    h1 = Math.imul(h1 ^ v, 0x01000193);
    h2 = Math.imul(h2 ^ (v >>> 7 | v << 25), 0x5bd1e995);
  };
  const words = new Int32Array(frame.X.buffer, frame.X.byteOffset, frame.X.length * 2);
  for (let i = 0; i < words.length; i++) mix(words[i]);
  const codes = frame.terms[term].codes;
  for (let i = 0; i < codes.length; i++) mix(codes[i]);
  mix(frame.fixedNames.length);
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}

/** The sorted null draws for the term at frame index `term`, from the cache or simulated. */
function nullDraws(frame: ModelFrame, context: TestContext, term: number, sims: number) {
  const key = `${context.seed}|${sims}|${fingerprint(frame, term)}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const cp = context.crossProducts;
  const spectrum = _nullSpectrum(cp, cp.order.indexOf(term));
  const stream = deriveStream(context.seed, ["rlrt-exact", sims, key]);
  const draws = _rlrtNull(spectrum, { dof: cp.n - cp.p, simulations: sims, stream });
  cache.set(key, draws);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return draws;
}

/** The share of sorted `draws` at or above `t`. */
function upperShare(draws: Float64Array, t: number): number {
  let lo = 0, hi = draws.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (draws[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return (draws.length - lo) / draws.length;
}

/**
 * An `rlrt-exact` test with its own number of null draws. The statistic is
 * the RLRT of `rlrt`; the null distribution is that of a model with the
 * tested term as the only random effect (exact in a one-component model;
 * in models with more components, the approximation of Greven et al.
 * 2008, which RLRsim uses). Its draws come from a stream derived from the
 * study seed and the design alone, so every worker computes the same
 * distribution and results do not depend on which replicate came first;
 * each worker keeps the last 32 distributions. p = #{null >= T} / draws.
 * Not applicable to terms of more than 2000 levels (dense eigenvalues).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rlrtExactTest } from "./rlrt_exact.ts";
 * assert.equal(rlrtExactTest({ simulations: 2000 }).name, "rlrt-exact-2000");
 * ```
 */
export function rlrtExactTest(options: RlrtExactOptions = {}): TestPlugin {
  const sims = options.simulations ?? 10000;
  if (!Number.isInteger(sims) || sims < 1) {
    throw new RangeError(`simulations must be a positive integer, got ${sims}`);
  }
  const name = options.name ?? (sims === 10000 ? "rlrt-exact" : `rlrt-exact-${sims}`);
  const make = testMaker(name);
  return {
    name,
    test(frame, fit, context) {
      return frame.terms.map((term, i) => {
        if (term.levels.length > _MAX_LEVELS) {
          return make.notApplicable(term.name, `more than ${_MAX_LEVELS} levels`);
        }
        const t = _likelihoodRatio(frame, fit, context, { likelihood: "REML", term: i });
        const p = t === 0 ? 1 : upperShare(nullDraws(frame, context, i, sims), t);
        return make.ok(term.name, { statistic: t, pValue: p });
      });
    },
  };
}

/** `rlrt-exact` with 10,000 null draws per design. */
export const rlrtExact: TestPlugin = rlrtExactTest();
