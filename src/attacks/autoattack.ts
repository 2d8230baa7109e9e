/**
 * AutoAttack's standard version (Croce & Hein 2020; fra31/auto-attack autoattack.py, version='standard'), as
 * data: the four attacks in cascade order with its fixed hyper-parameters — APGD-CE (100 iterations, 1 restart),
 * APGD-T (9 target classes, 100 iterations), FAB-T (9 target classes, 100 iterations), Square (5000 queries,
 * p_init 0.8) — the same for L∞ and L2. Each attack runs only on the points the earlier ones left robust
 * (the evaluator's cascade); the robust accuracy after the last one is AutoAttack's number.
 */
import type { Norm } from '../threat';
import type { AttackName } from './registry';

export interface CascadeAttack {
  attack: AttackName;
  /** the attack's options besides norm and ε (JSON) */
  options: Record<string, number>;
}

/** The standard version's attacks and hyper-parameters, in cascade order (seed 0, as AutoAttack's default). */
export const AUTOATTACK_STANDARD: readonly CascadeAttack[] = [
  { attack: 'apgd-ce', options: { nIter: 100, restarts: 1, seed: 0 } },
  { attack: 'apgd-t', options: { nIter: 100, restarts: 1, nTargetClasses: 9, seed: 0 } },
  { attack: 'fab-t', options: { nIter: 100, restarts: 1, nTargetClasses: 9, seed: 0 } },
  { attack: 'square', options: { nQueries: 5000, pInit: 0.8, seed: 0 } },
];

/**
 * The standard cascade at (norm, ε): every attack's options with norm and ε filled in. `overrides` replaces
 * single hyper-parameters (e.g. a smoke test's `{ nIter: 2 }`; keys an attack does not take are skipped).
 */
export function autoAttackStandard(norm: Norm, epsilon: number, overrides: Record<string, number> = {}): Array<{ attack: AttackName; options: Record<string, number | string> }> {
  return AUTOATTACK_STANDARD.map(({ attack, options }) => {
    const o: Record<string, number | string> = { ...options };
    for (const [k, v] of Object.entries(overrides)) if (k in o) o[k] = v;
    return { attack, options: { ...o, norm, epsilon } };
  });
}
