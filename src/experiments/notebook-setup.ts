/**
 * The one setup cell every notebook shares: start the backend, resolve the profile's budget, and the progress
 * callbacks that print a line per progress event and one "cached" / "computed" line per step.
 */
import { describeBackend, initBackend } from '../backend';
import { datasetBudget, PROFILES, type DatasetBudget, type ExperimentDataset, type ProfileName } from './profiles';
import type { ProgressEvent } from './progress';

export interface NotebookSetup {
  budget: DatasetBudget;
  /** pass to every `ensure…` step */
  progress: { onProgress: (e: ProgressEvent) => void; onStep: (line: string) => void };
  /** backend, profile and dataset in one line (the notebook prints it) */
  banner: string;
}

/** @example const { budget, progress, banner } = await mat.notebookSetup(profile, dataset); console.log(banner); */
export async function notebookSetup(profile: ProfileName, dataset: ExperimentDataset): Promise<NotebookSetup> {
  const budget = datasetBudget(profile, dataset);
  const backend = describeBackend(await initBackend());
  return {
    budget,
    // a notebook shows its progress as output lines
    progress: { onProgress: (e) => console.log(`  ${e.message}`), onStep: (line) => console.log(line) },
    banner: `${backend} · profile ${profile} (${PROFILES[profile].description}) · dataset ${dataset}`,
  };
}
