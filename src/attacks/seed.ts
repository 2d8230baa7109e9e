/**
 * tfjs treats seed 0 as "unseeded", so every random draw of an attack goes through this: a deterministic,
 * never-zero seed derived from the user's seed and a stream number (restart, target class, …).
 */
export function streamSeed(seed: number, ...stream: number[]): number {
  let h = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  for (const s of stream) h = (Math.imul(h ^ (s + 0x85ebca6b), 0xc2b2ae35) + 0x27d4eb2f) >>> 0;
  return (h % 2147483646) + 1;
}
