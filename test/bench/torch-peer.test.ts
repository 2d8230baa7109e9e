import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useTestBackend } from '../helpers/backend';
import { assertSameWrn, parseTorchSmallCnnLine, parseTorchWrnLine, type TorchWrnPeerResult } from '../../src/bench';
import { formatSummary } from '../../src/cli/bench-command';
import { createClassifier, WRN_CPU_DEFAULT } from '../../src/models';

before(async () => {
  await useTestBackend();
});

// what bench/torch_wrn.py prints for WRN-16-1, batch 32 (torch 1.13, Debian)
const WRN_LINE = 'torch 1.13.0a0 threads=2 arch=wrn_16_1 batch=32 params=179226 bn_stats=928 train_img_s=250 input_grad_img_s=610\n';
const SMALLCNN_LINE = 'torch 1.13.0a0 threads=2 train_img_s=2078 pgd_step_img_s=2888\n';

const torchWrn = (over: Partial<TorchWrnPeerResult> = {}): TorchWrnPeerResult => ({ ...parseTorchWrnLine(WRN_LINE)!, ...over });

test('parseTorchWrnLine reads every field of bench/torch_wrn.py\'s line', () => {
  assert.deepEqual(parseTorchWrnLine(`some warning\n${WRN_LINE}`), {
    version: '1.13.0a0', threads: 2, arch: 'wrn_16_1', batchSize: 32, parameters: 179_226, bnStatistics: 928,
    trainImagesPerSecond: 250, inputGradientImagesPerSecond: 610,
  });
});

test('the two peers\' lines are not mistaken for each other; garbage parses to undefined', () => {
  assert.equal(parseTorchWrnLine(SMALLCNN_LINE), undefined);
  assert.deepEqual(parseTorchSmallCnnLine(SMALLCNN_LINE), { version: '1.13.0a0', threads: 2, trainImagesPerSecond: 2078, pgdStepImagesPerSecond: 2888 });
  assert.equal(parseTorchWrnLine('Traceback (most recent call last):'), undefined);
  assert.equal(parseTorchWrnLine(WRN_LINE.replace('bn_stats=928 ', '')), undefined);
});

test('the tfjs WRN-16-1 the bench measures has the counts bench/torch_wrn.py prints (179,226 trainable + 928 BN statistics)', () => {
  const m = createClassifier('wrn', { seed: 1, ...WRN_CPU_DEFAULT });
  const tfjs = {
    name: m.model.name, batchSize: 32, parameters: m.model.countParams(),
    trainableParameters: m.trainableVariables().reduce((n, v) => n + v.size, 0),
  };
  m.dispose();
  assert.deepEqual(tfjs, { name: 'wrn_16_1', batchSize: 32, parameters: 180_154, trainableParameters: 179_226 });
  assert.doesNotThrow(() => assertSameWrn(tfjs, torchWrn()));
});

test('assertSameWrn fails loudly, naming both counts, when the networks differ', () => {
  const tfjs = { name: 'wrn_16_1', batchSize: 32, parameters: 180_154, trainableParameters: 179_226 };
  assert.throws(() => assertSameWrn(tfjs, torchWrn({ parameters: 179_216 })), /trainable parameters tfjs 179226 vs torch 179216/);
  // same trainable count but different BN statistics (e.g. a BN missing on one side, a bias added on the other)
  assert.throws(() => assertSameWrn(tfjs, torchWrn({ bnStatistics: 896 })), /all weights tfjs 180154 vs torch 179226 \+ 896/);
  assert.throws(() => assertSameWrn(tfjs, torchWrn({ arch: 'wrn_10_1' })), /architecture tfjs wrn_16_1 vs torch wrn_10_1/);
  assert.throws(() => assertSameWrn(tfjs, torchWrn({ batchSize: 128 })), /batch tfjs 32 vs torch 128/);
});

test('formatSummary compares the best setting of each backend with PyTorch\'s best, and names fallbacks', () => {
  const sample = (median: number) => ({ median, min: median, max: median, samples: [median] });
  const ours = (backend: string, threads: number, train: number, pgd: number, fallbacks: Record<string, number> = {}) => ({
    backend, threads, description: backend, fallbacks,
    smallcnn: { arch: 'smallcnn', modelName: 'smallcnn', batchSize: 128, parameters: 1, trainableParameters: 1, trainImagesPerSecond: sample(train), pgdStepImagesPerSecond: sample(pgd) },
  });
  const peer = (threads: number, train: number, pgd: number) => ({
    peer: 'pytorch' as const, threads, smallcnn: { version: '1.13', threads, trainImagesPerSecond: train, pgdStepImagesPerSecond: pgd },
  });
  const text = formatSummary({
    ours: [ours('torch', 1, 1500, 2000), ours('torch', 2, 1800, 1900), ours('wasm', 1, 400, 700, { Atanh: 3 })],
    unavailable: [], peer: [peer(1, 1100, 1500), peer(2, 2000, 2500)],
  });
  const lines = text.trimEnd().split('\n');
  assert.match(lines[1], /SmallCNN train +torch 1800 \(2 t\) = 0\.90×, wasm 400 \(1 t\) = 0\.20× +vs PyTorch 2000 \(2 t\)/);
  assert.match(lines[2], /SmallCNN PGD step +torch 2000 \(1 t\) = 0\.80×, wasm 700 \(1 t\) = 0\.28× +vs PyTorch 2500 \(2 t\)/);
  assert.equal(lines.length, 4, 'no WRN lines without WRN figures');
  assert.match(lines[3], /cpu fallbacks hit in the timed steps: wasm\/1t Atanh/);
});
