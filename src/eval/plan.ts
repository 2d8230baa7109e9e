/**
 * An evaluation plan: which attacks run, with which options, at which ε — plain JSON, so it can be stored
 * in the results file (resume compares it), sent to worker threads and read by tables/notebooks.
 */
import { attackNames, attacks, isAttackName, linfPresets, type AttackKind, type AttackName, type LinfPresetName } from '../attacks';
import { adaptiveObjectiveNames, type AdaptiveObjectiveSpec } from '../attacks/adaptive-objectives';
import { adaptiveObjectiveForMethod } from '../methods/registry';
import { normBall, type Norm } from '../threat';

/** One attack of a plan. Fixed-ε attacks get one step per ε; minimisation attacks one step in all. */
export interface AttackStepSpec {
  /** unique within the plan: `pgd@0.3`, `cw-l2` */
  key: string;
  attack: AttackName;
  kind: AttackKind;
  norm: Norm;
  /** radius in `norm` (fixed-ε steps only) */
  epsilon?: number;
  /** attack options (JSON: preset, epsilon, steps, …); `adaptive-pgd`'s loss is built from `objective` */
  options: Record<string, unknown>;
  /** adaptive-pgd only: the objective it maximises (§4.4) */
  objective?: AdaptiveObjectiveSpec;
}

/**
 * How fixed-ε attacks share work (AutoAttack's cascade by default):
 * - `cascade`: at each ε an attack runs only on points every earlier attack left robust, and with
 *   `carryAcrossEpsilons` ε runs only on points robust at the next smaller ε (an adversarial inside
 *   B(x, ε₁) is inside B(x, ε₂) for ε₂ > ε₁). The first attack's accuracy is its standalone accuracy.
 * - `independent`: every attack runs on every clean-correct point (standalone accuracies for all,
 *   e.g. Table 4's PGD vs adaptive PGD); the worst case is still reported.
 */
export type CascadeMode = 'cascade' | 'independent';

export interface EvaluationPlan {
  /** dataset preset of the L∞ attacks (ε, step size, steps) */
  preset: LinfPresetName;
  /** ascending; the ε-sweep (Figure 2) */
  epsilons: number[];
  mode: CascadeMode;
  carryAcrossEpsilons: boolean;
  /** fixed-ε steps in execution order: by ε ascending, then in the order the attacks were given */
  fixed: AttackStepSpec[];
  /** minimisation steps (C&W, DDN): run on every clean-correct point, report L2 norms */
  minimization: AttackStepSpec[];
  /** examples per attack batch (per worker task) */
  batchSize: number;
}

export interface PlanOptions {
  /** default 'mnist' */
  preset?: LinfPresetName;
  /** attack names in cascade order (default ['pgd']) */
  attacks?: readonly string[];
  /** radii in `norm` (default: the preset's L∞ ε: MNIST 0.3, CIFAR-10 8/255; L2 needs them given) */
  epsilons?: readonly number[];
  /** threat model of the fixed-ε attacks (default 'linf'); every fixed-ε attack of the plan must accept it */
  norm?: Norm;
  /** default 'cascade' */
  mode?: CascadeMode;
  /** default true (cascade mode only) */
  carryAcrossEpsilons?: boolean;
  /** per-attack option overrides, e.g. `{ pgd: { steps: 100, restarts: 5 }, 'cw-l2': { steps: 1000 } }` */
  attackOptions?: Partial<Record<AttackName, Record<string, unknown>>>;
  /** adaptive-pgd's objective; default: from `method`/`methodSettings`, else CE */
  objective?: AdaptiveObjectiveSpec;
  /** training method of the model (picks adaptive-pgd's objective) */
  method?: string;
  /** the run's resolved method settings (alpha, beta) */
  methodSettings?: Record<string, unknown>;
  /** default 250 */
  batchSize?: number;
}

/** The plan defaults (MNIST: PGD-40, ε 0.3, step 0.01, random start; CIFAR-10: PGD-20, 8/255, 2/255). */
export const planDefaults = { preset: 'mnist', attacks: ['pgd'], mode: 'cascade', carryAcrossEpsilons: true, batchSize: 250 } as const;

const PLAN_KEYS = ['preset', 'attacks', 'epsilons', 'norm', 'mode', 'carryAcrossEpsilons', 'attackOptions', 'objective', 'method', 'methodSettings', 'batchSize'];

/** Options every fixed-ε attack of the plan gets (its own overrides win, ε and the norm are always the step's). */
function fixedOptions(name: AttackName, preset: LinfPresetName, norm: Norm, epsilon: number, extra: Record<string, unknown>): Record<string, unknown> {
  const base: Record<string, unknown> = { preset, ...extra, epsilon, ...(norm === 'linf' ? {} : { norm }) };
  if (name === 'pgd' || name === 'adaptive-pgd' || name.startsWith('apgd')) base.seed ??= 0;
  return base;
}

/** A short key for ε (0.3 → '0.3', 8/255 → '8/255' when it is a whole number of grey levels). */
export function epsilonLabel(epsilon: number): string {
  const levels = epsilon * 255;
  if (epsilon > 0 && epsilon < 1 && Math.abs(levels - Math.round(levels)) < 1e-9 && Math.abs(epsilon * 10 - Math.round(epsilon * 10)) > 1e-9) {
    return `${Math.round(levels)}/255`;
  }
  return String(Number(epsilon.toPrecision(6)));
}

