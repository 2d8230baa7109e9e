/**
 * The one setup cell every notebook shares: start the backend, resolve the profile's budget with the
 * parameters cell's knobs, and the options every step takes — progress callbacks that print a line per
 * progress event and one "cached" / "computed" line per step, and the knobs themselves.
 */
import { describeBackend, initBackend } from '../backend';
import { applyKnobsToBudget, checkKnobs, type ExperimentKnobs } from './knobs';
import { datasetBudget, PROFILES, type DatasetBudget, type ExperimentDataset, type ProfileName } from './profiles';
import type { ProgressEvent } from './progress';

export interface NotebookSetup {
  /** the profile's budget on the dataset, with the knobs' ε list */
  budget: DatasetBudget;
  /** pass to every `ensure…` step (and `ablate`): progress lines, and the knobs */
  progress: { onProgress: (e: ProgressEvent) => void; onStep: (line: string) => void; knobs: ExperimentKnobs };
  /** backend, profile, dataset and the knobs set, in one line (the notebook prints it) */
  banner: string;
}

/** "α = 0.5, epochs 2" for the knobs that are set. */
export function describeKnobs(knobs: ExperimentKnobs): string {
  const parts = Object.entries(knobs).filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${({ alpha: 'α', beta: 'β' } as Record<string, string>)[k] ?? k} = ${Array.isArray(v) ? v.join(', ') : String(v)}`);
  return parts.join(', ');
}

/** @example const { budget, progress, banner } = await mat.notebookSetup(profile, dataset, { alpha, epsilons }); console.log(banner); */
export async function notebookSetup(profile: ProfileName, dataset: ExperimentDataset, knobs: ExperimentKnobs = {}): Promise<NotebookSetup> {
  checkKnobs(knobs);
  const budget = applyKnobsToBudget(datasetBudget(profile, dataset), knobs);
  const backend = describeBackend(await initBackend());
  const set = describeKnobs(knobs);
  return {
    budget,
    // a notebook shows its progress as output lines
    progress: { onProgress: (e) => console.log(`  ${e.message}`), onStep: (line) => console.log(line), knobs },
    banner: `${backend} · profile ${profile} (${PROFILES[profile].description}) · dataset ${dataset}${set ? ` · knobs: ${set}` : ''}`,
  };
}
