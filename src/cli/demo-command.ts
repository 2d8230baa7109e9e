import * as path from 'node:path';
import { loadDataset } from '../data';
import { evaluate, evaluationPlan } from '../eval';
import type { TrainRunConfig } from '../run/config';
import { loadRunClassifier, readTrainResults } from '../run/load';
import { numberFlag, parseFlags, type FlagSpec } from './args';
import { trainWithProgress } from './train-command';
import { BACKEND_NAMES } from '../backend';

export const DEMO_HELP = `mat demo — what \`npm start\` runs: natural vs MAT(SO) SmallCNN on full MNIST, two epochs each
(SGD 0.05, ×0.1 after the first), then a small Table-2-style comparison: clean accuracy on the 10k test
set, and on a test subset PGD-40 (ε=0.3, cross-entropy) beside APGD-DLR (ε=0.3, 40 iterations), whose
scale-free margin loss does not vanish when the softmax saturates — so a large gap between the two columns
means the CE gradient is masked, not that the model is robust.
Finished runs under --runs-dir are reused (delete the folder to retrain).

  --epochs N         epochs per model (default 2)
  --pgd-subset N     test examples attacked (default 1000)
  --runs-dir DIR     (default runs/demo)
  --backend NAME     ${BACKEND_NAMES.join(' | ')}
`;

export const DEMO_FLAGS: FlagSpec = {
  epochs: { type: 'string' }, 'pgd-subset': { type: 'string' }, 'runs-dir': { type: 'string' }, backend: { type: 'string' }, help: { type: 'boolean' },
};

export async function demoCommand(argv: string[]): Promise<void> {
  const v = parseFlags(argv, DEMO_FLAGS, 'demo');
  const epochs = numberFlag(v, 'epochs', { integer: true, min: 1 }) ?? 2;
  const pgdSubset = numberFlag(v, 'pgd-subset', { integer: true, min: 1 }) ?? 1000;
  const runsDir = String(v['runs-dir'] ?? path.join('runs', 'demo'));
  const base = {
    dataset: 'mnist' as const, arch: 'smallcnn' as const, epochs, batchSize: 128, optimizer: 'sgd' as const, learningRate: 0.05, momentum: 0.9, seed: 0,
    lrMilestones: epochs > 1 ? [epochs - 1] : undefined,
  };
  const rows: Array<{ name: string; config: TrainRunConfig }> = [
    { name: 'Natural', config: { ...base, method: 'natural' } },
    // MAT with SO and without BIBO: no inner attack, so it costs what natural training costs
    { name: 'MAT (FTC + SO, α=1)', config: { ...base, method: 'mat', methodOptions: { alpha: 1, beta: 0 } } },
  ];
  const table: string[] = [];
  const testSubset = await loadDataset('mnist', 'test', { subset: pgdSubset, subsetSeed: 0 });
  // both attacks on every clean-correct example (independent mode), no sanity checks: a demo, not a report
  const plan = evaluationPlan({
    preset: 'mnist', attacks: ['pgd', 'apgd-dlr'], mode: 'independent', epsilons: [0.3],
    attackOptions: { pgd: { seed: 0 }, 'apgd-dlr': { nIter: 40, seed: 0 } },
  });
  for (const row of rows) {
    const runDir = path.join(runsDir, row.config.method);
    const existing = readTrainResults(runDir);
    const results = existing && JSON.stringify(existing.config) === JSON.stringify(row.config)
      ? (process.stderr.write(`${row.name}: reusing ${runDir}\n`), existing)
      : await trainWithProgress(row.config, runDir, true, row.name);
    const { model } = await loadRunClassifier(runDir);
    const { summary } = await evaluate({ model, data: testSubset, plan, sanity: false });
    model.model.dispose();
    const accuracy = (attack: string) => summary.fixed.find((s) => s.attack === attack)!.standaloneAccuracy!;
    const pct = (v: number) => `${(100 * v).toFixed(2).padStart(6)} %`;
    table.push(`| ${row.name.padEnd(22)} | ${pct(results.metrics.cleanTestAccuracy)} | ${pct(accuracy('pgd'))} | ` +
      `${pct(accuracy('apgd-dlr'))} | ${results.timings.trainSeconds.toFixed(0).padStart(5)} s |`);
  }
  process.stdout.write(`\nMNIST SmallCNN, ${epochs} epoch(s); clean on 10,000 test images; attacks (ε=0.3) on a seeded subset of ${pgdSubset}\n`);
  process.stdout.write(`| ${'Defense'.padEnd(22)} |  Clean   | PGD-40 CE | APGD-DLR | train   |\n|${'-'.repeat(24)}|----------|-----------|----------|---------|\n${table.join('\n')}\n`);
  process.stdout.write('PGD-40 CE far above APGD-DLR means masked cross-entropy gradients (saturated softmax), not robustness.\n');
  process.stdout.write(`\nResults and checkpoints: ${runsDir}/<method>/ (results.json has provenance).\n`);
}
