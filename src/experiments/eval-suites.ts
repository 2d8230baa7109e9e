/**
 * The attacks behind each table and figure, as plain JSON step specifications built from a profile budget.
 * A step is identified by its key (e.g. `pgd@0.3`); steps with equal keys *and* equal specs are computed
 * once per model and shared between suites (Table 4's PGD is Table 2's).
 */
import { autoAttackStandard, type AttackName } from '../attacks';
import { epsilonLabel } from '../eval/plan';
import { adaptiveObjectiveForMethod } from '../methods/registry';
import type { DatasetBudget } from './profiles';
import { TABLE3_EPSILONS, TABLE3_STEP } from './profiles';

/** One attack evaluation of a model. */
export interface EvalStepSpec {
  /** unique per model: 'pgd@0.3', 'cw-l2', 'sweep@0.15', 'pgd10-tar@8/255', 'adaptive-pgd@0.3' */
  key: string;
  attack: AttackName;
  /** fixed-ε: robust accuracy within B∞(x, ε); minimization: L2 norm of the smallest adversarial found */
  kind: 'fixed-epsilon' | 'minimization';
  epsilon?: number;
  /** the attack's options (JSON) */
  options: Record<string, number | string | boolean>;
  /** adaptive-pgd: the objective it maximises (§4.4), built per model from its training settings */
  objective?: { name: string; options: Record<string, number> };
  /** seeded test subset (omitted = the full test split) */
  subset?: number;
  subsetSeed: number;
  batchSize: number;
  /** also run src/eval's gradient-masking sanity checks (Table 2's PGD) */
  sanity?: boolean;
  /**
   * a cascade step (AutoAttack's protocol): attack only the examples every listed step (of the same model,
   * earlier in the same list, same examples) left robust; the others count as broken. Its robust flags are
   * then the per-example worst case over those steps and this one, not a standalone accuracy.
   */
  cascadeAfter?: string[];
}

/** Suites: one per table / figure that needs attacks. */
export const EVAL_SUITE_NAMES = ['robustness', 'epsilon-sweep', 'mmc-comparison', 'adaptive', 'autoattack-standard'] as const;
export type EvalSuiteName = (typeof EVAL_SUITE_NAMES)[number];

/** What a suite may depend on besides the budget: the trained model's method and resolved settings. */
export interface SuiteContext {
  method: string;
  /** the run's resolved objective settings (results.json `objective.settings`: alpha, beta, …) */
  settings: Record<string, unknown>;
}

export { epsilonLabel };

function subsetOf(budget: DatasetBudget, subset: number | undefined) {
  return { ...(subset !== undefined ? { subset } : {}), subsetSeed: budget.train.seed, batchSize: budget.eval.batchSize };
}

/** The PGD of Tables 2 and 4 (TRADES' evaluation attack on MNIST: ε 0.3, step 0.01, 40 steps). */
export function tablePgdStep(budget: DatasetBudget): EvalStepSpec {
  const p = budget.eval.pgd;
  return {
    key: `pgd@${epsilonLabel(p.epsilon)}`, attack: 'pgd', kind: 'fixed-epsilon', epsilon: p.epsilon,
    options: {
      epsilon: p.epsilon, stepSize: p.stepSize, steps: p.steps, restarts: p.restarts, randomStart: true, seed: 0,
      ...(p.bestIterate !== undefined ? { bestIterate: p.bestIterate } : {}),
    },
    ...subsetOf(budget, budget.eval.subset), sanity: true,
  };
}

/** C&W L2 and DDN of Table 2 (mean L2 norm of the adversarial examples). */
export function minimizationSteps(budget: DatasetBudget): EvalStepSpec[] {
  const common = subsetOf(budget, budget.eval.minimizationSubset);
  return [
    { key: 'cw-l2', attack: 'cw-l2', kind: 'minimization', options: { ...budget.eval.cw, seed: 0 }, ...common },
    { key: 'ddn', attack: 'ddn', kind: 'minimization', options: { ...budget.eval.ddn, seed: 0 }, ...common },
  ];
}

