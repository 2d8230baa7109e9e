/**
 * The cached evaluation step: attack steps (see eval-suites.ts) run on a trained model, one record per
 * step in `<row>/evaluation.json`, written after every step (an interrupted evaluation resumes at the
 * first missing step). A record is reused when the model's training configuration and the step's spec
 * are both unchanged. Records are keyed by (model configuration, step spec): a step whose key is taken by
 * another spec of the same model is stored beside it (`pgd@0.3~<hash>`), never over it.
 *
 * Each step runs through src/eval's evaluator as a one-step plan in independent mode (every attack on every
 * clean-correct example: standalone accuracies, as the paper's tables report them); the caching here is
 * per step, so steps shared between tables are computed once.
 */
import * as path from 'node:path';
import type { AdaptiveObjectiveSpec } from '../attacks/adaptive-objectives';
import { loadDataset, selectExamples, type Dataset, type DatasetName } from '../data';
import type { Norm } from '../threat';
import { datasetEntry } from '../data/registry';
import { countCode, evaluate, evaluationPlan, planSteps, ROBUST, type AttackStepSpec, type EvalProgress, type EvaluationPlan } from '../eval';
import { interruptible } from '../io/interrupt';
import { withFileLockSync } from '../io/file-lock';
import { jsonRoundTrip, writeJsonAtomic } from '../io/json';
import type { Classifier } from '../models';
import { provenance, type Provenance } from '../io/provenance';
import type { TrainRunConfig } from '../run/config';
import { loadRunClassifier } from '../run/load';
import { createHash } from 'node:crypto';
import { canonicalJson, isCachedOnly, NotCachedError, readJsonFile, sameKey, type StepResult } from './cache';
import { evalSuite, type EvalStepSpec, type EvalSuiteName } from './eval-suites';
import { applyKnobsToBudget, applyKnobsToRun, applyKnobsToSteps } from './knobs';
import { attackStepsPerExample, currentThroughput, planFirst } from './plan';
import { datasetBudget, profileDefinition, type ExperimentDataset, type ProfileRef } from './profiles';
import { formatSeconds, reporter, type StepOptions } from './progress';
import { resultsLocation } from './results-root';
import { filesIn, variantConfig, variantDirs, variantLabel, type RunRef } from './run-variant';
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
  /** cascade steps (`cascadeAfter`): how many examples the earlier steps left robust, i.e. this step attacked */
  attacked?: number;
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

/** The stored record of `spec` in a file: under its key, or under any key (a spec stored beside another). */
function findStep(file: EvaluationFile, spec: EvalStepSpec): StepRecord | undefined {
  const own = file.steps[spec.key];
  if (own !== undefined && sameKey(own.spec, spec)) return own;
  return Object.values(file.steps).find((r) => sameKey(r.spec, spec));
}

/** Where `spec` is written in a file: its key, unless another spec holds it (then `<key>~<spec hash>`). */
function slotFor(file: EvaluationFile, spec: EvalStepSpec): string {
  const own = file.steps[spec.key];
  if (own === undefined || sameKey(own.spec, spec)) return spec.key;
  return `${spec.key}~${createHash('sha256').update(canonicalJson(spec)).digest('hex').slice(0, 10)}`;
}

/** "pgd@0.3 on 500 test images" */
function stepWhat(spec: EvalStepSpec): string {
  return `${spec.key} on ${spec.subset ?? 'all'} test images${spec.sanity ? ' (+ sanity checks)' : ''}`;
}

