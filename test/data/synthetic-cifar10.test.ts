// The synthetic CIFAR-10 folder (src/data/synthetic-cifar10.ts, scripts/make-cifar10-fixture.mjs): the archive's
// exact layout, read back by the real loader; seeded; learnable class signal; never written over a folder it
// did not write.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import {
  CIFAR10_CLASS_NAMES, CIFAR10_RECORD_BYTES, DatasetError, SYNTHETIC_CIFAR10_MARKER, classCounts, loadDataset, writeSyntheticCifar10,
  type Dataset,
} from '../../src/data';
import { projectRoot } from '../../src/io/paths';
import { makeTempDir } from './fixtures';

const tmp = makeTempDir('mat-synthetic-cifar-');
after(() => tmp.cleanup());
const at = (name: string) => path.join(tmp.dir, name);

test('synthetic CIFAR-10: the archive\'s six batch files and batches.meta.txt, read back by the CIFAR-10 loader', async () => {
  const r = writeSyntheticCifar10(at('layout'), { perTrainBatch: 20, testCount: 30, seed: 3 });
  assert.equal(r.dir, path.join(at('layout'), 'cifar-10-batches-bin'));
  assert.deepEqual(readdirSync(r.dir).sort(), [
    'batches.meta.txt', 'data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin',
    SYNTHETIC_CIFAR10_MARKER, 'test_batch.bin',
  ]);
  for (let b = 1; b <= 5; b++) assert.equal(readFileSync(path.join(r.dir, `data_batch_${b}.bin`)).length, 20 * CIFAR10_RECORD_BYTES);
  assert.equal(readFileSync(path.join(r.dir, 'test_batch.bin')).length, 30 * CIFAR10_RECORD_BYTES);
  assert.deepEqual(readFileSync(path.join(r.dir, 'batches.meta.txt'), 'utf8').split('\n').filter(Boolean), [...CIFAR10_CLASS_NAMES]);
  const marker = JSON.parse(readFileSync(path.join(r.dir, SYNTHETIC_CIFAR10_MARKER), 'utf8'));
  assert.deepEqual({ ...marker, note: undefined }, { kind: 'mat-synthetic-cifar10', perTrainBatch: 20, testCount: 30, seed: 3, note: undefined });

  const train = await loadDataset('cifar10', 'train', { dir: at('layout') });
  const testSplit = await loadDataset('cifar10', 'test', { dir: r.dir });
  assert.equal(train.count, 100);
  assert.equal(testSplit.count, 30);
  assert.deepEqual(Array.from(classCounts(train)), new Array(10).fill(10), 'each training file holds every class equally');
  assert.ok(Array.from(classCounts(testSplit)).every((c) => c === 3));
  // a short split is named when a subset does not fit it
  await assert.rejects(loadDataset('cifar10', 'test', { dir: r.dir, subset: 31 }), /cifar10 test: a subset of 31 examples was asked for, but the split has only 30/);
});

/** Nearest class mean of the per-image mean colour, brightness removed: the signal a model picks up first. */
function nearestMeanAccuracy(train: Dataset, testSplit: Dataset): number {
  const meanColour = (d: Dataset, i: number) => {
    const c = [0, 0, 0];
    for (let p = 0; p < 1024; p++) for (let k = 0; k < 3; k++) c[k] += d.images[i * 3072 + p * 3 + k] / 1024;
    const grey = (c[0] + c[1] + c[2]) / 3;
    return c.map((v) => v - grey);
  };
  const centres = Array.from({ length: 10 }, () => [0, 0, 0]);
  const counts = classCounts(train);
  for (let i = 0; i < train.count; i++) meanColour(train, i).forEach((v, k) => { centres[train.labels[i]][k] += v / counts[train.labels[i]]; });
  let correct = 0;
  for (let i = 0; i < testSplit.count; i++) {
    const c = meanColour(testSplit, i);
    const dist = centres.map((m) => m.reduce((s, v, k) => s + (v - c[k]) ** 2, 0));
    if (dist.indexOf(Math.min(...dist)) === testSplit.labels[i]) correct++;
  }
  return correct / testSplit.count;
}

test('synthetic CIFAR-10: classes are learnable (mean colour alone) but single pixels are noisy', async () => {
  const r = writeSyntheticCifar10(at('signal'), { perTrainBatch: 20, testCount: 100 });
  const train = await loadDataset('cifar10', 'train', { dir: r.dir });
  const testSplit = await loadDataset('cifar10', 'test', { dir: r.dir });
  const accuracy = nearestMeanAccuracy(train, testSplit);
  assert.ok(accuracy > 0.9, `the per-class colour separates the classes (nearest mean: ${accuracy})`);
  // two images of one class still differ pixel by pixel (noise, stripe phase)
  const same = Array.from(testSplit.labels).map((y, i) => [y, i]).filter(([y]) => y === testSplit.labels[0]).map(([, i]) => i);
  let diff = 0;
  for (let p = 0; p < 3072; p++) diff += Math.abs(testSplit.images[same[0] * 3072 + p] - testSplit.images[same[1] * 3072 + p]);
  assert.ok(diff / 3072 > 0.1, `mean absolute pixel difference within a class ${diff / 3072}`);
});

