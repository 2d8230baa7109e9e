import { loadDataset } from '../data';
import { accuracy } from '../eval/predict';
import { loadRunClassifier } from '../run/train-run';
import { numberFlag, parseFlags, UsageError, type FlagSpec } from './args';

export const EVAL_HELP = `mat eval — clean test accuracy of a trained model

  --run DIR          run folder (or its checkpoint folder)
  --test-subset N    evaluate on a seeded subset of N test examples
  --backend NAME     node-gpu | node | wasm | cpu
`;

export const EVAL_FLAGS: FlagSpec = {
  run: { type: 'string' }, 'test-subset': { type: 'string' }, backend: { type: 'string' }, help: { type: 'boolean' },
};

export async function evalCommand(argv: string[]): Promise<void> {
  const v = parseFlags(argv, EVAL_FLAGS, 'eval');
  if (!v.run) throw new UsageError('--run DIR is required');
  const { model, config } = await loadRunClassifier(String(v.run));
  const data = await loadDataset(config?.dataset ?? 'mnist', 'test', { subset: numberFlag(v, 'test-subset', { integer: true, min: 1 }) });
  const acc = await accuracy(model, data);
  process.stdout.write(`clean test accuracy ${(100 * acc).toFixed(2)} % on ${data.count} examples\n`);
}