/** Estimated seconds of a step from the attack-step throughput measured on the current backend. */
export function estimateStepSeconds(spec: EvalStepSpec, run: TrainedRun, dataset: DatasetName): number {
  const examples = spec.subset ?? datasetEntry(dataset).info.sizes.test;
  return (examples * attackStepsPerExample(spec)) / currentThroughput(run.config).attackStep;
}

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
  const { epsilon: _e, norm, ...options } = spec.options;
  return evaluationPlan({
    preset: dataset, attacks: [spec.attack], mode: 'independent', batchSize: spec.batchSize,
    ...(norm !== undefined ? { norm: norm as Norm } : {}),
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

/**
 * Runs a cascade step (`spec.cascadeAfter`): only on the examples every earlier step left robust, found in
 * `earlier` (outcomes by key); the others are marked broken, so the flags are the worst case over all of them.
 */
export async function runCascadeStep(model: Classifier, data: Dataset, spec: EvalStepSpec, dataset: DatasetName,
  earlier: Readonly<Record<string, EvalOutcome>>, onProgress?: (p: EvalProgress) => void): Promise<FixedEpsilonOutcome> {
  const gates = (spec.cascadeAfter ?? []).map((key) => {
    const o = earlier[key];
    if (o === undefined) throw new RangeError(`cascade step '${spec.key}' runs after '${key}', which is not evaluated before it (list it earlier)`);
    if (o.kind !== 'fixed-epsilon' || o.robust.length !== data.count) {
      throw new RangeError(`cascade step '${spec.key}': '${key}' is not a fixed-ε outcome on the same ${data.count} examples`);
    }
    return o;
  });
  if (spec.kind !== 'fixed-epsilon' || gates.length === 0) throw new RangeError(`cascade step '${spec.key}' must be fixed-ε and run after at least one step`);
  const left: number[] = [];
  for (let i = 0; i < data.count; i++) if (gates.every((g) => g.robust[i] === '1')) left.push(i);
  const started = performance.now();
  const flags = new Array<string>(data.count).fill('0');
  let warnings: string[] = [];
  if (left.length > 0) {
    const o = await runEvalStep(model, selectExamples(data, left), spec, dataset, onProgress);
    if (o.kind !== 'fixed-epsilon') throw new Error(`cascade step '${spec.key}' returned a ${o.kind} outcome`);
    left.forEach((i, j) => { flags[i] = o.robust[j]; });
    warnings = o.warnings;
  }
  const robust = flags.join('');
  const robustCount = left.length === 0 ? 0 : robust.split('').filter((c) => c === '1').length;
  return {
    kind: 'fixed-epsilon', examples: data.count, cleanAccuracy: gates[0].cleanAccuracy, robustAccuracy: robustCount / Math.max(data.count, 1),
    robust, attacked: left.length, warnings, seconds: (performance.now() - started) / 1000,
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
    const hit = stored.map((e) => ({ file: e.file, record: findStep(e.data!, spec) })).find((e) => e.record !== undefined);
    if (hit) {
      value[spec.key] = hit.record!.outcome; lastFile = hit.file;
      options.plan?.add({ step: 'evaluate', subject: label, what: stepWhat(spec), status: 'cached', file: hit.file });
    } else pending.push(spec);
  }
  if (pending.length === 0) return { value, cached: true, seconds: (performance.now() - started) / 1000, file: lastFile };
  if (options.plan) {
    for (const spec of pending) {
      options.plan.add({
        step: 'evaluate', subject: label, what: stepWhat(spec), status: 'compute', file: files.write,
        estimatedSeconds: options.plan.estimates ? estimateStepSeconds(spec, run, run.config.dataset) : undefined, ...nearestStep(spec, run, stored),
      });
    }
    return { value, cached: false, seconds: 0, file: files.write };
  }
  if (isCachedOnly(options)) throw new NotCachedError(`${label} evaluation ${pending.map((s) => s.key).join(', ')}`, files.read);

  return interruptible(async () => {
    let trained = run;
    if (!trained.hasCheckpoint) {
      if (!options.needCheckpoint) throw new Error(`${run.runDir}: no checkpoint to evaluate (its weights are not stored)`);
      trained = await options.needCheckpoint();
    }
    // the file as it is now: other writers (cluster tasks evaluating other suites of this model) may add steps
    // to it at any time, so every write re-reads it under its lock and merges one step in
    const current = (): EvaluationFile => {
      const existing = readJsonFile<EvaluationFile>(files.write, evaluationProblem);
      // a file of another configuration belongs to a model this folder no longer holds (retrained in place)
      return existing && sameKey(existing.train, run.config) ? existing : { kind: 'evaluation', train: run.config, steps: {} };
    };
    const lockFile = `${files.write}.lock`;
    const { model } = await loadRunClassifier(trained.runDir);
    try {
      for (const spec of pending) {
        const done = findStep(current(), spec);
        if (done) { value[spec.key] = done.outcome; continue; } // another writer computed it meanwhile
        const report = reporter('evaluate', `${label} ${spec.key}`, options);
        const data = await stepData(run.config.dataset, spec);
        report.start(`${label}: ${spec.key} on ${data.count} test images`);
        const prov = provenance();
        const progress = (p: EvalProgress) => report.progress(`${label}: ${spec.key} ${p.phase} ${p.done}/${p.total}`, p.total ? p.done / p.total : undefined);
        const outcome = jsonRoundTrip(spec.cascadeAfter
          ? await runCascadeStep(model, data, spec, run.config.dataset, value, progress)
          : await runEvalStep(model, data, spec, run.config.dataset, progress));
        withFileLockSync(lockFile, () => {
          const out = current();
          out.steps[slotFor(out, spec)] = { spec, outcome, provenance: prov };
          // steps in key order: the file is the same whichever writer finished first
          out.steps = Object.fromEntries(Object.entries(out.steps).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
          writeJsonAtomic(files.write, out);
        }, { purpose: `adding ${spec.key} to ${files.write}` });
        value[spec.key] = outcome;
        report.done(`${label}: ${spec.key} ${describeOutcome(outcome)} (${formatSeconds(outcome.seconds)})`);
      }
    } finally {
      model.model.dispose();
    }
    return { value, cached: false, seconds: (performance.now() - started) / 1000, file: files.write };
  });
}

/** The stored step of this model closest to `spec` (same key or attack, fewest differing options). */
function nearestStep(spec: EvalStepSpec, run: TrainedRun, stored: ReadonlyArray<{ file: string; data?: EvaluationFile }>): { nearest?: { file: string; differences: string }; after?: string } {
  if (run.planned) return { after: 'its training (the model is not cached)' };
  const flat = (s: EvalStepSpec): Record<string, unknown> => ({ ...s.options, subset: s.subset, steps: s.options.steps, sanity: s.sanity ?? false, objective: s.objective });
  let best: { file: string; diffs: string[] } | undefined;
  for (const e of stored) {
    for (const r of Object.values(e.data!.steps)) {
      if (r.spec.attack !== spec.attack) continue;
      const a = flat(spec), b = flat(r.spec);
      const diffs = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]))
        .map((k) => `${k} = ${JSON.stringify(a[k])} (cached: ${JSON.stringify(b[k])})`);
      if (best === undefined || diffs.length < best.diffs.length) best = { file: e.file, diffs };
    }
  }
  return best ? { nearest: { file: best.file, differences: best.diffs.join(', ') } } : {};
}

