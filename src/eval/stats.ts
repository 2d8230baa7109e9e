/** Small statistics for accuracies measured on n samples. */

/** Standard error of a binomial proportion p measured on n samples: sqrt(p(1 − p)/n). */
export function binomialStd(p: number, n: number): number {
  if (n <= 0) return Infinity;
  return Math.sqrt(Math.max(p * (1 - p), 0) / n);
}

/**
 * How much two accuracies p₁, p₂ measured on the same n samples may differ by chance: k standard errors of
 * the difference, sqrt((p₁(1−p₁) + p₂(1−p₂))/n), but never less than one sample (1/n), so that a single
 * flipped example at p = 0 is not called significant. Default k = 2.
 */
export function differenceNoiseBound(p1: number, p2: number, n: number, k = 2): number {
  if (n <= 0) return Infinity;
  return Math.max(k * Math.sqrt((Math.max(p1 * (1 - p1), 0) + Math.max(p2 * (1 - p2), 0)) / n), 1 / n);
}

/** Mean and median of the finite values (NaN when there are none). */
export function meanAndMedian(values: ArrayLike<number | null>): { mean: number; median: number; count: number } {
  const v: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x === 'number' && Number.isFinite(x)) v.push(x);
  }
  if (v.length === 0) return { mean: NaN, median: NaN, count: 0 };
  v.sort((a, b) => a - b);
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { mean: v.reduce((s, x) => s + x, 0) / v.length, median, count: v.length };
}

