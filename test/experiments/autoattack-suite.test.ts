// The autoattack-standard suite: which steps it holds (FAB-T after the headline at L∞, AutoAttack's L2
// cascade), what a cascade step computes (only the survivors of the earlier steps), and its report table.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { AUTOATTACK_STANDARD } from '../../src/attacks';
import { datasetEntry } from '../../src/data/registry';
import {
  autoAttackStandardColumns, autoAttackStandardFrame, datasetBudget, evalSuite, headlineAttacks, runCascadeStep, runEvalStep,
  type EvalStepSpec, type FixedEpsilonOutcome,
} from '../../src/experiments';
const frameRows = (df: { values: unknown }) => (df.values as unknown[][]).map((r) => [...r]);
import { toyDataset, trainedToyClassifier, useEvalTestBackend } from '../eval/fixtures';

before(async () => { await useEvalTestBackend(); });

test('autoattack-standard: the headline steps, FAB-T after all seven at the L∞ ε, then APGD-CE → APGD-T → FAB-T → Square at the L2 radius', () => {
  for (const dataset of ['mnist', 'fashion-mnist'] as const) {
    const budget = datasetBudget('cpu', dataset);
    const steps = evalSuite('autoattack-standard', budget, { method: 'at', settings: {} });
    const headline = headlineAttacks(budget).map((a) => a.key);
    assert.deepEqual(steps.slice(0, headline.length).map((s) => s.key), headline, 'the headline first: the cascades read it');
    const own = steps.slice(headline.length);
    const fab = own[0];
    assert.equal(fab.attack, 'fab-t');
    assert.equal(fab.epsilon, budget.eval.pgd.epsilon);
    assert.equal(fab.options.norm, undefined, 'L∞');
    assert.deepEqual(fab.cascadeAfter, headline);
    const l2 = own.slice(1);
    assert.deepEqual(l2.map((s) => s.attack), AUTOATTACK_STANDARD.map((a) => a.attack), 'the standard cascade order');
    const radius = datasetEntry(dataset).threatModel.l2Epsilon;
    l2.forEach((s, i) => {
      assert.equal(s.options.norm, 'l2', s.key);
      assert.equal(s.epsilon, radius, s.key);
      assert.equal(s.subset, budget.eval.subset, `${s.key}: the headline's examples`);
      assert.deepEqual(s.cascadeAfter, i === 0 ? undefined : l2.slice(0, i).map((x) => x.key), s.key);
    });
    // AutoAttack's fixed hyper-parameters under the cpu budget
    const by = Object.fromEntries(l2.map((s) => [s.attack, s.options]));
    assert.equal(by['apgd-ce'].nIter, 100);
    assert.equal(by['apgd-t'].nTargetClasses, 9);
    assert.equal(by['fab-t'].nTargetClasses, 9);
    assert.equal(by.square.nQueries, 5000);
    assert.equal(by.square.pInit, 0.8);
  }
  assert.throws(() => evalSuite('autoattack-standard', datasetBudget('cpu-quick', 'mnist'), { method: 'at', settings: {} }), /autoAttack/);
  assert.equal(autoAttackStandardColumns(datasetBudget('cpu-quick', 'mnist')), undefined);
});

const gateOf = (robust: string): FixedEpsilonOutcome => ({
  kind: 'fixed-epsilon', examples: robust.length, cleanAccuracy: 0.9, robustAccuracy: 0, robust, warnings: [], seconds: 0,
});

