import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { evaluate, evaluationPlan, inProcessExecutor, runTaskOnIndices, workerPoolExecutor } from '../../src/eval';
import type { Dataset } from '../../src/data';
import type { Classifier } from '../../src/models';
import { saveToyRun, tmpFile, toyDataset, trainedToyClassifier, useEvalTestBackend } from './fixtures';

describe('worker threads: each loads the checkpoint and runs a share of the batches', () => {
  let model: Classifier;
  let data: Dataset;
  let runDir: string;
  before(async () => {
    await useEvalTestBackend();
    model = trainedToyClassifier(5);
    data = toyDataset(40, 41);
    runDir = await saveToyRun(model);
  });
  after(() => {
    model.model.dispose();
    fs.rmSync(runDir, { recursive: true, force: true });
  });

  test('two workers give the in-process per-sample results (clean and a deterministic attack)', async () => {
    const pool = await workerPoolExecutor(data, { workers: 2, runDir, backend: 'wasm' });
    try {
      assert.equal(pool.parallelism, 2);
      assert.equal(pool.backends.length, 2);
      const local = inProcessExecutor(model, data);
      const all = Array.from({ length: 40 }, (_, i) => i);
      const [a, b] = await Promise.all([runTaskOnIndices(pool, { kind: 'clean' }, all, 8), runTaskOnIndices(local, { kind: 'clean' }, all, 8)]);
      assert.deepEqual(a.correct, b.correct);
      const plan = evaluationPlan({ attacks: ['fgsm'], epsilons: [0.2] });
      const task = { kind: 'attack' as const, step: plan.fixed[0] };
      const [pa, la] = [await runTaskOnIndices(pool, task, all, 8), await runTaskOnIndices(local, task, all, 8)];
      assert.deepEqual(pa.success, la.success);
    } finally {
      await pool.close();
    }
  });

  test('evaluate with workers = 2 writes the same summary as in-process', async () => {
    const plan = evaluationPlan({ attacks: ['fgsm', 'pgd'], epsilons: [0.1, 0.3], attackOptions: { pgd: { steps: 5, stepSize: 0.08, randomStart: false } } });
    const file = tmpFile('eval.json');
    const parallel = await evaluate({ model, data, plan, runDir, workers: 2, backend: 'wasm', resultsFile: file, sanity: { examples: 8 } });
    const serial = await evaluate({ model, data, plan, sanity: { examples: 8 } });
    assert.deepEqual(parallel.summary, serial.summary);
    assert.equal(parallel.sessions[0].workers, 2);
    assert.ok(fs.existsSync(file));
  });

  test('a worker that cannot load the run fails with a clear error', async () => {
    await assert.rejects(workerPoolExecutor(data, { workers: 1, runDir: '/nonexistent/run' }), /eval worker failed to start: .*no checkpoint/);
  });
});
