/**
 * The cached evaluation step: attack steps (see eval-suites.ts) run on a trained model, one record per
 * step in `<row>/evaluation.json`, written after every step (an interrupted evaluation resumes at the
 * first missing step). A record is reused when the model's training configuration and the step's spec
 * are both unchanged.
 *
 * Each step runs through src/eval's evaluator as a one-step plan in independent mode (every attack on every
 * clean-correct example: standalone accuracies, as the paper's tables report them); the caching here is
 * per step, so steps shared between tables are computed once.
 */
import * as path from 'node:path';
import type { AdaptiveObjectiveSpec } from '../attacks/adaptive-objectives';
import { loadDataset, type Dataset, type DatasetName } from '../data';
import { countCode, evaluate, evaluationPlan, planSteps, ROBUST, type AttackStepSpec, type EvalProgress, type EvaluationPlan } from '../eval';
import { jsonRoundTrip, writeJsonAtomic } from '../io/json';
import type { Classifier } from '../models';
import { provenance, type Provenance } from '../io/provenance';
import type { TrainRunConfig } from '../run/config';
import { loadRunClassifier } from '../run/load';
import { isCachedOnly, NotCachedError, readJsonFile, sameKey, type StepResult } from './cache';
import { evalSuite, type EvalStepSpec, type EvalSuiteName } from './eval-suites';
import { datasetBudget, profileDefinition, type ExperimentDataset, type ProfileRef } from './profiles';
import { formatSeconds, reporter, type StepOptions } from './progress';
import { resultsLocation, rowDirs } from './results-root';
import { ROWS, type RowKey } from './rows';
import { ensureTrained, type TrainedRun } from './train-step';

export const EVALUATION_FILE = 'evaluation.json';

/** Result of a fixed-ε step. */
export interface FixedEpsilonOutcome {
  kind: 'fixed-epsilon';
  examples: number;
  cleanAccuracy: number;
  /** correct both clean and attacked */
  robustAccuracy: number;
  /** per example, '1' robust / '0' not (dataset order of the seeded subset) */
  robust: string;
  /** the evaluator's warnings (points outside the ball, failed sanity checks) */
  warnings: string[];
  /** gradient-masking sanity checks (steps with `sanity: true`) */
  sanity?: Array<{ id: string; status: string; message: string }>;
  seconds: number;
}

/** Result of a minimisation step (C&W, DDN). */
export interface MinimizationOutcome {
  kind: 'minimization';
  examples: number;
  /** clean-correct examples (the ones attacked) */
  attacked: number;
  /** fraction of the attacked examples for which an adversarial was found */
  successRate: number;
  /** mean / median L2 norm of the perturbation over the successful adversarials (Table 2's C&W / DDN) */
  meanL2: number;
  medianL2: number;
  /** per example: L2 norm, or null (clean-misclassified or not found) */
  l2: Array<number | null>;
  warnings: string[];
  seconds: number;
}

export type EvalOutcome = FixedEpsilonOutcome | MinimizationOutcome;

interface StepRecord { spec: EvalStepSpec; outcome: EvalOutcome; provenance: Provenance }
interface EvaluationFile { kind: 'evaluation'; train: TrainRunConfig; steps: Record<string, StepRecord> }

function evaluationProblem(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'not an evaluation file (expected a JSON object)';
  const f = v as Partial<EvaluationFile>;
  if (f.kind !== 'evaluation' || typeof f.train !== 'object' || typeof f.steps !== 'object' || f.steps === null) {
    return "not an evaluation file (needs kind 'evaluation', train and steps)";
  }
  for (const [k, r] of Object.entries(f.steps)) {
    if (typeof r?.spec !== 'object' || typeof r?.outcome !== 'object') return `evaluation step '${k}' lacks spec/outcome`;
  }
  return undefined;
}

/** Test data of a step: the seeded subset (loadDataset caches the split in-process). */
export function stepData(dataset: DatasetName, spec: Pick<EvalStepSpec, 'subset' | 'subsetSeed'>): Promise<Dataset> {
  return loadDataset(dataset, 'test', { ...(spec.subset !== undefined ? { subset: spec.subset } : {}), subsetSeed: spec.subsetSeed });
}