/** Figure 2: PGD at each ε of the sweep, step size 2.5·ε/steps. */
export function sweepSteps(budget: DatasetBudget): EvalStepSpec[] {
  const s = budget.eval.sweep;
  return s.epsilons.map((epsilon) => ({
    key: `sweep@${epsilonLabel(epsilon)}`, attack: 'pgd' as const, kind: 'fixed-epsilon' as const, epsilon,
    options: { epsilon, stepSize: (2.5 * epsilon) / s.steps, steps: s.steps, randomStart: true, seed: 0 },
    ...subsetOf(budget, s.subset),
  }));
}

/** The Table 3 column a step fills: 'PGD10-tar ε=8/255' etc. (the paper's CIFAR-10 radius names). */
export interface MmcStepColumn { column: string; spec: EvalStepSpec }

/**
 * Table 3: targeted (random target class, seeded) and untargeted PGD with the short and long budgets
 * at the paper's two radii scaled to the dataset (`epsilonScale`; MNIST: ×0.3/(8/255), so 8/255 → 0.3 and
 * 16/255 → 0.6), step size 2/255 × the same scale.
 */
export function mmcComparisonSteps(budget: DatasetBudget): MmcStepColumn[] {
  const m = budget.eval.mmc;
  const out: MmcStepColumn[] = [];
  for (const paperEps of TABLE3_EPSILONS) {
    const epsilon = Math.min(1, paperEps * m.epsilonScale);
    const stepSize = TABLE3_STEP * m.epsilonScale;
    for (const [steps, name] of [[m.shortSteps, 10], [m.longSteps, 50]] as const) {
      for (const targeted of [true, false]) {
        const column = `PGD${name}-${targeted ? 'tar' : 'un'} ε=${epsilonLabel(paperEps)}`;
        out.push({
          column,
          spec: {
            key: `pgd${steps}-${targeted ? 'tar' : 'un'}@${epsilonLabel(epsilon)}`, attack: 'pgd', kind: 'fixed-epsilon', epsilon,
            options: { epsilon, stepSize, steps, randomStart: true, seed: 0, ...(targeted ? { target: 'random' } : {}) },
            ...subsetOf(budget, m.subset),
          },
        });
      }
    }
  }
  return out;
}

/** The headline attacks, in column order (see {@link headlineAttacks}). */
export const HEADLINE_ATTACK_IDS = ['pgd', 'adaptive-pgd', 'apgd-ce', 'apgd-dlr', 'apgd-t', 'apgd-adaptive', 'square'] as const;
export type HeadlineAttackId = (typeof HEADLINE_ATTACK_IDS)[number];

/** One attack of the headline evaluation: its column title, its step key, and its step for a model. */
export interface HeadlineAttack {
  id: HeadlineAttackId;
  column: string;
  key: string;
  /** the step for a model (adaptive attacks build their objective from the model's method and settings) */
  spec(context: SuiteContext): EvalStepSpec;
}

/**
 * The attacks every row faces at the table ε, all on the table's subset so that a per-example worst case
 * exists: Table 2's PGD (with the sanity checks), adaptive PGD on the defence's own loss with the same budget
 * (the paper's §4.4 protocol), APGD-CE and APGD-DLR; with `budget.eval.autoAttack` also APGD-T, APGD on the
 * defence's own loss (AutoAttack's schedule on Table 4's objective) and Square (gradient-free: the check
 * that settles gradient masking without trusting gradients). PGD-family attacks keep the first adversarial
 * iterate of a run, APGD and Square the best, so no adversarial found on the way is lost.
 */
