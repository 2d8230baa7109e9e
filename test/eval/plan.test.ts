import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluationPlan, epsilonLabel, planSteps } from '../../src/eval';
import { evalFileName } from '../../src/eval/run-eval';

test('MNIST defaults: PGD-40, ε 0.3 (step and steps from the preset), random start, seed 0', () => {
  const plan = evaluationPlan();
  assert.equal(plan.preset, 'mnist');
  assert.deepEqual(plan.epsilons, [0.3]);
  assert.deepEqual(plan.fixed.map((s) => s.key), ['pgd@0.3']);
  assert.deepEqual(plan.fixed[0].options, { preset: 'mnist', epsilon: 0.3, seed: 0 });
  assert.equal(plan.mode, 'cascade');
  assert.equal(evaluationPlan({ preset: 'cifar10' }).epsilons[0], 8 / 255);
  // every dataset is a preset with its own threat model: Fashion-MNIST's ε is 0.1 (it was MNIST's 0.3 before)
  assert.equal(evaluationPlan({ preset: 'fashion-mnist' }).epsilons[0], 0.1);
});

test('steps are ordered by ε ascending then by attack; minimisation attacks are separate', () => {
  const plan = evaluationPlan({ attacks: ['fgsm', 'cw-l2', 'pgd', 'ddn'], epsilons: [0.3, 0.1], attackOptions: { pgd: { steps: 7, epsilon: 9 }, ddn: { steps: 3 } } });
  assert.deepEqual(plan.epsilons, [0.1, 0.3]);
  assert.deepEqual(plan.fixed.map((s) => s.key), ['fgsm@0.1', 'pgd@0.1', 'fgsm@0.3', 'pgd@0.3']);
  assert.equal(plan.fixed[1].options.steps, 7);
  assert.equal(plan.fixed[1].options.epsilon, 0.1, 'the step ε wins over an option');
  assert.deepEqual(plan.minimization.map((s) => [s.key, s.kind, s.norm]), [['cw-l2', 'minimization', 'l2'], ['ddn', 'minimization', 'l2']]);
  assert.deepEqual(plan.minimization[1].options, { steps: 3 });
  assert.equal(planSteps(plan).length, 6);
  assert.equal(evalFileName(plan, 500), 'eval-fgsm+pgd+cw-l2+ddn-eps0.1,0.3-n500.json');
});

test('adaptive PGD takes its objective from the training method and the run\'s weights', () => {
  const mat = evaluationPlan({ attacks: ['adaptive-pgd'], method: 'mat', methodSettings: { alpha: 1, beta: 0 } });
  assert.deepEqual(mat.fixed[0].objective, { name: 'mat', options: { alpha: 1, beta: 0 } });
  const trades = evaluationPlan({ attacks: ['adaptive-pgd'], method: 'trades', methodSettings: { beta: 6 } });
  assert.deepEqual(trades.fixed[0].objective, { name: 'trades', options: { beta: 6 } });
  assert.deepEqual(evaluationPlan({ attacks: ['adaptive-pgd'] }).fixed[0].objective, { name: 'ce', options: {} });
  assert.equal(evaluationPlan({ attacks: ['pgd'], method: 'mat' }).fixed[0].objective, undefined);
});

test('bad plans throw RangeError naming what is valid', () => {
  assert.throws(() => evaluationPlan({ attacks: ['pgd', 'deepfool'] }), /unknown attack 'deepfool'; valid attacks: fgsm, pgd/);
  assert.throws(() => evaluationPlan({ attacks: ['pgd', 'pgd'] }), /twice/);
  assert.throws(() => evaluationPlan({ attacks: [] }), RangeError);
  assert.throws(() => evaluationPlan({ epsilons: [1.5] }), /in \[0, 1\]/);
  // L2: radii above 1 are fine, but they must be given, and every fixed-ε attack must take the norm
  const l2 = evaluationPlan({ norm: 'l2', epsilons: [2], attacks: ['apgd-ce', 'fab-t', 'square'] });
  assert.deepEqual(l2.fixed.map((s) => [s.key, s.norm, s.options.norm, s.epsilon]), [
    ['apgd-ce-l2@2', 'l2', 'l2', 2], ['fab-t-l2@2', 'l2', 'l2', 2], ['square-l2@2', 'l2', 'l2', 2]]);
  assert.throws(() => evaluationPlan({ norm: 'l2', attacks: ['apgd-ce'] }), /needs epsilons/);
  assert.throws(() => evaluationPlan({ norm: 'l2', epsilons: [2], attacks: ['fgsm'] }), /'fgsm' does not run under L2/);
  assert.throws(() => evaluationPlan({ norm: 'l2', epsilons: [-1] }), /\[0, ∞\)/);
  assert.throws(() => evaluationPlan({ epsilons: [0.1, 0.1] }), /distinct/);
  assert.throws(() => evaluationPlan({ preset: 'imagenet' as 'mnist' }), /valid presets/);
  assert.throws(() => evaluationPlan({ mode: 'parallel' as 'cascade' }), /valid modes/);
  assert.throws(() => evaluationPlan({ attackOptions: { pdg: {} } as never }), /unknown attack 'pdg'/);
  assert.throws(() => evaluationPlan({ epsilon: 0.3 } as never), /unknown option 'epsilon'/);
  assert.throws(() => evaluationPlan({ attacks: ['adaptive-pgd'], method: 'svm' }), RangeError);
});

test('ε labels: tenths as decimals, whole grey levels as n/255', () => {
  assert.equal(epsilonLabel(0.3), '0.3');
  assert.equal(epsilonLabel(8 / 255), '8/255');
  assert.equal(epsilonLabel(1), '1');
  assert.equal(epsilonLabel(0.123456789), '0.123457');
});
