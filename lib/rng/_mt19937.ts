/**
 * The MT19937 Mersenne Twister core shared by the numpy-compatible stream.
 *
 * @module
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/**
 * MT19937 (Matsumoto & Nishimura 1998, "Mersenne Twister: a 623-dimensionally
 * equidistributed uniform pseudo-random number generator", ACM TOMACS 8(1)),
 * seeded with `init_genrand` from the authors' 2002 reference code, which is
 * what numpy's legacy `RandomState(seed)` uses for an integer seed.
 *
 * Cost: amortised O(1) per 32-bit output (one 624-word twist every 624 draws).
 */
export class _Mt19937 {
  readonly #state = new Uint32Array(N);
  #index = N;

  /** `seed` must be an integer in [0, 2^32); callers validate it. */
  constructor(seed: number) {
    const mt = this.#state;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1];
      // 1812433253 * (prev ^ (prev >> 30)) + i, modulo 2^32 (init_genrand).
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.#index = N;
  }

  /** The next raw (tempered) 32-bit output as an unsigned integer. */
  next(): number {
    if (this.#index >= N) this.#twist();
    let y = this.#state[this.#index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  #twist(): void {
    const mt = this.#state;
    let kk = 0;
    for (; kk < N - M; kk++) {
      const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) === 0 ? 0 : MATRIX_A);
    }
    for (; kk < N - 1; kk++) {
      const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) === 0 ? 0 : MATRIX_A);
    }
    const y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) === 0 ? 0 : MATRIX_A);
    this.#index = 0;
  }
}
