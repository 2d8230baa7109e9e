import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import {
  evaluate,
  evaluationPlan,
  inProcessExecutor,
  readEvalResults,
  type EvalExecutor,
  type EvalResults,
} from '../../src/eval';
import type { Dataset } from '../../src/data';
import type { Classifier } from '../../src/models';
import { toyDataset, tmpFile, trainedToyClassifier, useEvalTestBackend } from './fixtures';

const PGD = { steps: 10, stepSize: 0.05 };

/** Wraps an executor and records (task key, number of examples) of every batch it runs. */
function counting(inner: EvalExecutor) {
  const calls: Array<{ key: string; n: number }> = [];
  const executor: EvalExecutor = {
    parallelism: inner.parallelism, backends: inner.backends, close: () => inner.close(),
    run: (task, indices) => {
      calls.push({ key: task.kind === 'clean' ? 'clean' : task.step.key, n: indices.length });
      return inner.run(task, indices);
    },
  };
  const total = (key: string) => calls.filter((c) => c.key === key).reduce((s, c) => s + c.n, 0);
  return { executor, calls, total };
}

const count = (codes: string, c: string) => codes.split('').filter((x) => x === c).length;

describe('evaluate: cascade, minimisation attacks, results file, resume', () => {
  let model: Classifier;
  let data: Dataset;
  before(async () => {
    await useEvalTestBackend();
    model = trainedToyClassifier(5);
    data = toyDataset(48, 21);
  });
  after(() => model.model.dispose());

  test('cascade: each attack only on points still robust, ε carried upwards, worst case per sample', async () => {
    const plan = evaluationPlan({ attacks: ['fgsm', 'pgd'], epsilons: [0.3, 0.15], attackOptions: { pgd: PGD }, batchSize: 16 });
    const c = counting(inProcessExecutor(model, data));
    const r = await evaluate({ model, data, plan, executor: c.executor, sanity: false });
    const clean = r.clean!.codes;
    const nClean = count(clean, '1');
    assert.ok(nClean >= 40, `toy model clean accuracy ${nClean}/48`);
    const [f1, p1, f3, p3] = ['fgsm@0.15', 'pgd@0.15', 'fgsm@0.3', 'pgd@0.3'].map((k) => r.steps[k].codes);
    // the first attack sees every clean-correct example, and nothing else
    for (let i = 0; i < 48; i++) assert.equal(f1[i] !== '-', clean[i] === '1');
    assert.ok(count(f1, '0') > 0 && count(f1, '1') > 0, 'precondition: FGSM at 0.15 breaks some toy examples, not all');
    // later attacks see exactly the survivors of everything before them (also across ε)
    for (let i = 0; i < 48; i++) {
      assert.equal(p1[i] !== '-', f1[i] === '1');
      assert.equal(f3[i] !== '-', p1[i] === '1');
      assert.equal(p3[i] !== '-', f3[i] === '1');
    }
    assert.equal(c.total('pgd@0.15'), count(f1, '1'));
    assert.equal(c.total('fgsm@0.3'), count(p1, '1'));
    const s = r.summary;
    assert.equal(s.cleanAccuracy, nClean / 48);
    assert.equal(s.fixed[0].standaloneAccuracy, count(f1, '1') / 48);
    assert.equal(s.fixed[1].standaloneAccuracy, undefined, 'a later cascade step has no standalone accuracy');
    assert.deepEqual(s.fixed.map((f) => f.attacked), [f1, p1, f3, p3].map((x) => 48 - count(x, '-')));
    assert.deepEqual(s.sweep, [{ epsilon: 0.15, accuracy: count(p1, '1') / 48 }, { epsilon: 0.3, accuracy: count(p3, '1') / 48 }]);
    assert.ok(s.sweep[1].accuracy <= s.sweep[0].accuracy && s.sweep[0].accuracy <= s.cleanAccuracy);
    assert.ok(s.sweep[1].accuracy < 0.2, `ε = 0.3 must break the toy (got ${s.sweep[1].accuracy})`);
    assert.equal(r.complete, true);
    assert.equal(r.sanity, undefined);
  });

  test('independent mode: every attack on every clean-correct example; worst case ≤ each standalone', async () => {
    const plan = evaluationPlan({ attacks: ['fgsm', 'pgd'], epsilons: [0.1], mode: 'independent', attackOptions: { pgd: PGD } });
    const r = await evaluate({ model, data, plan, sanity: false });
    const nClean = count(r.clean!.codes, '1');
    for (const f of r.summary.fixed) {
      assert.equal(f.attacked, nClean);
      assert.equal(typeof f.standaloneAccuracy, 'number');
      assert.ok(r.summary.sweep[0].accuracy <= (f.standaloneAccuracy as number));
    }
    const both = r.clean!.codes.split('').filter((_, i) => r.steps['fgsm@0.1'].codes[i] === '1' && r.steps['pgd@0.1'].codes[i] === '1').length;
    assert.equal(r.summary.sweep[0].accuracy, both / 48);
  });

  test('minimisation attacks: success rate and mean L2 of the successful adversarials only', async () => {
    const plan = evaluationPlan({ attacks: ['ddn'], attackOptions: { ddn: { steps: 30 } } });
    const r = await evaluate({ model, data, plan, sanity: false });
    const step = r.steps.ddn;
    const l2 = step.l2!;
    const broken = step.codes.split('').map((c, i) => (c === '0' ? i : -1)).filter((i) => i >= 0);
    assert.ok(broken.length > 0);
    for (let i = 0; i < 48; i++) assert.equal(l2[i] !== null, step.codes[i] === '0');
    const mean = broken.reduce((s, i) => s + (l2[i] as number), 0) / broken.length;
    const m = r.summary.minimization[0];
    assert.equal(m.successes, broken.length);
    assert.equal(m.attacked, count(r.clean!.codes, '1'));
    assert.ok(Math.abs(m.meanL2 - mean) < 1e-9);
    assert.ok(m.meanL2 > 0 && m.meanL2 < 8, `L2 ${m.meanL2}`);
    assert.deepEqual(r.summary.fixed, []);
  });

  test('results file: written as plain JSON; a re-run skips finished work; partial steps resume per sample', async () => {
    const file = tmpFile('eval.json');
    const plan = evaluationPlan({ attacks: ['pgd'], epsilons: [0.1, 0.3], attackOptions: { pgd: PGD } });
    const sanity = { examples: 8 };
    const first = await evaluate({ model, data, plan, resultsFile: file, sanity });
    const saved = readEvalResults(file) as EvalResults;
    assert.deepEqual(saved.summary, JSON.parse(JSON.stringify(first.summary)));
    assert.equal(saved.sessions.length, 1);
    assert.equal(typeof saved.provenance.commit, 'string');
    assert.equal(saved.sessions[0].loadavgStart.length, 3);

    // same plan again: no batch runs at all (clean, steps and sanity reused)
    const again = counting(inProcessExecutor(model, data));
    const second = await evaluate({ model, data, plan, resultsFile: file, sanity, executor: again.executor });
    assert.equal(again.calls.length, 0);
    assert.deepEqual(second.summary, first.summary);
    assert.equal(second.sessions.length, 2);

    // an interrupted step: five samples pending → only those five are attacked
    const edited = JSON.parse(fs.readFileSync(file, 'utf8'));
    const codes: string[] = edited.steps['pgd@0.1'].codes.split('');
    const decided = codes.map((c, i) => (c === '0' || c === '1' ? i : -1)).filter((i) => i >= 0).slice(0, 5);
    for (const i of decided) codes[i] = '?';
    edited.steps['pgd@0.1'].codes = codes.join('');
    edited.steps['pgd@0.1'].status = 'partial';
    fs.writeFileSync(file, JSON.stringify(edited));
    const third = counting(inProcessExecutor(model, data));
    await evaluate({ model, data, plan, resultsFile: file, sanity, executor: third.executor });
    assert.equal(third.total('pgd@0.1'), 5);
    assert.equal(third.total('clean'), 0);

    // a longer plan reuses the finished steps and runs only the new attack
    const more = evaluationPlan({ attacks: ['pgd', 'fgsm'], epsilons: [0.1, 0.3], attackOptions: { pgd: PGD } });
    const fourth = counting(inProcessExecutor(model, data));
    await evaluate({ model, data, plan: more, resultsFile: file, sanity, executor: fourth.executor });
    assert.equal(fourth.total('pgd@0.1'), 0);
    assert.ok(fourth.total('fgsm@0.1') > 0);

    // another test set must not overwrite these results
    await assert.rejects(evaluate({ model, data: toyDataset(48, 22), plan, resultsFile: file, sanity: false }), /different test set/);
    // unless asked to start fresh
    const fresh = counting(inProcessExecutor(model, data));
    await evaluate({ model, data, plan, resultsFile: file, sanity: false, fresh: true, executor: fresh.executor });
    assert.equal(fresh.total('clean'), 48);
  });

  test('no tensors leak from a whole in-process evaluation with sanity checks', async () => {
    const plan = evaluationPlan({ attacks: ['pgd', 'cw-l2'], epsilons: [0.2], attackOptions: { pgd: PGD, 'cw-l2': { steps: 10, binarySearchSteps: 2 } } });
    const before = tf.memory().numTensors;
    await evaluate({ model, data, plan, sanity: { examples: 8 } });
    assert.equal(tf.memory().numTensors, before);
  });

  test('bad options throw before any work', async () => {
    const plan = evaluationPlan({ attacks: ['pgd'] });
    await assert.rejects(evaluate({ model, data, plan, workers: 2 }), /runDir/);
    await assert.rejects(evaluate({ model, data, plan, workers: 0 }), /positive integer/);
    await assert.rejects(evaluate({ model, data, plan, sanity: { exampels: 3 } as never }), /unknown option 'exampels'/);
  });
});
