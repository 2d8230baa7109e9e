import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  differenceNoiseBound,
  evaluate,
  evaluationPlan,
  inProcessExecutor,
  runSanityChecks,
  sanityIndices,
  type EvalExecutor,
  type EvalResults,
  type SanityCheckId,
} from '../../src/eval';
import { signKernelKeepsTinyValues } from '../../src/eval/sanity';
import { flagsToCodes } from '../../src/eval/sample-codes';
import type { Dataset } from '../../src/data';
import type { Classifier } from '../../src/models';
import { maskedModel, toyDataset, trainedToyClassifier, useEvalTestBackend } from './fixtures';

const status = (r: EvalResults, id: SanityCheckId) => r.sanity?.checks.find((c) => c.id === id)?.status;

describe('sanity checks: fire on a gradient-masked model, silent on an honest one', () => {
  let honest: Classifier;
  let surrogate: Classifier;
  let data: Dataset;
  // toy-sized PGD (the toy needs ε ≈ 0.2 to be broken; 10 steps of 0.05 reach the whole ball)
  const plan = evaluationPlan({ attacks: ['pgd'], epsilons: [0.3], attackOptions: { pgd: { steps: 10, stepSize: 0.05 } } });
  before(async () => {
    await useEvalTestBackend();
    honest = trainedToyClassifier(5);
    surrogate = trainedToyClassifier(9);
    data = toyDataset(64, 31);
  });
  after(() => {
    honest.model.dispose();
    surrogate.model.dispose();
  });

  test('honest model: every check passes, no warnings', async () => {
    const r = await evaluate({ model: honest, data, plan, surrogate, surrogateLabel: 'toy-natural', sanity: { examples: 32 } });
    assert.ok(r.summary.cleanAccuracy > 0.9);
    assert.ok(r.summary.sweep[0].accuracy < 0.1, `PGD must break the honest toy at ε=0.3 (got ${r.summary.sweep[0].accuracy})`);
    for (const c of r.sanity!.checks) {
      if (c.id === 'backend-sign') continue; // about the backend, not the model: see its own test
      assert.equal(c.status, 'pass', `${c.id}: ${c.message}`);
    }
    assert.equal(r.sanity!.indices.length, 32);
    assert.deepEqual(r.warnings, []);
  });

  test('masked model (binarising step in front, zero gradients): looks robust, and the checks say why', async () => {
    const masked = maskedModel(honest);
    const r = await evaluate({ model: masked, data, plan, surrogate, surrogateLabel: 'toy-natural', sanity: { examples: 32 } });
    assert.ok(r.summary.cleanAccuracy > 0.9, `masked clean accuracy ${r.summary.cleanAccuracy}`);
    assert.ok(r.summary.sweep[0].accuracy > 0.5, `white-box PGD is blind on the masked model (got ${r.summary.sweep[0].accuracy})`);
    assert.equal(status(r, 'large-epsilon'), 'warn');
    assert.equal(status(r, 'transfer'), 'warn');
    assert.equal(status(r, 'zero-gradient'), 'warn');
    assert.equal(status(r, 'softmax-output'), 'pass');
    const transfer = r.sanity!.checks.find((c) => c.id === 'transfer')!;
    assert.ok((transfer.values.transferAccuracy as number) < (transfer.values.whiteBoxAccuracy as number));
    // every warning is in the results, in words
    assert.ok(r.warnings.some((w) => w.includes("'large-epsilon'") && w.includes('gradient masking')));
    assert.ok(r.warnings.length >= 3);
  });

  test('transfer check is skipped (not passed) without a surrogate', async () => {
    const r = await evaluate({ model: honest, data, plan, sanity: { examples: 16 } });
    assert.equal(status(r, 'transfer'), 'skipped');
  });

  test('more-steps fires when a stronger PGD leaves more points robust than the plan\'s PGD', async () => {
    // a fake executor: the plan's PGD breaks everything, the stronger one nothing — as a broken attack would
    const inner = inProcessExecutor(honest, data);
    const fake: EvalExecutor = {
      ...inner,
      run: async (task, indices) => {
        if (task.kind === 'attack' && task.step.key.endsWith('+stronger')) return { success: new Uint8Array(indices.length), seconds: 0 };
        if (task.kind === 'attack' && task.step.key === 'pgd@0.3') return { success: new Uint8Array(indices.length).fill(1), seconds: 0 };
        return inner.run(task, indices);
      },
    };
    const cleanCodes = flagsToCodes(new Array(64).fill(1));
    const report = await runSanityChecks({ model: honest, data, plan, cleanCodes, executor: fake }, { examples: 20 });
    const more = report.checks.find((c) => c.id === 'more-steps')!;
    assert.equal(more.status, 'warn');
    assert.equal(more.values.baseAccuracy, 0);
    assert.equal(more.values.strongerAccuracy, 1);
    assert.ok(report.warnings.some((w) => w.includes("'more-steps'")));
    // and stays quiet for a one-example difference (noise)
    let flip = true;
    const noisy: EvalExecutor = {
      ...inner,
      run: async (task, indices) => {
        if (task.kind === 'attack' && task.step.key.endsWith('+stronger')) {
          const s = new Uint8Array(indices.length).fill(1);
          if (flip) { s[0] = 0; flip = false; }
          return { success: s, seconds: 0 };
        }
        if (task.kind === 'attack' && task.step.key === 'pgd@0.3') return { success: new Uint8Array(indices.length).fill(1), seconds: 0 };
        return inner.run(task, indices);
      },
    };
    const quiet = await runSanityChecks({ model: honest, data, plan, cleanCodes, executor: noisy }, { examples: 20 });
    assert.equal(quiet.checks.find((c) => c.id === 'more-steps')!.status, 'pass');
  });

  test('softmax outputs are flagged', async () => {
    const probs = { logits: (x: tf.Tensor4D) => tf.tidy(() => tf.softmax(honest.logits(x, false)) as tf.Tensor2D) };
    const cleanCodes = flagsToCodes(new Array(64).fill(1));
    const report = await runSanityChecks({ model: probs, data, plan, cleanCodes, executor: inProcessExecutor(probs, data) }, { examples: 8 });
    assert.equal(report.checks.find((c) => c.id === 'softmax-output')!.status, 'warn');
  });

  test('backend-sign reports the backend\'s Sign kernel truthfully', async () => {
    const exact = tf.tidy(() => tf.tensor1d([1e-10]).sign().dataSync()[0] === 1);
    assert.equal(signKernelKeepsTinyValues(), exact);
    const r = await evaluate({ model: honest, data, plan, sanity: { examples: 8 } });
    const c = r.sanity!.checks.find((x) => x.id === 'backend-sign')!;
    assert.equal(c.values.signKernelExact, exact);
    // the honest toy is not saturated, so even an inexact kernel does not matter for it
    assert.equal(c.status, 'pass');
  });

  test('noise bound and subset choice', () => {
    assert.equal(differenceNoiseBound(0, 0, 100), 0.01, 'never below one example');
    assert.ok(Math.abs(differenceNoiseBound(0.5, 0.5, 100) - 2 * Math.sqrt(0.5 / 100)) < 1e-12);
    const codes = '1101101111';
    const idx = sanityIndices(codes, 4, 0);
    assert.equal(idx.length, 4);
    assert.ok(idx.every((i) => codes[i] === '1'));
    assert.deepEqual(idx, [...idx].sort((a, b) => a - b));
    assert.deepEqual(sanityIndices(codes, 4, 0), idx, 'seeded');
    assert.equal(sanityIndices(codes, 100, 0).length, 8);
  });
});
