/**
 * Per-sample outcome of one attack step, stored in the results JSON as one character per test example
 * (10,000 examples → a 10 kB string; readable with `codes[i]`):
 *   '1' robust: attacked, still classified correctly     '0' broken: attacked, misclassified
 *   '-' not attacked: misclassified clean, or already broken earlier in the cascade
 *   '?' pending: to be attacked (an interrupted evaluation resumes from here)
 */
export const ROBUST = '1';
export const BROKEN = '0';
export const SKIPPED = '-';
export const PENDING = '?';
export type SampleCode = typeof ROBUST | typeof BROKEN | typeof SKIPPED | typeof PENDING;

const VALID = new Set<string>([ROBUST, BROKEN, SKIPPED, PENDING]);

/** Checks a stored code string (length and alphabet); throws a RangeError naming the problem. */
export function checkCodes(codes: string, count: number, what: string): string {
  if (typeof codes !== 'string' || codes.length !== count) {
    throw new RangeError(`${what}: expected ${count} per-sample codes, got ${typeof codes === 'string' ? codes.length : typeof codes}`);
  }
  for (let i = 0; i < codes.length; i++) {
    if (!VALID.has(codes[i])) throw new RangeError(`${what}: invalid per-sample code '${codes[i]}' at ${i}`);
  }
  return codes;
}

/** Indices whose code is `code`. */
export function indicesWith(codes: ArrayLike<string>, code: SampleCode): number[] {
  const out: number[] = [];
  for (let i = 0; i < codes.length; i++) if (codes[i] === code) out.push(i);
  return out;
}

/** Number of entries equal to `code`. */
export function countCode(codes: ArrayLike<string>, code: SampleCode): number {
  let n = 0;
  for (let i = 0; i < codes.length; i++) if (codes[i] === code) n++;
  return n;
}

/** Clean correctness flags as codes: correct → ROBUST, wrong → BROKEN. */
export function flagsToCodes(flags: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < flags.length; i++) s += flags[i] ? ROBUST : BROKEN;
  return s;
}

/** Mutable per-sample codes (strings are immutable; we edit arrays and join when saving). */
export function codesArray(codes: string): string[] {
  return codes.split('');
}
