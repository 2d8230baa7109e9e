/** Confidence intervals for an accuracy: k successes out of n independent test examples. */

export interface ProportionInterval {
  /** the measured proportion k / n */
  estimate: number;
  lower: number;
  upper: number;
  /** sample size */
  n: number;
  /** confidence level, e.g. 0.95 */
  level: number;
}

/** Two-sided normal quantiles of the levels we report (no inverse-erf in the standard library). */
const Z: Readonly<Record<string, number>> = { '0.9': 1.6448536269514722, '0.95': 1.959963984540054, '0.99': 2.5758293035489004 };

/**
 * Wilson score interval (Wilson 1927) for k successes in n trials. Unlike the normal approximation
 * p ± z·sqrt(p(1−p)/n) it stays inside [0, 1] and is not zero-width at p = 0 or 1 — exactly where robust
 * accuracies often sit (a natural model under PGD). Accepts k = p·n from a rounded proportion.
 */
export function wilsonInterval(successes: number, n: number, level = 0.95): ProportionInterval {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`wilsonInterval: n must be a positive integer, got ${n}`);
  const k = Math.round(successes);
  if (!(k >= 0 && k <= n) || Math.abs(successes - k) > 1e-6 * n) {
    throw new RangeError(`wilsonInterval: successes must be a whole number in [0, ${n}], got ${successes}`);
  }
  const z = Z[String(level)];
  if (z === undefined) throw new RangeError(`wilsonInterval: level must be one of ${Object.keys(Z).join(', ')}, got ${level}`);
  const p = k / n, z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // clamp rounding noise only; the exact interval is inside [0, 1] and contains p
  return { estimate: p, lower: Math.max(0, Math.min(p, centre - half)), upper: Math.min(1, Math.max(p, centre + half)), n, level };
}

/** {@link wilsonInterval} of an accuracy given as a fraction measured on n examples. */
export function accuracyInterval(accuracy: number, n: number, level = 0.95): ProportionInterval {
  return wilsonInterval(accuracy * n, n, level);
}
