/**
 * The knobs a researcher turns in a notebook's parameters cell: MAT's α and β (Eq. 9), the ε list of the
 * sweep, the attacks evaluated, the training epochs and seed. Passed once to `notebookSetup` (or as
 * `knobs` to any pipeline step), they change the models (as variants: their own run folders, labelled
 * with what differs) and the evaluation budget; nothing else in the notebook needs editing.
 */
import { attackNames, isAttackName, type AttackName } from '../attacks';
import type { EvalStepSpec } from './eval-suites';
import { datasetBudget, profileDefinition, type DatasetBudget, type ExperimentDataset, type ProfileDefinition, type ProfileRef } from './profiles';
import { ROWS } from './rows';
import { asVariant, type RunRef, type RunVariant } from './run-variant';

export type { AttackName };

export interface ExperimentKnobs {
  /** α of Eq. 9 for every row that uses SO (MAT (SO), MAT (SO+BIBO)); default the rows' own (1) */
  alpha?: number;
  /** β of Eq. 9 for every MAT row that uses BIBO; default the rows' own (1) */
  beta?: number;
  /** the radii of the ε sweep (Figure 2); default the profile's */
  epsilons?: readonly number[];
  /** only these attacks are run and reported (default every attack a table needs) */
  attacks?: readonly AttackName[];
  /** training epochs of every row; default the profile's */
  epochs?: number;
  /** training seed of every row; default the profile's (0) */
  seed?: number;
}

/** Checks knobs: RangeError naming the bad one. */
export function checkKnobs(knobs: ExperimentKnobs): ExperimentKnobs {
  for (const k of ['alpha', 'beta'] as const) {
    const v = knobs[k];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new RangeError(`knob ${k} must be a number ≥ 0, got ${v}`);
  }
  for (const e of knobs.epsilons ?? []) if (!(Number.isFinite(e) && e > 0 && e <= 1)) throw new RangeError(`knob epsilons: ${e} is not in (0, 1]`);
  for (const a of knobs.attacks ?? []) {
    if (!isAttackName(a)) throw new RangeError(`knob attacks: unknown attack '${a}'; valid attacks: ${attackNames.join(', ')}`);
  }
  if (knobs.epochs !== undefined && !(Number.isInteger(knobs.epochs) && knobs.epochs >= 1)) throw new RangeError(`knob epochs must be a positive integer, got ${knobs.epochs}`);
  if (knobs.seed !== undefined && !(Number.isInteger(knobs.seed) && knobs.seed >= 0)) throw new RangeError(`knob seed must be a non-negative integer, got ${knobs.seed}`);
  return knobs;
}

/** The model a row (or variant) stands for under the knobs: α / β where the row uses them, epochs, seed. */
export function applyKnobsToRun(ref: RunRef, knobs: ExperimentKnobs = {}): RunRef {
  const v: RunVariant = asVariant(ref);
  const rowOptions = ROWS[v.row].options;
  const options = { ...v.options };
  // a knob changes the weight of a loss the row uses; it never switches a loss on in a row without it
  if (knobs.alpha !== undefined && (rowOptions.alpha ?? 0) > 0) options.alpha = knobs.alpha;
  if (knobs.beta !== undefined && (rowOptions.beta ?? 0) > 0) options.beta = knobs.beta;
  const out: RunVariant = { ...v, ...(Object.keys(options).length ? { options } : {}) };
  if (knobs.epochs !== undefined) out.epochs = knobs.epochs;
  if (knobs.seed !== undefined) out.seed = knobs.seed;
  return out.options === undefined && out.epochs === undefined && out.seed === undefined ? v.row : out;
}

/** A budget with the knobs' evaluation settings (the ε sweep). */
export function applyKnobsToBudget(budget: DatasetBudget, knobs: ExperimentKnobs = {}): DatasetBudget {
  if (knobs.epsilons === undefined) return budget;
  return { ...budget, eval: { ...budget.eval, sweep: { ...budget.eval.sweep, epsilons: [...knobs.epsilons] } } };
}

/** A profile whose budget on `dataset` carries the knobs (same name: results stay in the same folders). */
export function applyKnobsToProfile(profile: ProfileRef, dataset: ExperimentDataset, knobs: ExperimentKnobs = {}): ProfileDefinition {
  const def = profileDefinition(profile);
  if (knobs.epsilons === undefined) return def;
  return { ...def, datasets: { ...def.datasets, [dataset]: applyKnobsToBudget(datasetBudget(def, dataset), knobs) } };
}

/** The steps the knobs' attack subset keeps. */
export function applyKnobsToSteps(specs: EvalStepSpec[], knobs: ExperimentKnobs = {}): EvalStepSpec[] {
  return knobs.attacks === undefined ? specs : specs.filter((s) => knobs.attacks!.includes(s.attack));
}
