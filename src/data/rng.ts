/**
 * Seeded pseudo-random numbers for everything in the workbench that must be reproducible
 * (subsets, shuffling, epoch orders). Generator: sfc32 (Small Fast Counting, 128-bit state),
 * seeded through splitmix32 so that nearby seeds (0, 1, 2, …) give unrelated streams.
 */

/** A seeded random source. */
export interface Rng {
  /** uniform float in [0, 1) with 32 bits of randomness */
  next(): number;
  /** uniform integer in [0, n), unbiased; n must be an integer in [1, 2^32] */
  int(n: number): number;
  /** raw uniform 32-bit unsigned integer */
  uint32(): number;
}

const TWO_32 = 4294967296;

/** splitmix32 step: returns [next state, output] — used only to expand a seed into sfc32 state */
function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [state, z >>> 0];
}

/** murmur3 finaliser: a bijective 32-bit avalanche */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Mixes safe integers into one 32-bit seed, order-sensitively (used e.g. to derive the rng of
 * epoch `e` from a run seed: `mixSeeds(seed, e)`).
 */
export function mixSeeds(...parts: number[]): number {
  let h = 0x2545f491;
  for (const p of parts) {
    checkSeed(p);
    h = fmix32(Math.imul(h, 0x9e3779b1) ^ (p >>> 0));
    h = fmix32(Math.imul(h, 0x9e3779b1) ^ (Math.floor(p / TWO_32) >>> 0));
  }
  return h;
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be a safe integer, got ${seed}`);
  }
}

/** Creates a seeded generator. Same seed → same stream. `seed` is any safe integer. */
export function createRng(seed: number): Rng {
  checkSeed(seed);
  let s = (seed >>> 0) ^ Math.imul(Math.floor(seed / TWO_32) >>> 0, 0x9e3779b1);
  let a: number, b: number, c: number, d: number;
  [s, a] = splitmix32(s);
  [s, b] = splitmix32(s);
  [s, c] = splitmix32(s);
  [, d] = splitmix32(s);
  const uint32 = (): number => {
    // sfc32
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // discard a few outputs so the counter state is well mixed
  for (let i = 0; i < 12; i++) uint32();
  return {
    uint32,
    next: () => uint32() / TWO_32,
    int(n: number): number {
      if (!Number.isInteger(n) || n < 1 || n > TWO_32) {
        throw new RangeError(`int(n) needs an integer n in [1, 2^32], got ${n}`);
      }
      // rejection sampling: accept only the largest multiple of n below 2^32
      const limit = TWO_32 - (TWO_32 % n);
      let u = uint32();
      while (u >= limit) u = uint32();
      return u % n;
    },
  };
}

/** Seeded Fisher–Yates shuffle of 0..n-1. Returns a new Int32Array permutation. */
export function shuffleIndices(n: number, rng: Rng): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/** A standard normal draw (Box–Muller) from a uniform [0, 1) source such as `rng.next`. */
export function gaussian(uniform: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}
