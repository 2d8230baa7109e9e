import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../helpers/backend';
import { attackNames, attacks, runAttack, type AttackName, type AttackOptionsMap } from '../../src/attacks';
import type { Classifier } from '../../src/models/classifier';
import { accuracy, asTarget, correct, l2Dists, maxLinf, quadrantData, range, tinyConvNet, trainedToy } from './fixtures';

// compile-time check: every Classifier is an AttackTarget
export const classifierIsAttackTarget = (c: Classifier): import('../../src/attacks').AttackTarget => c;

const EPS = 0.15;
/** Cheap settings per attack; the sweep fails if an attack is registered without an entry here. */
const sweep: { [N in AttackName]: AttackOptionsMap[N] } = {
  fgsm: { epsilon: EPS },
  pgd: { epsilon: EPS, stepSize: EPS / 8, steps: 20 },
  'adaptive-pgd': { epsilon: EPS, stepSize: EPS / 8, steps: 20 },
  'apgd-ce': { epsilon: EPS, nIter: 20 },
  'apgd-dlr': { epsilon: EPS, nIter: 20 },
  'apgd-t': { epsilon: EPS, nIter: 10, nTargetClasses: 3 },
  'apgd-adaptive': { epsilon: EPS, nIter: 20 },
  'cw-l2': { binarySearchSteps: 4, steps: 50 },
  ddn: { steps: 50 },
  square: { epsilon: EPS, nQueries: 300, seed: 1 },
  fab: { epsilon: EPS, nIter: 20 },
  'fab-t': { epsilon: EPS, nIter: 20, nTargetClasses: 3 },
};

/** L2 radius of the L2 sweep (8×8 images: the L∞ ball of 0.15 reaches 1.2 in L2). */
const EPS2 = 1.5;
/** The L2 sweep: every attack that accepts norm 'l2', with cheap settings. */
const sweepL2: Partial<{ [N in AttackName]: AttackOptionsMap[N] }> = {
  pgd: { norm: 'l2', epsilon: EPS2, steps: 20 },
  'adaptive-pgd': { norm: 'l2', epsilon: EPS2, steps: 20 },
  'apgd-ce': { norm: 'l2', epsilon: EPS2, nIter: 20 },
  'apgd-dlr': { norm: 'l2', epsilon: EPS2, nIter: 20 },
  'apgd-t': { norm: 'l2', epsilon: EPS2, nIter: 10, nTargetClasses: 3 },
  'apgd-adaptive': { norm: 'l2', epsilon: EPS2, nIter: 20 },
  square: { norm: 'l2', epsilon: EPS2, nQueries: 300, seed: 1 },
  fab: { norm: 'l2', epsilon: EPS2, nIter: 20 },
  'fab-t': { norm: 'l2', epsilon: EPS2, nIter: 20, nTargetClasses: 3 },
};