export function headlineAttacks(budget: DatasetBudget): HeadlineAttack[] {
  const pgd = tablePgdStep(budget);
  const epsilon = pgd.epsilon!;
  const steps = budget.eval.pgd.steps;
  const auto = budget.eval.autoAttack;
  const at = (attack: string) => `${attack}@${epsilonLabel(epsilon)}`;
  // a fixed-ε step on the table's subset, keyed `<attack>@ε`
  const step = (attack: AttackName, options: EvalStepSpec['options']): EvalStepSpec => ({
    key: at(attack), attack, options, kind: 'fixed-epsilon', epsilon, ...subsetOf(budget, budget.eval.subset),
  });
  const apgd = { epsilon, nIter: budget.eval.apgd.nIter, restarts: budget.eval.apgd.restarts ?? 1, seed: 0 };
  const objectiveOf = (context: SuiteContext) => {
    const o = adaptiveObjectiveForMethod(context.method, context.settings);
    return { name: o.name, options: { ...o.options } };
  };
  const list: HeadlineAttack[] = [
    { id: 'pgd', column: `PGD-${steps}`, key: pgd.key, spec: () => pgd },
    {
      id: 'adaptive-pgd', column: `Adaptive PGD-${steps}`, key: adaptivePgdKey(budget),
      spec: (c) => ({ ...pgd, key: adaptivePgdKey(budget), attack: 'adaptive-pgd', sanity: false, objective: objectiveOf(c) }),
    },
    { id: 'apgd-ce', column: 'APGD-CE', key: at('apgd-ce'), spec: () => step('apgd-ce', apgd) },
    { id: 'apgd-dlr', column: 'APGD-DLR', key: at('apgd-dlr'), spec: () => step('apgd-dlr', apgd) },
  ];
  if (auto === undefined) return list;
  const targeted = { ...apgd, restarts: 1, nTargetClasses: auto.nTargetClasses };
  const square = { epsilon, nQueries: auto.squareQueries, seed: 0 };
  list.push(
    { id: 'apgd-t', column: 'APGD-T', key: at('apgd-t'), spec: () => step('apgd-t', targeted) },
    { id: 'apgd-adaptive', column: 'APGD (adaptive)', key: at('apgd-adaptive'), spec: (c) => ({ ...step('apgd-adaptive', apgd), objective: objectiveOf(c) }) },
    { id: 'square', column: `Square-${auto.squareQueries}`, key: at('square'), spec: () => step('square', square) },
  );
  return list;
}

/** One headline attack by id (RangeError when the budget does not run it). */
export function headlineAttack(budget: DatasetBudget, id: HeadlineAttackId): HeadlineAttack {
  const all = headlineAttacks(budget);
  const found = all.find((a) => a.id === id);
  if (found === undefined) throw new RangeError(`this budget does not run '${id}' (it runs ${all.map((a) => a.id).join(', ')})`);
  return found;
}

/** The key of Table 4's adaptive PGD step (the table's PGD budget, the model's own loss). */
export function adaptivePgdKey(budget: DatasetBudget): string {
  return `adaptive-pgd@${epsilonLabel(budget.eval.pgd.epsilon)}`;
}

/** Table 4 and the attack summary: every headline attack, on the same examples (a per-example worst case exists). */
export function adaptiveSteps(budget: DatasetBudget, context: SuiteContext): EvalStepSpec[] {
  return headlineAttacks(budget).map((a) => a.spec(context));
}

/** One step of the AutoAttack-standard suite: its column title and the step key. */
export interface AutoAttackColumn { column: string; key: string; norm: 'linf' | 'l2' }

/**
 * The `autoattack-standard` suite beside the headline (Croce & Hein 2020, version 'standard'; its fixed
 * hyper-parameters from src/attacks/autoattack.ts, target and query counts from the budget):
 *  - L∞ at the table ε: FAB-T, run as a cascade on the examples all seven headline attacks left robust (the
 *    headline already holds AutoAttack's APGD-CE, APGD-T and Square, with more restarts), so the new worst
 *    case is over eight attacks;
 *  - L2 at the dataset's radius (`autoAttack.l2Epsilon`: MNIST 2, the radius of the L2 evaluations of Madry-
 *    style MNIST models; Fashion-MNIST 0.67; CIFAR-10 0.5, RobustBench's), AutoAttack's cascade
 *    APGD-CE → APGD-T → FAB-T → Square, each on what the earlier ones left.
 * Undefined without `budget.eval.autoAttack`.
 */