/** "robust 45.3 % of 1000" / "mean L2 1.234 (success 98.0 % of 190)". */
export function describeOutcome(o: EvalOutcome): string {
  if (o.kind === 'fixed-epsilon') return `robust ${(100 * o.robustAccuracy).toFixed(1)} % of ${o.examples} (clean ${(100 * o.cleanAccuracy).toFixed(1)} %)`;
  const fmt = (v: number | null, f: (x: number) => string) => (v === null || !Number.isFinite(v) ? '—' : f(v));
  return `mean L2 ${fmt(o.meanL2, (v) => v.toFixed(3))} (success ${fmt(o.successRate, (v) => (100 * v).toFixed(1))} % of ${o.attacked})`;
}

/**
 * Evaluates one row — or a variant of it — of a profile with a suite (Table 2 'robustness', Figure 2
 * 'epsilon-sweep', Table 3 'mmc-comparison', Table 4 'adaptive'), training it first if needed. Steps
 * shared between suites are computed once.
 *
 * @example const { value } = await ensureEvaluated('trades', 'cpu', 'mnist', 'robustness'); value['pgd@0.3']
 */
export async function ensureEvaluated(ref: RunRef, profile: ProfileRef, dataset: ExperimentDataset, suite: EvalSuiteName,
  options: StepOptions = {}): Promise<StepResult<Record<string, EvalOutcome>>> {
  const budget = applyKnobsToBudget(datasetBudget(profile, dataset), options.knobs);
  return ensureEvaluatedSteps(ref, profile, dataset, (trained) => applyKnobsToSteps(evalSuite(suite, budget, trained), options.knobs), options);
}

/**
 * Evaluates a row or variant with any steps (built from its training objective: `specsOf(context)`),
 * training it first if needed; what `ensureEvaluated`'s suites and the ablations run through.
 */
export async function ensureEvaluatedSteps(ref: RunRef, profile: ProfileRef, dataset: ExperimentDataset,
  specsOf: (context: { method: string; settings: Record<string, unknown> }) => EvalStepSpec[], options: StepOptions = {}): Promise<StepResult<Record<string, EvalOutcome>>> {
  return planFirst(options, async (o) => {
    const started = performance.now();
    const def = profileDefinition(profile);
    ref = applyKnobsToRun(ref, o.knobs);
    const trained = await ensureTrained(ref, def, dataset, o);
    const specs = specsOf({ method: trained.value.results.objective.method, settings: trained.value.results.objective.settings });
    const dirs = variantDirs(resultsLocation(o.results), def.name, dataset, ref, variantConfig(ref, def, dataset));
    const r = await ensureEvaluatedRun(trained.value, specs,
      { read: filesIn(dirs.read, EVALUATION_FILE), write: path.join(dirs.write, EVALUATION_FILE) },
      { ...o, label: variantLabel(ref, def, dataset), needCheckpoint: async () => (await ensureTrained(ref, def, dataset, { ...o, requireCheckpoint: true })).value });
    return { ...r, cached: r.cached && trained.cached, seconds: (performance.now() - started) / 1000 };
  });
}