describe('attack registry sweep', () => {
  let toy: ReturnType<typeof trainedToy>;
  let clean: number;
  before(async () => {
    await useTestBackend();
    toy = trainedToy();
    clean = accuracy(toy.target, toy.x, toy.y);
  });
  after(() => {
    tf.dispose([toy.x, toy.y]);
    toy.model.dispose();
  });

  test('the toy model is accurate (so the attacks have something to break)', () => {
    assert.ok(clean >= 0.95, `clean accuracy ${clean}`);
  });

  test('every registered attack has sweep settings', () => {
    assert.deepEqual([...attackNames].sort(), Object.keys(sweep).sort());
  });

  for (const name of attackNames) {
    test(`${name}: valid images, contract of its kind, robust ≤ clean accuracy, no leaked tensors`, (t) => {
      const entry = attacks[name];
      const before = tf.memory().numTensors;
      const t0 = Date.now();
      const xAdv = runAttack(name, toy.target, toy.x, toy.y, sweep[name] as Record<string, unknown>);
      const ms = Date.now() - t0;
      assert.deepEqual(xAdv.shape, toy.x.shape);
      assert.equal(xAdv.dtype, 'float32');
      assert.ok(!toy.x.isDisposed && !toy.y.isDisposed, 'inputs must not be disposed');
      const [lo, hi] = range(xAdv);
      assert.ok(lo >= 0 && hi <= 1, `${name} left [0,1]: [${lo}, ${hi}]`);
      const robust = accuracy(toy.target, xAdv, toy.y);
      assert.ok(robust <= clean, `${name}: robust ${robust} > clean ${clean}`);
      assert.ok(robust < clean, `${name} did not fool a single point (robust ${robust}, clean ${clean})`);
      if (entry.kind === 'fixed-epsilon') {
        const linf = maxLinf(xAdv, toy.x);
        assert.ok(linf <= EPS + 1e-6, `${name} left the ε-ball: ‖δ‖∞ = ${linf}`);
      } else {
        // minimisation: each output is either adversarial or the original image
        const ok = correct(toy.target, xAdv, toy.y);
        const unchanged = tf.tidy(() => Array.from(xAdv.sub(toy.x).abs().reshape([xAdv.shape[0], -1]).max(1).dataSync()));
        ok.forEach((stillCorrect, i) => {
          if (stillCorrect) assert.ok(unchanged[i] <= 1e-5, `${name}: sample ${i} changed but not adversarial`);
        });
      }
      xAdv.dispose();
      assert.equal(tf.memory().numTensors, before, `${name} leaked ${tf.memory().numTensors - before} tensors`);
      // timing for the report (32 samples, 8×8×1, MLP 64-16-4)
      t.diagnostic(`${name}: ${ms} ms, robust accuracy ${robust.toFixed(3)} (clean ${clean.toFixed(3)})`);
    });
  }

  test('the L2 sweep covers exactly the attacks whose registry entry accepts L2 (fixed-ε ones)', () => {
    const l2 = attackNames.filter((n) => attacks[n].kind === 'fixed-epsilon' && attacks[n].norms.includes('l2'));
    assert.deepEqual(Object.keys(sweepL2).sort(), [...l2].sort());
  });

  for (const name of Object.keys(sweepL2) as AttackName[]) {
    test(`${name} under L2: inside B₂(x, ε) ∩ [0,1], fools some points, no leaked tensors`, (t) => {
      const before = tf.memory().numTensors;
      const xAdv = runAttack(name, toy.target, toy.x, toy.y, sweepL2[name] as Record<string, unknown>);
      const [lo, hi] = range(xAdv);
      assert.ok(lo >= 0 && hi <= 1, `${name} left [0,1]: [${lo}, ${hi}]`);
      const worst = Math.max(...l2Dists(xAdv, toy.x));
      assert.ok(worst <= EPS2 * (1 + 1e-5), `${name} left the L2 ball: ‖δ‖₂ = ${worst}`);
      const robust = accuracy(toy.target, xAdv, toy.y);
      assert.ok(robust < clean, `${name} (L2) did not fool a single point (robust ${robust}, clean ${clean})`);
      xAdv.dispose();
      assert.equal(tf.memory().numTensors, before, `${name} (L2) leaked ${tf.memory().numTensors - before} tensors`);
      t.diagnostic(`${name} L2 ε=${EPS2}: robust accuracy ${robust.toFixed(3)}, max ‖δ‖₂ ${worst.toFixed(3)}`);
    });
  }

  test('L2 needs an explicit ε, and unknown norms are rejected', () => {
    assert.throws(() => runAttack('apgd-ce', toy.target, toy.x, toy.y, { norm: 'l2' }), /needs an explicit epsilon/);
    assert.throws(() => runAttack('pgd', toy.target, toy.x, toy.y, { norm: 'l1', epsilon: 1 }), /unknown norm 'l1'.*linf, l2/);
  });

  test('every attack also runs on a tf.layers conv net, inside [0,1] and without leaks', () => {
    const model = tinyConvNet(5);
    const target = asTarget(model);
    const { x, y } = quadrantData(8, 5);
    const tiny: { [N in AttackName]: AttackOptionsMap[N] } = {
      fgsm: { epsilon: 0.1 },
      pgd: { epsilon: 0.1, steps: 3, restarts: 2 },
      'adaptive-pgd': { epsilon: 0.1, steps: 3 },
      'apgd-ce': { epsilon: 0.1, nIter: 5, restarts: 2 },
      'apgd-dlr': { epsilon: 0.1, nIter: 5 },
      'apgd-t': { epsilon: 0.1, nIter: 5, nTargetClasses: 2 },
      'apgd-adaptive': { epsilon: 0.1, nIter: 5, restarts: 2 },
      'cw-l2': { binarySearchSteps: 2, steps: 5 },
      ddn: { steps: 5 },
      square: { epsilon: 0.1, nQueries: 20, seed: 2 },
      fab: { epsilon: 0.1, nIter: 3, restarts: 2 },
      'fab-t': { epsilon: 0.1, nIter: 3, nTargetClasses: 2 },
    };
    for (const name of attackNames) {
      const before = tf.memory().numTensors;
      const xAdv = runAttack(name, target, x, y, tiny[name] as Record<string, unknown>);
      const [lo, hi] = range(xAdv);
      assert.ok(lo >= 0 && hi <= 1, `${name}: [${lo}, ${hi}]`);
      if (attacks[name].kind === 'fixed-epsilon') assert.ok(maxLinf(xAdv, x) <= 0.1 + 1e-6, name);
      xAdv.dispose();
      assert.equal(tf.memory().numTensors, before, `${name} leaked on the conv net`);
    }
    tf.dispose([x, y]);
    model.dispose();
  });

  test('unknown attack names throw a RangeError listing the valid ones', () => {
    assert.throws(
      () => runAttack('pgd-l2', toy.target, toy.x, toy.y),
      (e: unknown) => e instanceof RangeError && attackNames.every((n) => e.message.includes(n)) && e.message.includes('pgd-l2'),
    );
  });

  test('unknown option keys are rejected by every attack, naming the key and the valid ones', () => {
    for (const name of attackNames) {
      assert.throws(
        () => runAttack(name, toy.target, toy.x, toy.y, { bogusKey: 1 }),
        (e: unknown) => e instanceof RangeError && e.message.includes("'bogusKey'") && e.message.includes('valid options'),
        name,
      );
    }
    // the classic typo must not silently run the default ε
    assert.throws(() => runAttack('pgd', toy.target, toy.x, toy.y, { eps: 0.3 }), /unknown option 'eps'.*epsilon/);
  });

  test('invalid option values and presets are rejected', () => {
    assert.throws(() => runAttack('pgd', toy.target, toy.x, toy.y, { epsilon: -1 }), RangeError);
    assert.throws(() => runAttack('pgd', toy.target, toy.x, toy.y, { steps: 2.5 }), RangeError);
    assert.throws(() => runAttack('fgsm', toy.target, toy.x, toy.y, { preset: 'imagenet' }), /unknown preset 'imagenet'.*mnist, cifar10/);
    assert.throws(() => runAttack('apgd-ce', toy.target, toy.x, toy.y, { rho: 2 }), RangeError);
    assert.throws(() => runAttack('ddn', toy.target, toy.x, toy.y, { gamma: 1.5 }), RangeError);
    assert.throws(() => runAttack('pgd', toy.target, toy.x, toy.y, { target: 'most-likely' }), /unknown target/);
    // images outside [0,1] (e.g. 0–255 pixels) and mismatched labels are rejected by every attack
    const x255 = toy.x.mul(255) as tf.Tensor4D;
    const yShort = toy.y.slice([0], [3]) as tf.Tensor1D;
    for (const name of attackNames) {
      assert.throws(() => runAttack(name, toy.target, x255, toy.y), /must lie in \[0, 1\]/, name);
      assert.throws(() => runAttack(name, toy.target, toy.x, yShort), TypeError, name);
    }
    tf.dispose([x255, yShort]);
  });
});
