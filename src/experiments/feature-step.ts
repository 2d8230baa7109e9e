/**
 * The cached feature-analysis step (paper §1.2 / Table 1, Figure 1, §4.5 / Table 5): features φ of clean,
 * PGD and DDN examples of a trained model, computed batch by batch on the backend (only the [N, D]
 * features and the predictions are read back), then Ward match rates, a joint t-SNE of clean and PGD
 * features, and cosine statistics to the predicted class center. Stored in `<row>/features.json`.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { cosineStats, embedCleanAndAdversarial, matchRates, type CosineStats, type EmbeddedPoint } from '../analysis';
import { batches, isDatasetName, type Dataset } from '../data';
import { attackBatch } from '../eval';
import type { Classifier } from '../models';
import { loadRunClassifier, runConfig } from '../run/load';
import { cachedStep, readJsonFile, recordProblem, sameKey, type CacheRecord, type StepResult } from './cache';
import { tablePgdStep, type EvalStepSpec } from './eval-suites';
import { stepAttackSpec, stepData } from './evaluate-step';
import { datasetBudget, profileDefinition, type DatasetBudget, type ExperimentDataset, type ProfileRef } from './profiles';
import { applyKnobsToRun } from './knobs';
import { attackStepsPerExample, currentThroughput, planFirst, type ThroughputModel } from './plan';
import { formatSeconds, reporter, type StepOptions } from './progress';
import { resultsLocation } from './results-root';
import { filesIn, variantConfig, variantDirs, variantLabel, type RunRef } from './run-variant';
import { ensureTrained } from './train-step';

export const FEATURES_FILE = 'features.json';

/** Everything the analysis depends on besides the model (its cache key with the training config). */
export interface FeatureAnalysisSettings {
  /** seeded test subset analysed */
  points: number;
  subsetSeed: number;
  batchSize: number;
  /** the attacks whose adversarial features are analysed (specs as in eval-suites, subset = points) */
  pgd: EvalStepSpec;
  ddn: EvalStepSpec;
  wardMaxPoints: number;
  tsnePointsPerSet: number;
  tsneIterations: number;
  tsneSeed: number;
}

/** The analysis settings of a budget: Table 2's PGD and DDN with the analysis's budget. */
export function featureAnalysisSettings(budget: DatasetBudget): FeatureAnalysisSettings {
  const a = budget.analysis;
  const subset = { subset: a.points, subsetSeed: budget.train.seed, batchSize: budget.eval.batchSize };
  return {
    points: a.points, subsetSeed: budget.train.seed, batchSize: budget.eval.batchSize,
    pgd: { ...tablePgdStep(budget), ...subset },
    ddn: { key: 'ddn', attack: 'ddn', kind: 'minimization', options: { steps: a.ddnSteps, seed: 0 }, ...subset },
    wardMaxPoints: a.wardMaxPoints, tsnePointsPerSet: a.tsnePointsPerSet, tsneIterations: a.tsneIterations, tsneSeed: 0,
  };
}

/** Table 5 statistics of one set (plain JSON). */
export interface CosineSummary {
  /** mean ± std over classes of the per-class mean cosine to the predicted class center */
  mean: number;
  std: number;
  classesUsed: number;
  perClass: Array<{ cls: number; count: number; mean: number; std: number }>;
}

export type FeatureSet = 'Clean' | 'PGD' | 'DDN';

export interface FeatureAnalysis {
  examples: number;
  featureDim: number;
  numClasses: number;
  /** accuracy of the model on each set (DDN: ~0 where it finds adversarials for all) */
  accuracy: Record<FeatureSet, number>;
  /** Table 1: match rate of each set to the Ward clusters of the clean features */
  matchRates: Record<FeatureSet, number>;
  /** members of each Ward cluster */
  clusterSizes: number[];
  /** Figure 1: joint t-SNE of clean and PGD features */
  embedding: { points: EmbeddedPoint[]; kl: number; iterations: number };
  /** Table 5 (models with a centers head: MAT, MMC); null for linear heads, which have no class centers */
  cosine: { Clean: CosineSummary; PGD: CosineSummary } | null;
  /** mean L2 of the DDN perturbations that fooled the model */
  ddnMeanL2: number;
  seconds: { features: number; ward: number; tsne: number };
}

interface Collected { features: Float32Array; dim: number; predictions: Int32Array; labels: Int32Array; l2: Float32Array }

/** φ and predictions of every example (optionally attacked first), batched; reads back only [n, D] + [n]. */
async function collectFeatures(model: Classifier, data: Dataset, batchSize: number,
  attack?: (x: tf.Tensor4D, y: tf.Tensor1D) => tf.Tensor4D, onBatch?: (done: number) => void): Promise<Collected> {
  const dim = model.featureDim;
  const features = new Float32Array(data.count * dim);
  const predictions = new Int32Array(data.count);
  const l2 = new Float32Array(data.count);
  let offset = 0;
  for (const batch of batches(data, { batchSize, shuffle: false })) {
    const x = attack ? attack(batch.x, batch.y) : batch.x;
    const [phi, pred, norm] = tf.tidy(() => {
      const f = model.features(x, false);
      const d = x.sub(batch.x);
      return [f, model.headLogits(f).argMax(1), d.reshape([d.shape[0], -1]).square().sum(1).sqrt()];
    });
    const [fv, pv, nv] = await Promise.all([phi.data(), pred.data(), norm.data()]);
    features.set(fv as Float32Array, offset * dim);
    predictions.set(pv as Int32Array, offset);
    l2.set(nv as Float32Array, offset);
    offset += batch.x.shape[0];
    tf.dispose([phi, pred, norm, batch.x, batch.y, ...(x !== batch.x ? [x] : [])]);
    onBatch?.(offset);
  }
  return { features, dim, predictions, labels: data.labels, l2 };
}

