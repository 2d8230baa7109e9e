// The method registry sweep: every defence builds its objective with its declared head, every row is a valid
// configuration, adaptive objectives exist, and the CLI's flags and validation come from the option schemas.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useTestBackend } from '../helpers/backend';
import { adaptiveObjectiveNames } from '../../src/attacks';
import { DATASETS, DATASET_NAMES } from '../../src/data';
import {
  METHODS, METHOD_NAMES, METHOD_ROWS, adaptiveObjectiveForMethod, methodDefinition, methodHeadKind, rowOfMethodOptions, trainingObjective,
} from '../../src/methods';
import { trainConfigFromFlags, TRAIN_FLAGS, TRAIN_HELP } from '../../src/cli/train-command';
import { parseFlags, UsageError } from '../../src/cli/args';

before(async () => { await useTestBackend(); });

test('every method: objective with its declared head, an adaptive objective, rows that round-trip', () => {
  for (const method of METHOD_NAMES) {
    const def = methodDefinition(method);
    assert.equal(trainingObjective(method).headKind, def.headKind, method);
    assert.equal(methodHeadKind(method), def.headKind);
    assert.ok(adaptiveObjectiveNames.includes(adaptiveObjectiveForMethod(method).name), method);
    for (const [key, row] of Object.entries(def.rows)) {
      assert.equal(METHOD_ROWS[key as keyof typeof METHOD_ROWS].method, method);
      assert.doesNotThrow(() => trainingObjective(method, row.options), `${method} row ${key}`);
      assert.equal(rowOfMethodOptions(method, row.options), key, `${method} row ${key}`);
    }
  }
  assert.throws(() => methodDefinition('mart'), (e: Error) => e instanceof RangeError && /unknown training method 'mart'/.test(e.message));
  assert.throws(() => adaptiveObjectiveForMethod('mart'), RangeError);
});

test('inner-max and TRADES β defaults come from the dataset registry', () => {
  for (const dataset of DATASET_NAMES) {
    const tm = DATASETS[dataset].threatModel;
    assert.equal(trainingObjective('at', { dataset }).settings.epsilon, tm.innerMax.madry.epsilon, dataset);
    assert.equal(trainingObjective('trades', { dataset }).settings.stepSize, tm.innerMax.trades.stepSize, dataset);
    assert.equal(trainingObjective('trades', { dataset }).settings.beta, DATASETS[dataset].tradesBeta, dataset);
  }
  assert.equal(trainingObjective('at', { dataset: 'fashion-mnist' }).settings.epsilon, 0.1);
});

test('mat train: flags and validation come from the method option schemas; the dataset gives ε and the architecture', () => {
  const config = (argv: string[]) => trainConfigFromFlags(parseFlags(argv, TRAIN_FLAGS, 'train'));
  assert.deepEqual(config(['--method', 'mat', '--alpha', '0', '--bibo-steps', '5']).methodOptions, { alpha: 0, steps: 5 });
  assert.deepEqual(config(['--method', 'trades', '--beta', '6', '--epsilon', '0.1']).methodOptions, { beta: 6, epsilon: 0.1 });
  assert.throws(() => config(['--method', 'at', '--alpha', '1']), (e: Error) => e instanceof UsageError && /--alpha applies to --method mat only/.test(e.message));
  assert.throws(() => config(['--method', 'at', '--bibo-steps', '3']), UsageError);
  assert.throws(() => config(['--method', 'mat', '--inner-steps', '3', '--bibo-steps', '3']), UsageError);
  assert.throws(() => config(['--method', 'at', '--epsilon', '2']), (e: Error) => e instanceof UsageError && /≤ 1/.test(e.message));
  assert.throws(() => config(['--method', 'at', '--inner-steps', '1.5']), UsageError);
  assert.equal(config(['--dataset', 'cifar10']).arch, 'wrn');
  assert.equal(config(['--dataset', 'fashion-mnist']).arch, 'smallcnn');
  // the CLI and the profiles read the same threat model: Fashion-MNIST AT trains at ε = 0.1
  const fashion = config(['--dataset', 'fashion-mnist', '--method', 'at']);
  assert.equal(trainingObjective(fashion.method, { dataset: fashion.dataset, ...fashion.methodOptions }).settings.epsilon, 0.1);
  for (const m of METHOD_NAMES) assert.ok(TRAIN_HELP.includes(m), m);
  for (const flag of ['--alpha', '--beta', '--epsilon', '--inner-step', '--inner-steps', '--bibo-steps', '--centers-norm']) assert.ok(TRAIN_HELP.includes(flag), flag);
  assert.equal(Object.keys(METHODS).length, METHOD_NAMES.length);
});
