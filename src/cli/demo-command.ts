import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadDataset } from '../data';
import { evaluate, evaluationPlan, type EvaluationPlan } from '../eval';
import { writeJsonAtomic } from '../io/json';
import type { TrainRunConfig, TrainRunResults } from '../run/config';
import { loadRunClassifier, readTrainResults } from '../run/load';
import { numberFlag, parseFlags, type CommandContext, type FlagSpec } from './args';
import { JobProgress } from './job-progress';
import { alignedTable } from './text-table';
import { trainWithProgress } from './train-command';
import { BACKEND_NAMES } from '../backend';

export const DEMO_HELP = `mat demo — what \`npm start\` runs: natural vs MAT(SO) SmallCNN on full MNIST, two epochs each
(Adam 1e-3, ×0.1 for the last, as the cpu profile), then a small Table-2-style comparison: clean accuracy on the 10k test
set, and on a test subset PGD-40 (ε=0.3, cross-entropy) beside APGD-DLR (ε=0.3, 40 iterations), whose
scale-free margin loss does not vanish when the softmax saturates — so a large gap between the two columns
means the CE gradient is masked, not that the model is robust.
One progress line covers the whole job (model, phase, overall ETA). Finished runs under --runs-dir are reused
(delete the folder to retrain) and so are their evaluations (demo-evaluation.json, keyed by the trained
weights and the attack plan), so a second run prints the table in seconds.

  --epochs N         epochs per model (default 2)
  --pgd-subset N     test examples attacked (default 1000)
  --runs-dir DIR     (default runs/demo)
  --backend NAME     ${BACKEND_NAMES.join(' | ')}
`;

export const DEMO_FLAGS: FlagSpec = {
  epochs: { type: 'string' }, 'pgd-subset': { type: 'string' }, 'runs-dir': { type: 'string' }, backend: { type: 'string' }, help: { type: 'boolean' },
};

/** The demo's evaluation of one run, cached beside it. */
interface DemoEvaluation { kind: 'demo-evaluation'; key: string; examples: number; accuracy: Record<string, number>; seconds: number }
const DEMO_EVAL_FILE = 'demo-evaluation.json';

/** Key of an evaluation: the trained run (its results.json, rewritten by every training) and the attack plan. */
function evaluationKey(runDir: string, plan: EvaluationPlan, subset: number): string {
  const results = fs.readFileSync(path.join(runDir, 'results.json'));
  return createHash('sha256').update(results).update(JSON.stringify({ plan, subset, subsetSeed: 0 })).digest('hex');
}