export function autoAttackStandardColumns(budget: DatasetBudget): AutoAttackColumn[] | undefined {
  return autoAttackStandardPlan(budget)?.map(({ column, spec }) => ({ column, key: spec.key, norm: spec.options.norm === 'l2' ? 'l2' : 'linf' }));
}

function autoAttackStandardPlan(budget: DatasetBudget): Array<{ column: string; spec: EvalStepSpec }> | undefined {
  const auto = budget.eval.autoAttack;
  if (auto === undefined) return undefined;
  const headline = headlineAttacks(budget);
  const overrides = { nTargetClasses: auto.nTargetClasses, nQueries: auto.squareQueries, nIter: budget.eval.apgd.nIter };
  const common = subsetOf(budget, budget.eval.subset);
  const linfEpsilon = tablePgdStep(budget).epsilon!;
  const fabLinf = autoAttackStandard('linf', linfEpsilon, overrides).find((a) => a.attack === 'fab-t')!;
  const out: Array<{ column: string; spec: EvalStepSpec }> = [{
    column: 'FAB-T (on what the seven left)',
    spec: {
      key: `fab-t@${epsilonLabel(linfEpsilon)}`, attack: 'fab-t', kind: 'fixed-epsilon', epsilon: linfEpsilon,
      options: { ...withoutNorm(fabLinf.options) }, ...common, cascadeAfter: headline.map((a) => a.key),
    },
  }];
  const earlier: string[] = [];
  for (const { attack, options } of autoAttackStandard('l2', auto.l2Epsilon, overrides)) {
    const key = `${attack}-l2@${epsilonLabel(auto.l2Epsilon)}`;
    out.push({
      column: `L2 ${attack === 'square' ? `Square-${auto.squareQueries}` : attack.toUpperCase()}`,
      spec: { key, attack, kind: 'fixed-epsilon', epsilon: auto.l2Epsilon, options, ...common, ...(earlier.length ? { cascadeAfter: [...earlier] } : {}) },
    });
    earlier.push(key);
  }
  return out;
}

function withoutNorm(o: Record<string, number | string>): Record<string, number | string> {
  const { norm: _n, ...rest } = o;
  return rest;
}

/** The AutoAttack-standard suite's steps: the headline steps it cascades after, then its own (see above). */
export function autoAttackStandardSteps(budget: DatasetBudget, context: SuiteContext): EvalStepSpec[] {
  const own = autoAttackStandardPlan(budget);
  if (own === undefined) throw new RangeError("this budget has no AutoAttack-strength evaluation (eval.autoAttack): the 'autoattack-standard' suite needs it");
  return [...adaptiveSteps(budget, context), ...own.map((c) => c.spec)];
}

/** The steps of a suite (unknown names throw a RangeError naming the valid ones). */
export function evalSuite(name: EvalSuiteName, budget: DatasetBudget, context: SuiteContext): EvalStepSpec[] {
  switch (name) {
    case 'robustness': return [tablePgdStep(budget), ...minimizationSteps(budget)];
    case 'epsilon-sweep': return sweepSteps(budget);
    case 'mmc-comparison': return mmcComparisonSteps(budget).map((c) => c.spec);
    case 'adaptive': return adaptiveSteps(budget, context);
    case 'autoattack-standard': return autoAttackStandardSteps(budget, context);
    default: throw new RangeError(`unknown evaluation suite '${String(name)}'; valid suites: ${EVAL_SUITE_NAMES.join(', ')}`);
  }
}
