/**
 * Evaluating a training run folder: what `mat eval` and the notebooks call. Loads the checkpoint and the
 * run's configuration (dataset → its threat model's attack preset, method → adaptive objective), the test split (or a seeded
 * subset), and writes `<run>/eval-….json`.
 */
import * as path from 'node:path';
import type { BackendName } from '../backend';
import { loadDataset, type Dataset } from '../data';
import { datasetEntry } from '../data/registry';
import { trainingObjective } from '../methods/registry';
import type { TrainRunConfig } from '../run/config';
import { loadRunClassifier, readTrainResults } from '../run/load';
import type { AttackName } from '../attacks';
import { evaluate, type EvalProgress } from './evaluate';
import { epsilonLabel, evaluationPlan, type CascadeMode, type EvaluationPlan } from './plan';
import type { EvalResults } from './results';
import type { SanityOptions } from './sanity';
import type { Norm } from '../threat';

export interface RunEvalOptions {
  /** attack names in cascade order (default ['pgd']) */
  attacks?: string[];
  /** radii in `norm` (default: the dataset preset's L∞ ε) */
  epsilons?: number[];
  /** threat model of the fixed-ε attacks (default 'linf') */
  norm?: Norm;
  /** evaluate a seeded subset of this many test examples (default: the full test split) */
  testSubset?: number;
  /** seed of the subset (default 0) */
  subsetSeed?: number;
  /** worker threads (default 1) */
  workers?: number;
  backend?: BackendName;
  /** results file (default `<runDir>/` + {@link evalFileName}) */
  out?: string;
  fresh?: boolean;
  mode?: CascadeMode;
  attackOptions?: Partial<Record<AttackName, Record<string, unknown>>>;
  batchSize?: number;
  sanity?: SanityOptions | false;
  /** run folder of a naturally trained model for the transfer sanity check */
  surrogateRunDir?: string;
  onProgress?: (p: EvalProgress) => void;
}

/** Default results file name of a plan: `eval-pgd+cw-l2-eps0.1,0.3[-n1000].json`. */
export function evalFileName(plan: EvaluationPlan, testSubset?: number): string {
  const names = [...new Set([...plan.fixed, ...plan.minimization].map((s) => s.attack))];
  const norm = plan.fixed[0]?.norm ?? 'linf';
  const eps = plan.fixed.length > 0 ? `${norm === 'linf' ? '' : `-${norm}`}-eps${plan.epsilons.map((e) => epsilonLabel(e).replace('/', 'of')).join(',')}` : '';
  return `eval-${names.join('+')}${eps}${testSubset ? `-n${testSubset}` : ''}${plan.mode === 'independent' ? '-independent' : ''}.json`;
}

/** The run's resolved method settings (α, β, …): from results.json, else recomputed from its config. */
export function runMethodSettings(runDir: string, config: TrainRunConfig | undefined): Record<string, unknown> {
  const stored = readTrainResults(runDir)?.objective?.settings;
  if (stored) return stored;
  if (!config) return {};
  try {
    return { ...trainingObjective(config.method, { dataset: config.dataset, ...config.methodOptions }).settings };
  } catch {
    return {};
  }
}

/** Evaluates the model of a run folder; returns the results and where they were written. */
export async function evaluateRun(runDir: string, options: RunEvalOptions = {}): Promise<{ results: EvalResults; file: string; data: Dataset }> {
  const { model, config } = await loadRunClassifier(runDir);
  let surrogate: Awaited<ReturnType<typeof loadRunClassifier>>['model'] | undefined;
  try {
    // the dataset's threat model is its attack preset
    const preset = config?.dataset ?? 'mnist';
    // L2 without radii: the dataset's L2 radius (src/data/datasets/)
    const epsilons = options.epsilons ?? (options.norm === 'l2' ? [datasetEntry(preset).threatModel.l2Epsilon] : undefined);
    const methodSettings = runMethodSettings(runDir, config);
    const plan = evaluationPlan({
      preset, attacks: options.attacks, epsilons, norm: options.norm, mode: options.mode, attackOptions: options.attackOptions,
      method: config?.method, methodSettings, batchSize: options.batchSize,
    });
    const data = await loadDataset(config?.dataset ?? 'mnist', 'test', { subset: options.testSubset, subsetSeed: options.subsetSeed ?? 0 });
    const file = options.out ?? path.join(runDir, evalFileName(plan, options.testSubset));
    if (options.surrogateRunDir) surrogate = (await loadRunClassifier(options.surrogateRunDir)).model;
    const results = await evaluate({
      model, data, plan, runDir, workers: options.workers, backend: options.backend, resultsFile: file, fresh: options.fresh,
      sanity: options.sanity, surrogate, surrogateLabel: options.surrogateRunDir, onProgress: options.onProgress,
      run: { dir: runDir, dataset: config?.dataset, arch: config?.arch, method: config?.method, methodSettings },
    });
    return { results, file, data };
  } finally {
    model.model.dispose();
    surrogate?.model.dispose();
  }
}