/** The eval module's plan for one step (independent mode: the attack runs on every clean-correct example). */
export function stepPlan(spec: EvalStepSpec, dataset: DatasetName | undefined): EvaluationPlan {
  const { epsilon: _e, ...options } = spec.options;
  return evaluationPlan({
    preset: dataset, attacks: [spec.attack], mode: 'independent', batchSize: spec.batchSize,
    epsilons: spec.kind === 'fixed-epsilon' ? [spec.epsilon ?? Number(spec.options.epsilon)] : [],
    attackOptions: { [spec.attack]: options },
    ...(spec.objective ? { objective: spec.objective as AdaptiveObjectiveSpec } : {}),
  });
}

/** The step as eval's own attack step (what eval's batch task runs: see `attackBatch`). */
export function stepAttackSpec(spec: EvalStepSpec, dataset: DatasetName | undefined): AttackStepSpec {
  return planSteps(stepPlan(spec, dataset))[0];
}

/**
 * Runs one step on a model with src/eval's evaluator (batched, in this thread; it projects fixed-ε outputs
 * onto the ball and measures L2 norms). `spec.sanity` adds its gradient-masking checks (warnings kept in
 * the outcome).
 */
export async function runEvalStep(model: Classifier, data: Dataset, spec: EvalStepSpec, dataset: DatasetName,
  onProgress?: (p: EvalProgress) => void): Promise<EvalOutcome> {
  const started = performance.now();
  const plan = stepPlan(spec, dataset);
  const r = await evaluate({ model, data, plan, sanity: spec.sanity ? {} : false, onProgress });
  const step = planSteps(plan)[0];
  const rec = r.steps[step.key];
  const warnings = [...r.warnings];
  const sanity = r.sanity?.checks.map((c) => ({ id: c.id, status: c.status, message: c.message }));
  const seconds = (performance.now() - started) / 1000;
  if (spec.kind === 'fixed-epsilon') {
    const robust = Array.from(rec.codes, (c) => (c === ROBUST ? '1' : '0')).join('');
    const robustCount = countCode(rec.codes, ROBUST);
    return {
      kind: 'fixed-epsilon', examples: data.count, cleanAccuracy: r.summary.cleanAccuracy, robustAccuracy: robustCount / Math.max(data.count, 1),
      robust, warnings, ...(sanity ? { sanity } : {}), seconds,
    };
  }
  const m = r.summary.minimization[0];
  return {
    kind: 'minimization', examples: data.count, attacked: m.attacked, successRate: m.successRate, meanL2: m.meanL2, medianL2: m.medianL2,
    l2: rec.l2 ?? [], warnings, seconds,
  };
}

export interface EvaluateRunOptions extends StepOptions {
  /** label for messages */
  label?: string;
  /** called when the model's weights are needed but the run has no checkpoint (retrain) */
  needCheckpoint?: () => Promise<TrainedRun>;
}

/**
 * Evaluates a trained run on `specs`, reusing every step found (same training configuration, same spec)
 * in `files.read` (in order); computed steps are merged into `files.write` one by one. `value` maps step
 * keys to outcomes; `cached` is true when no step had to be computed.
 */