function summary(s: CosineStats): CosineSummary {
  return { mean: s.mean, std: s.std, classesUsed: s.classesUsed, perClass: s.perClass.filter((c) => c.count > 0).map((c) => ({ ...c })) };
}

function accuracyOf(c: Collected): number {
  let ok = 0;
  for (let i = 0; i < c.predictions.length; i++) if (c.predictions[i] === c.labels[i]) ok++;
  return ok / Math.max(c.predictions.length, 1);
}

/** Runs the analysis on a loaded model (no caching); the attacks run through eval's batch task. */
export async function analyzeFeatures(model: Classifier, data: Dataset, settings: FeatureAnalysisSettings,
  onStage?: (message: string) => void): Promise<FeatureAnalysis> {
  const t0 = performance.now();
  const sets = {} as Record<FeatureSet, Collected>;
  for (const [name, spec] of [['Clean', undefined], ['PGD', settings.pgd], ['DDN', settings.ddn]] as const) {
    const step = spec ? stepAttackSpec(spec, isDatasetName(data.name) ? data.name : undefined) : undefined;
    const attack = step ? (x: tf.Tensor4D, y: tf.Tensor1D) => attackBatch(model, step, x, y) : undefined;
    sets[name] = await collectFeatures(model, data, settings.batchSize, attack, (done) => onStage?.(`${name} features ${done}/${data.count}`));
  }
  const t1 = performance.now();
  const asMatrix = (c: Collected) => ({ data: c.features, shape: [c.predictions.length, c.dim] as [number, number] });
  onStage?.(`Ward clustering of ${Math.min(data.count, settings.wardMaxPoints)} clean points`);
  const { clusters, rates } = matchRates(
    { features: asMatrix(sets.Clean), predictions: sets.Clean.predictions },
    { Clean: { features: asMatrix(sets.Clean), predictions: sets.Clean.predictions },
      PGD: { features: asMatrix(sets.PGD), predictions: sets.PGD.predictions },
      DDN: { features: asMatrix(sets.DDN), predictions: sets.DDN.predictions } },
    { k: data.numClasses, numClasses: data.numClasses, maxPoints: settings.wardMaxPoints, seed: settings.subsetSeed },
  );
  const clusterSizes = new Array<number>(clusters.k).fill(0);
  for (const a of clusters.assignments) clusterSizes[a]++;
  const t2 = performance.now();
  onStage?.(`t-SNE of ${2 * Math.min(data.count, settings.tsnePointsPerSet)} points, ${settings.tsneIterations} iterations`);
  const embedding = embedCleanAndAdversarial(
    { features: asMatrix(sets.Clean), labels: sets.Clean.labels, predictions: sets.Clean.predictions },
    { features: asMatrix(sets.PGD), labels: sets.PGD.labels, predictions: sets.PGD.predictions },
    { maxPoints: settings.tsnePointsPerSet, iterations: settings.tsneIterations, seed: settings.tsneSeed },
  );
  const t3 = performance.now();
  let cosine: FeatureAnalysis['cosine'] = null;
  if (model.headKind === 'centers') {
    const kernel = model.headKernel();
    const centers = { data: await kernel.data(), shape: kernel.shape as [number, number] };
    kernel.dispose();
    cosine = {
      Clean: summary(cosineStats(asMatrix(sets.Clean), sets.Clean.predictions, centers, { centerLayout: 'columns' })),
      PGD: summary(cosineStats(asMatrix(sets.PGD), sets.PGD.predictions, centers, { centerLayout: 'columns' })),
    };
  }
  const ddnL2: number[] = [];
  for (let i = 0; i < data.count; i++) {
    if (sets.Clean.predictions[i] === data.labels[i] && sets.DDN.predictions[i] !== data.labels[i]) ddnL2.push(sets.DDN.l2[i]);
  }
  return {
    examples: data.count, featureDim: sets.Clean.dim, numClasses: data.numClasses,
    accuracy: { Clean: accuracyOf(sets.Clean), PGD: accuracyOf(sets.PGD), DDN: accuracyOf(sets.DDN) },
    matchRates: rates, clusterSizes,
    embedding: { points: embedding.points, kl: embedding.kl, iterations: embedding.iterations },
    cosine,
    ddnMeanL2: ddnL2.length ? ddnL2.reduce((s, v) => s + v, 0) / ddnL2.length : NaN,
    seconds: { features: (t1 - t0) / 1000, ward: (t2 - t1) / 1000, tsne: (t3 - t2) / 1000 },
  };
}

