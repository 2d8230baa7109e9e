import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useTestBackend } from '../helpers/backend';
import { assertSameWrn, parseTorchSmallCnnLine, parseTorchWrnLine, type TorchWrnPeerResult } from '../../src/bench';
import { formatTorchWrnLines } from '../../src/cli/bench-command';
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

test('formatTorchWrnLines prints the torch WRN figures and the tfjs/torch ratios, or why the peer is unavailable', () => {
  const sample = (median: number) => ({ median, min: median, max: median, samples: [median] });
  const wrn = { trainImagesPerSecond: sample(125), pgdStepImagesPerSecond: sample(305) };
  const lines = formatTorchWrnLines(wrn, torchWrn()).trimEnd().split('\n');
  assert.equal(lines.length, 2);
  assert.equal(lines[0], 'torch 1.13.0a0 (2 threads)  wrn_16_1 (179226 params + 928 BN statistics) batch 32: train 250 img/s, input-gradient 610 img/s');
  assert.equal(lines[1], 'ratio tfjs/torch wrn: train 0.50, input-gradient 0.50');
  assert.equal(formatTorchWrnLines(wrn, { unavailable: 'python3-torch is not installed (apt-get install python3-torch)' }),
    'PyTorch WRN peer: python3-torch is not installed (apt-get install python3-torch)\n');
});