export async function ensureEvaluatedRun(run: TrainedRun, specs: readonly EvalStepSpec[], files: { read: readonly string[]; write: string },
  options: EvaluateRunOptions = {}): Promise<StepResult<Record<string, EvalOutcome>>> {
  const started = performance.now();
  const label = options.label ?? run.config.method;
  const keys = new Set<string>();
  for (const s of specs) {
    if (keys.has(s.key)) throw new RangeError(`evaluation step '${s.key}' is listed twice`);
    keys.add(s.key);
  }
  const stored = files.read.map((f) => ({ file: f, data: readJsonFile<EvaluationFile>(f, evaluationProblem) }))
    .filter((e) => e.data !== undefined && sameKey(e.data.train, run.config));
  const value: Record<string, EvalOutcome> = {};
  const pending: EvalStepSpec[] = [];
  let lastFile = files.write;
  for (const spec of specs) {
    const hit = stored.find((e) => e.data!.steps[spec.key] !== undefined && sameKey(e.data!.steps[spec.key].spec, spec));
    if (hit) { value[spec.key] = hit.data!.steps[spec.key].outcome; lastFile = hit.file; } else pending.push(spec);
  }
  if (pending.length === 0) return { value, cached: true, seconds: (performance.now() - started) / 1000, file: lastFile };
  if (isCachedOnly(options)) throw new NotCachedError(`${label} evaluation ${pending.map((s) => s.key).join(', ')}`, files.read);

  let trained = run;
  if (!trained.hasCheckpoint) {
    if (!options.needCheckpoint) throw new Error(`${run.runDir}: no checkpoint to evaluate (its weights are not stored)`);
    trained = await options.needCheckpoint();
  }
  const existing = readJsonFile<EvaluationFile>(files.write, evaluationProblem);
  const out: EvaluationFile = existing && sameKey(existing.train, run.config) ? existing : { kind: 'evaluation', train: run.config, steps: {} };
  const { model } = await loadRunClassifier(trained.runDir);
  try {
    for (const spec of pending) {
      const report = reporter('evaluate', `${label} ${spec.key}`, options);
      const data = await stepData(run.config.dataset, spec);
      report.start(`${label}: ${spec.key} on ${data.count} test images`);
      const prov = provenance();
      const outcome = jsonRoundTrip(await runEvalStep(model, data, spec, run.config.dataset, (p) =>
        report.progress(`${label}: ${spec.key} ${p.phase} ${p.done}/${p.total}`, p.total ? p.done / p.total : undefined)));
      out.steps[spec.key] = { spec, outcome, provenance: prov };
      writeJsonAtomic(files.write, out);
      value[spec.key] = outcome;
      report.done(`${label}: ${spec.key} ${describeOutcome(outcome)} (${formatSeconds(outcome.seconds)})`);
    }
  } finally {
    model.model.dispose();
  }
  return { value, cached: false, seconds: (performance.now() - started) / 1000, file: files.write };
}

/** "robust 45.3 % of 1000" / "mean L2 1.234 (success 98.0 % of 190)". */
export function describeOutcome(o: EvalOutcome): string {
  if (o.kind === 'fixed-epsilon') return `robust ${(100 * o.robustAccuracy).toFixed(1)} % of ${o.examples} (clean ${(100 * o.cleanAccuracy).toFixed(1)} %)`;
  const fmt = (v: number | null, f: (x: number) => string) => (v === null || !Number.isFinite(v) ? '—' : f(v));
  return `mean L2 ${fmt(o.meanL2, (v) => v.toFixed(3))} (success ${fmt(o.successRate, (v) => (100 * v).toFixed(1))} % of ${o.attacked})`;
}

/**
 * Evaluates one row of a profile with a suite (Table 2 'robustness', Figure 2 'epsilon-sweep', Table 3
 * 'mmc-comparison', Table 4 'adaptive'), training the row first if needed. Steps shared between suites
 * are computed once.
 *
 * @example const { value } = await ensureEvaluated('trades', 'cpu', 'mnist', 'robustness'); value['pgd@0.3']
 */
export async function ensureEvaluated(row: RowKey, profile: ProfileRef, dataset: ExperimentDataset, suite: EvalSuiteName,
  options: StepOptions = {}): Promise<StepResult<Record<string, EvalOutcome>>> {
  const started = performance.now();
  const def = profileDefinition(profile);
  const budget = datasetBudget(def, dataset);
  const trained = await ensureTrained(row, def, dataset, options);
  const specs = evalSuite(suite, budget, { method: trained.value.results.objective.method, settings: trained.value.results.objective.settings });
  const location = resultsLocation(options.results);
  const dirs = rowDirs(location, def.name, dataset, row);
  const r = await ensureEvaluatedRun(trained.value, specs,
    { read: dirs.read.map((d) => path.join(d, EVALUATION_FILE)), write: path.join(dirs.write, EVALUATION_FILE) },
    { ...options, label: ROWS[row].label, needCheckpoint: async () => (await ensureTrained(row, def, dataset, { ...options, requireCheckpoint: true })).value });
  return { ...r, cached: r.cached && trained.cached, seconds: (performance.now() - started) / 1000 };
}