/** The cached evaluation of a run, or undefined (none, or unreadable: then it is recomputed and rewritten). */
function readDemoEvaluation(runDir: string): DemoEvaluation | undefined {
  try {
    const value = JSON.parse(fs.readFileSync(path.join(runDir, DEMO_EVAL_FILE), 'utf8')) as DemoEvaluation;
    return value?.kind === 'demo-evaluation' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Work units (see JobProgress): a clean forward pass costs ⅓ of a forward+backward pass. */
const CLEAN_UNIT = 1 / 3;

export async function demoCommand(argv: string[], ctx: CommandContext = {}): Promise<void> {
  const v = parseFlags(argv, DEMO_FLAGS, 'demo');
  const epochs = numberFlag(v, 'epochs', { integer: true, min: 1 }) ?? 2;
  const pgdSubset = numberFlag(v, 'pgd-subset', { integer: true, min: 1 }) ?? 1000;
  const runsDir = String(v['runs-dir'] ?? path.join('runs', 'demo'));
  await ctx.startBackend?.();
  const base = {
    dataset: 'mnist' as const, arch: 'smallcnn' as const, epochs, batchSize: 128, optimizer: 'adam' as const, learningRate: 1e-3, seed: 0,
    lrMilestones: epochs > 1 ? [epochs - 1] : undefined,
  };
  const rows: Array<{ name: string; config: TrainRunConfig }> = [
    { name: 'Natural', config: { ...base, method: 'natural' } },
    // MAT with SO and without BIBO: no inner attack, so it costs what natural training costs
    { name: 'MAT (FTC + SO, α=1)', config: { ...base, method: 'mat', methodOptions: { alpha: 1, beta: 0 } } },
  ];
  const testSubset = await loadDataset('mnist', 'test', { subset: pgdSubset, subsetSeed: 0 });
  // both attacks on every clean-correct example (independent mode), no sanity checks: a demo, not a report
  const iterations = { pgd: 40, 'apgd-dlr': 40 };
  const plan = evaluationPlan({
    preset: 'mnist', attacks: ['pgd', 'apgd-dlr'], mode: 'independent', epsilons: [0.3],
    attackOptions: { pgd: { seed: 0 }, 'apgd-dlr': { nIter: iterations['apgd-dlr'], seed: 0 } },
  });
  const trainUnits = epochs * 60_000;
  const evalUnits = pgdSubset * (CLEAN_UNIT + iterations.pgd + iterations['apgd-dlr']);
  const job = new JobProgress(rows.length * (trainUnits + evalUnits));
  const table: string[][] = [];
  for (const [i, row] of rows.entries()) {
    const model = `${i + 1}/${rows.length} ${row.name}`;
    const runDir = path.join(runsDir, row.config.method);
    const existing = readTrainResults(runDir);
    let results: TrainRunResults;
    if (existing && JSON.stringify(existing.config) === JSON.stringify(row.config)) {
      job.note(`${row.name}: reusing ${runDir}`);
      job.skip(trainUnits);
      results = existing;
    } else {
      job.begin(model, 'train');
      results = await trainWithProgress(row.config, runDir, true, row.name, undefined, job);
    }
    const key = evaluationKey(runDir, plan, pgdSubset);
    let evaluation = readDemoEvaluation(runDir);
    if (evaluation?.key === key) {
      job.note(`${row.name}: reusing its evaluation (${path.join(runDir, DEMO_EVAL_FILE)})`);
      job.skip(evalUnits);
    } else {
      const { model: classifier } = await loadRunClassifier(runDir);
      const started = performance.now();
      let phase = '';
      const { summary } = await evaluate({
        model: classifier, data: testSubset, plan, sanity: false,
        onProgress: (p) => {
          const attack = p.key.split('@')[0] as keyof typeof iterations;
          const cost = p.phase === 'clean' ? CLEAN_UNIT : iterations[attack] ?? 40;
          const name = p.phase === 'clean' ? 'clean accuracy' : `${p.key} (${iterations[attack] ?? '?'} iterations, ε=0.3)`;
          if (name !== phase) {
            phase = name;
            job.begin(model, `evaluate ${name}`);
          }
          job.update(p.done * cost, `${p.done}/${p.total} images`);
        },
      });
      classifier.model.dispose();
      const accuracy = Object.fromEntries(summary.fixed.map((s) => [s.attack, s.standaloneAccuracy!]));
      evaluation = { kind: 'demo-evaluation', key, examples: pgdSubset, accuracy, seconds: (performance.now() - started) / 1000 };
      writeJsonAtomic(path.join(runDir, DEMO_EVAL_FILE), evaluation);
    }
    const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
    table.push([row.name, pct(results.metrics.cleanTestAccuracy), pct(evaluation.accuracy.pgd), pct(evaluation.accuracy['apgd-dlr']),
      `${results.timings.trainSeconds.toFixed(0)} s`]);
  }
  job.finish();
  process.stdout.write(`\nMNIST SmallCNN, ${epochs} epoch(s); clean on 10,000 test images; attacks (ε=0.3, L∞) on a seeded subset of ${pgdSubset}\n`);
  process.stdout.write(alignedTable(['Defense', 'Clean', 'PGD-40 CE', 'APGD-DLR', 'train time'], table));
  process.stdout.write('PGD-40 CE far above APGD-DLR means masked cross-entropy gradients (saturated softmax), not robustness.\n');
  process.stdout.write(`\nResults and checkpoints: ${runsDir}/<method>/ (results.json has provenance).\n`);
}