export { runConfig };

export interface AnalyzeRunOptions extends Pick<StepOptions, 'onProgress' | 'progressSeconds' | 'cachedOnly'> {
  label?: string;
  /** files searched for a cached analysis, in order (default: just `writeFile`) */
  readFiles?: readonly string[];
  /** where the analysis is stored (default `<runDir>/features.json`) */
  writeFile?: string;
  /** the run folder holding the weights, when it differs from `runDir` (e.g. retrained elsewhere) */
  weightsDir?: () => Promise<string>;
}

/** The cached analysis of the model in `runDir` (its training config and `settings` are the key). */
export async function ensureRunAnalysis(runDir: string, settings: FeatureAnalysisSettings,
  options: AnalyzeRunOptions = {}): Promise<StepResult<FeatureAnalysis>> {
  const config = runConfig(runDir);
  const writeFile = options.writeFile ?? path.join(runDir, FEATURES_FILE);
  const label = options.label ?? config.method;
  return cachedStep({
    kind: 'feature-analysis',
    key: { train: config, settings },
    readFiles: options.readFiles ?? [writeFile],
    writeFile,
    ...(options.cachedOnly !== undefined ? { cachedOnly: options.cachedOnly } : {}),
    compute: async () => {
      const report = reporter('analyze', label, options);
      const dir = options.weightsDir ? await options.weightsDir() : runDir;
      const { model } = await loadRunClassifier(dir);
      try {
        const data = await stepData(config.dataset, { subset: settings.points, subsetSeed: settings.subsetSeed });
        report.start(`${label}: features of ${data.count} clean / PGD / DDN test images`);
        const started = performance.now();
        const analysis = await analyzeFeatures(model, data, settings, (m) => report.progress(`${label}: ${m}`));
        report.done(`${label}: match rates clean ${(100 * analysis.matchRates.Clean).toFixed(1)} %, PGD ${(100 * analysis.matchRates.PGD).toFixed(1)} %, ` +
          `DDN ${(100 * analysis.matchRates.DDN).toFixed(1)} % (${formatSeconds((performance.now() - started) / 1000)})`);
        return analysis;
      } finally {
        model.model.dispose();
      }
    },
  });
}

/** Estimated seconds of an analysis: its attacks from the measured attack-step throughput (Ward and t-SNE not counted). */
function estimateAnalysisSeconds(settings: FeatureAnalysisSettings, model: ThroughputModel): number {
  const steps = 1 + attackStepsPerExample({ ...settings.pgd, sanity: false }) + attackStepsPerExample(settings.ddn);
  return (settings.points * steps) / currentThroughput(model).attackStep;
}

/**
 * Feature analysis of one row — or a variant of it — of a profile (trained first if needed): Table 1's
 * match rates, Figure 1's t-SNE and Table 5's cosine statistics.
 *
 * @example const { value } = await ensureFeatureAnalysis('natural', 'cpu', 'mnist'); value.matchRates.PGD
 */
export async function ensureFeatureAnalysis(ref: RunRef, profile: ProfileRef, dataset: ExperimentDataset,
  options: StepOptions = {}): Promise<StepResult<FeatureAnalysis>> {
  return planFirst(options, async (o) => {
    const started = performance.now();
    const def = profileDefinition(profile);
    const settings = featureAnalysisSettings(datasetBudget(def, dataset));
    ref = applyKnobsToRun(ref, o.knobs);
    const trained = await ensureTrained(ref, def, dataset, o);
    const config = variantConfig(ref, def, dataset);
    const dirs = variantDirs(resultsLocation(o.results), def.name, dataset, ref, config);
    const writeFile = path.join(dirs.write, FEATURES_FILE);
    const readFiles = filesIn(dirs.read, FEATURES_FILE);
    const label = variantLabel(ref, def, dataset);
    if (o.plan) {
      const key = { train: config, settings };
      const file = readFiles.find((f) => {
        const rec = readJsonFile<CacheRecord<unknown, unknown>>(f, (v) => recordProblem(v, 'feature-analysis'));
        return rec !== undefined && sameKey(rec.key, key);
      });
      const what = `features of ${settings.points} clean / PGD / DDN test images`;
      o.plan.add(file !== undefined ? { step: 'features', subject: label, what, status: 'cached', file }
        : { step: 'features', subject: label, what, status: 'compute', file: writeFile, estimatedSeconds: o.plan.estimates ? estimateAnalysisSeconds(settings, config) : undefined });
      return { value: undefined as unknown as FeatureAnalysis, cached: file !== undefined, seconds: 0, file: file ?? writeFile };
    }
    const r = await ensureRunAnalysis(trained.value.runDir, settings, {
      ...o, label, writeFile, readFiles,
      weightsDir: async () => trained.value.hasCheckpoint ? trained.value.runDir
        : (await ensureTrained(ref, def, dataset, { ...o, requireCheckpoint: true })).value.runDir,
    });
    return { ...r, cached: r.cached && trained.cached, seconds: (performance.now() - started) / 1000 };
  });
}
