/** Seeded pseudo-random numbers for reproducible subsampling and t-SNE initialisation. */

/** mulberry32: a small, fast 32-bit PRNG returning floats in [0, 1). Same seed → same sequence. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `k` distinct indices drawn uniformly from [0, n) (partial Fisher–Yates), returned in increasing
 * order. If k >= n, all indices 0..n-1 are returned (no subsampling).
 */
export function sampleIndices(n: number, k: number, seed: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`sample size must be a non-negative integer, got ${k}`);
  if (k >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const rand = seededRandom(seed);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (n - i));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm.slice(0, k).sort();
}

/**
 * Runs `fn` with `Math.random` replaced by a seeded generator and restores the original afterwards
 * (also on throw). For third-party code that draws from Math.random (tsne-js). `fn` must be
 * synchronous: anything running concurrently would see the seeded generator.
 */
export function withSeededMathRandom<T>(seed: number, fn: () => T): T {
  const original = Math.random;
  Math.random = seededRandom(seed);
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