test('synthetic CIFAR-10 is seeded: same options → same bytes; the test file does not depend on the training size', () => {
  const bytes = (dir: string, f: string) => readFileSync(path.join(dir, f));
  const a = writeSyntheticCifar10(at('seed-a'), { perTrainBatch: 4, testCount: 5, seed: 7 }).dir;
  const b = writeSyntheticCifar10(at('seed-b'), { perTrainBatch: 4, testCount: 5, seed: 7 }).dir;
  const c = writeSyntheticCifar10(at('seed-c'), { perTrainBatch: 4, testCount: 5, seed: 8 }).dir;
  const d = writeSyntheticCifar10(at('seed-d'), { perTrainBatch: 9, testCount: 5, seed: 7 }).dir;
  for (const f of ['data_batch_1.bin', 'data_batch_5.bin', 'test_batch.bin']) assert.ok(bytes(a, f).equals(bytes(b, f)), f);
  assert.ok(!bytes(a, 'data_batch_1.bin').equals(bytes(c, 'data_batch_1.bin')), 'another seed, other images');
  assert.ok(!bytes(a, 'data_batch_1.bin').equals(bytes(a, 'data_batch_2.bin')), 'batch files differ from each other');
  assert.ok(bytes(a, 'test_batch.bin').equals(bytes(d, 'test_batch.bin')));
});

test('synthetic CIFAR-10 never overwrites a folder it did not write; rewrites its own', () => {
  const real = path.join(at('real'), 'cifar-10-batches-bin');
  mkdirSync(real, { recursive: true });
  writeFileSync(path.join(real, 'data_batch_1.bin'), 'real data');
  const refused = (parent: string, re: RegExp) => assert.throws(() => writeSyntheticCifar10(parent, { perTrainBatch: 1, testCount: 1 }),
    (e: unknown) => e instanceof DatasetError && e.problem === 'would-overwrite' && re.test(e.message));
  refused(at('real'), new RegExp(`^${real}: holds files this generator did not write \\(no ${SYNTHETIC_CIFAR10_MARKER}`));
  assert.equal(readFileSync(path.join(real, 'data_batch_1.bin'), 'utf8'), 'real data', 'left as it was');

  mkdirSync(at('file'));
  writeFileSync(path.join(at('file'), 'cifar-10-batches-bin'), 'x');
  refused(at('file'), /is not a folder/);

  const own = writeSyntheticCifar10(at('own'), { perTrainBatch: 1, testCount: 1 });
  const again = writeSyntheticCifar10(at('own'), { perTrainBatch: 2, testCount: 3 });
  assert.equal(again.dir, own.dir);
  assert.equal(readFileSync(path.join(own.dir, 'test_batch.bin')).length, 3 * CIFAR10_RECORD_BYTES);
  writeFileSync(path.join(own.dir, 'notes.txt'), 'mine');
  refused(at('own'), /also holds notes\.txt/);

  mkdirSync(path.join(at('empty'), 'cifar-10-batches-bin'), { recursive: true });
  assert.equal(writeSyntheticCifar10(at('empty'), { perTrainBatch: 1, testCount: 1 }).test, 1, 'an empty folder may be filled');
  assert.throws(() => writeSyntheticCifar10(at('bad'), { perTrainBatch: 0 }), /perTrainBatch must be an integer in 1\.\.10000 .*got 0/);
  assert.throws(() => writeSyntheticCifar10(at('bad'), { testCount: 2.5 }), /testCount/);
  assert.ok(!existsSync(at('bad')), 'bad options write nothing');
});

test('scripts/make-cifar10-fixture.mjs: writes the folder and names it; refuses a foreign folder with exit status 2', () => {
  const script = path.join(projectRoot(), 'scripts', 'make-cifar10-fixture.mjs');
  const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  const ok = run('--out', at('script'), '--per-batch', '3', '--test', '4', '--seed', '1');
  assert.equal(ok.status, 0, ok.stderr);
  const dir = path.join(at('script'), 'cifar-10-batches-bin');
  assert.match(ok.stdout, new RegExp(`wrote 15 training and 4 test images \\(synthetic\\) to ${dir}\\n  MAT_CIFAR10_DIR=${dir}\\n`));
  assert.equal(readFileSync(path.join(dir, 'test_batch.bin')).length, 4 * CIFAR10_RECORD_BYTES);
  const foreign = run('--out', at('real'));
  assert.equal(foreign.status, 2);
  assert.match(foreign.stderr, /refusing to overwrite it/);
  const bad = run('--out', at('script2'), '--per-batch', 'many');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--per-batch needs an integer, got 'many'/);
  assert.equal(run('--per-batch', '3').status, 2, '--out is required');
});