/**
 * Builds and validates a plan. Unknown attack or option names throw a RangeError naming the valid ones;
 * bad numbers throw a RangeError. Duplicated attacks are rejected.
 *
 * @example evaluationPlan({ preset: 'mnist', attacks: ['pgd', 'cw-l2'], epsilons: [0.1, 0.2, 0.3] })
 */
export function evaluationPlan(options: PlanOptions = {}): EvaluationPlan {
  for (const k of Object.keys(options)) {
    if (!PLAN_KEYS.includes(k)) throw new RangeError(`evaluationPlan: unknown option '${k}'; valid options: ${PLAN_KEYS.join(', ')}`);
  }
  const preset = options.preset ?? planDefaults.preset;
  if (!Object.prototype.hasOwnProperty.call(linfPresets, preset)) {
    throw new RangeError(`unknown preset '${preset}'; valid presets: ${Object.keys(linfPresets).join(', ')}`);
  }
  const names = [...(options.attacks ?? planDefaults.attacks)];
  if (names.length === 0) throw new RangeError('evaluationPlan: at least one attack is needed');
  for (const n of names) {
    if (!isAttackName(n)) throw new RangeError(`unknown attack '${n}'; valid attacks: ${attackNames.join(', ')}`);
  }
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new RangeError(`attack '${dup}' is listed twice`);
  const attackOptions = options.attackOptions ?? {};
  for (const k of Object.keys(attackOptions)) {
    if (!isAttackName(k)) throw new RangeError(`attackOptions: unknown attack '${k}'; valid attacks: ${attackNames.join(', ')}`);
  }
  const norm = normBall(options.norm).norm;
  if (norm !== 'linf' && options.epsilons === undefined) throw new RangeError(`evaluationPlan: norm '${norm}' needs epsilons (the presets are L∞ radii)`);
  const epsilons = [...(options.epsilons ?? [linfPresets[preset].epsilon])].sort((a, b) => a - b);
  for (const e of epsilons) {
    const max = norm === 'linf' ? 1 : Infinity;
    if (!(typeof e === 'number' && Number.isFinite(e) && e >= 0 && e <= max)) {
      throw new RangeError(`epsilon must be a number in ${norm === 'linf' ? '[0, 1]' : '[0, ∞)'} for ${normBall(norm).label}, got ${e}`);
    }
  }
  if (new Set(epsilons).size !== epsilons.length) throw new RangeError(`epsilons must be distinct, got ${epsilons.join(', ')}`);
  const mode = options.mode ?? planDefaults.mode;
  if (mode !== 'cascade' && mode !== 'independent') throw new RangeError(`unknown mode '${mode}'; valid modes: cascade, independent`);
  const batchSize = options.batchSize ?? planDefaults.batchSize;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);

  let objective = options.objective;
  if (objective === undefined && names.some((n) => isAttackName(n) && attacks[n].adaptive)) {
    objective = options.method === undefined ? { name: 'ce', options: {} } : adaptiveObjectiveForMethod(options.method, options.methodSettings);
  }
  if (objective !== undefined && !adaptiveObjectiveNames.includes(objective.name)) {
    throw new RangeError(`unknown adaptive objective '${objective.name}'; valid objectives: ${adaptiveObjectiveNames.join(', ')}`);
  }

  const fixedNames = names.filter((n) => attacks[n as AttackName].kind === 'fixed-epsilon') as AttackName[];
  const wrongNorm = fixedNames.find((n) => !attacks[n].norms.includes(norm));
  if (wrongNorm) throw new RangeError(`attack '${wrongNorm}' does not run under ${normBall(norm).label} (it takes ${attacks[wrongNorm].norms.join(', ')})`);
  const minNames = names.filter((n) => attacks[n as AttackName].kind === 'minimization') as AttackName[];
  if (fixedNames.length > 0 && epsilons.length === 0) throw new RangeError('fixed-ε attacks need at least one epsilon');
  const fixed: AttackStepSpec[] = [];
  for (const epsilon of epsilons) {
    for (const attack of fixedNames) {
      const step: AttackStepSpec = {
        key: `${attack}${norm === 'linf' ? '' : `-${norm}`}@${epsilonLabel(epsilon)}`, attack, kind: 'fixed-epsilon', norm, epsilon,
        options: fixedOptions(attack, preset, norm, epsilon, attackOptions[attack] ?? {}),
      };
      if (attacks[attack].adaptive) step.objective = objective;
      fixed.push(step);
    }
  }
  const minimization: AttackStepSpec[] = minNames.map((attack) => ({
    key: attack, attack, kind: 'minimization', norm: attacks[attack].norm, options: { ...(attackOptions[attack] ?? {}) },
  }));
  return {
    preset, epsilons, mode, carryAcrossEpsilons: mode === 'cascade' && (options.carryAcrossEpsilons ?? planDefaults.carryAcrossEpsilons),
    fixed, minimization, batchSize,
  };
}

/** Every step of a plan, in execution order (fixed-ε cascade first, then minimisation attacks). */
export function planSteps(plan: EvaluationPlan): AttackStepSpec[] {
  return [...plan.fixed, ...plan.minimization];
}