test('a cascade step attacks only the examples every earlier step left robust; the rest count as broken', async () => {
  const model = trainedToyClassifier(3);
  const data = toyDataset(24, 11);
  const spec: EvalStepSpec = {
    key: 'pgd@0.15', attack: 'pgd', kind: 'fixed-epsilon', epsilon: 0.15,
    // no random start: each example's attack is the same whichever batch it is in
    options: { epsilon: 0.15, stepSize: 0.05, steps: 5, randomStart: false, seed: 0 }, subsetSeed: 0, batchSize: 64,
  };
  const standalone = await runEvalStep(model, data, spec, 'mnist');
  assert.equal(standalone.kind, 'fixed-epsilon');
  const alone = (standalone as FixedEpsilonOutcome).robust;
  const a = '111111111111000000000000', b = '101010101010101010101010';
  const out = await runCascadeStep(model, data, { ...spec, cascadeAfter: ['a', 'b'] }, 'mnist', { a: gateOf(a), b: gateOf(b) });
  const left = [...a].map((c, i) => c === '1' && b[i] === '1');
  assert.equal(out.attacked, left.filter(Boolean).length);
  assert.equal(out.examples, 24);
  assert.equal(out.robust.length, 24);
  for (let i = 0; i < 24; i++) assert.equal(out.robust[i], left[i] ? alone[i] : '0', `example ${i}`);
  assert.equal(out.robustAccuracy, [...out.robust].filter((c) => c === '1').length / 24);
  assert.equal(out.cleanAccuracy, 0.9, "the earlier steps' clean accuracy (the whole subset's)");

  const none = await runCascadeStep(model, data, { ...spec, cascadeAfter: ['z'] }, 'mnist', { z: gateOf('0'.repeat(24)) });
  assert.deepEqual([none.attacked, none.robust, none.robustAccuracy], [0, '0'.repeat(24), 0], 'nothing left: nothing attacked');

  await assert.rejects(runCascadeStep(model, data, { ...spec, cascadeAfter: ['missing'] }, 'mnist', {}), /'missing', which is not evaluated before it/);
  await assert.rejects(runCascadeStep(model, data, { ...spec, cascadeAfter: ['a'] }, 'mnist', { a: gateOf('11') }), /same 24 examples/);
  model.model.dispose();
});

test('the autoattack-standard table: worst case over seven, what FAB-T broke, over eight with its interval, the L2 cascade', () => {
  const budget = datasetBudget('cpu', 'mnist');
  const cols = autoAttackStandardColumns(budget)!;
  const n = 10;
  const fixed = (robust: string, attacked?: number): FixedEpsilonOutcome => ({
    ...gateOf(robust), robustAccuracy: [...robust].filter((c) => c === '1').length / n, ...(attacked !== undefined ? { attacked } : {}),
  });
  const evaluation: Record<string, FixedEpsilonOutcome> = {};
  // the seven headline attacks: each breaks one example of the first three (worst case: 7 of 10 robust)
  headlineAttacks(budget).forEach((a, i) => { evaluation[a.key] = fixed(i % 3 === 0 ? '0111111111' : i % 3 === 1 ? '1011111111' : '1101111111'); });
  evaluation[cols[0].key] = fixed('0001111100', 7); // FAB-T broke 2 of the 7
  ['1111111000', '1111100000', '1111000000', '1110000000'].forEach((r, i) => { evaluation[cols[1 + i].key] = fixed(r, i === 0 ? undefined : 5); });
  const frame = autoAttackStandardFrame({ at: { train: { metrics: { cleanTestAccuracy: 0.98 } } as never, evaluation } }, budget)!;
  assert.deepEqual(frame.columns, ['Defense', 'Clean', 'L∞ ε=0.3 worst case (7)', 'FAB-T broke', 'L∞ worst case (8)', 'L∞ 95 % CI',
    'L2 ε=2 APGD-CE', '→ APGD-T', '→ FAB-T', '→ Square-5000', 'L2 95 % CI', 'n']);
  const [row] = frameRows(frame);
  assert.equal(row[0], 'AT');
  assert.ok(Math.abs(Number(row[2]) - 70) < 1e-9);
  assert.equal(row[3], 2);
  assert.ok(Math.abs(Number(row[4]) - 50) < 1e-9);
  assert.match(String(row[5]), /^\d+\.\d–\d+\.\d$/);
  assert.deepEqual(row.slice(6, 10).map((v) => Math.round(Number(v))), [70, 50, 40, 30]);
  assert.equal(row[11], n);
  assert.equal(autoAttackStandardFrame({ at: { evaluation: {} } }, budget), undefined, 'no row has it: no table');
});
