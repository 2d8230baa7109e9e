// Cached pipeline steps on tiny configurations (an MLP, 32 training images, 2 steps): same configuration →
// cached, changed configuration → recomputed, corrupt cache file → an error naming it, lookup order.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useTestBackend } from '../helpers/backend';
import type { TrainRunConfig } from '../../src/run/config';
import {
  CacheError, cachedStep, canonicalJson, ensureEvaluatedRun, ensureRunAnalysis, ensureTrained, ensureTrainedRun, sameKey,
  type EvalStepSpec, type FeatureAnalysisSettings, type ProfileDefinition,
} from '../../src/experiments';
import { PROFILES } from '../../src/experiments/profiles';

before(async () => { await useTestBackend(); });

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mat-experiments-'));

const tiny: TrainRunConfig = {
  dataset: 'mnist', arch: 'mlp', method: 'natural', methodOptions: {}, epochs: 1, batchSize: 16, optimizer: 'adam',
  learningRate: 1e-3, momentum: 0.9, seed: 0, trainSubset: 32, testSubset: 16, maxSteps: 2,
};

const pgdSpec = (steps: number): EvalStepSpec => ({
  key: 'pgd@0.3', attack: 'pgd', kind: 'fixed-epsilon', epsilon: 0.3,
  options: { epsilon: 0.3, stepSize: 0.1, steps, randomStart: true, seed: 0 }, subset: 8, subsetSeed: 0, batchSize: 8,
});
const ddnSpec: EvalStepSpec = { key: 'ddn', attack: 'ddn', kind: 'minimization', options: { steps: 2, seed: 0 }, subset: 8, subsetSeed: 0, batchSize: 8 };

test('canonical keys ignore member order and undefined members, not values', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, 2], c: undefined } }), '{"a":{"d":[1,2]},"b":1}');
  assert.ok(sameKey({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 }));
  assert.ok(!sameKey({ a: 1 }, { a: 1.0000001 }));
  assert.ok(!sameKey({ a: [1, 2] }, { a: [2, 1] }));
});

test('cachedStep: same key → cached, changed key → recomputed, corrupt or foreign file → CacheError naming it', async () => {
  const dir = tmp();
  const file = path.join(dir, 'step.json');
  let calls = 0;
  const step = (key: object) => cachedStep({ kind: 'test-step', key, readFiles: [file], writeFile: file, compute: async () => ({ n: ++calls, nan: NaN }) });
  const first = await step({ x: 1, y: 2 });
  assert.equal(first.cached, false);
  assert.equal(first.value.n, 1);
  assert.equal(first.value.nan, null, 'computed values read like cached ones (NaN → null)');
  const again = await step({ y: 2, x: 1 });
  assert.equal(again.cached, true);
  assert.deepEqual(again.value, first.value);
  assert.equal(calls, 1);
  const changed = await step({ x: 1, y: 3 });
  assert.equal(changed.cached, false);
  assert.equal(calls, 2);

  fs.writeFileSync(file, '{"kind": "test-step", "key": ');
  await assert.rejects(step({ x: 1, y: 3 }), (err: Error) => err instanceof CacheError && err.message.includes(file) && /not valid JSON/.test(err.message));
  fs.writeFileSync(file, JSON.stringify({ kind: 'other', key: {}, value: 1 }));
  await assert.rejects(step({ x: 1, y: 3 }), (err: Error) => err instanceof CacheError && err.message.includes(file) && /'test-step'/.test(err.message));
  assert.equal(calls, 2, 'a bad cache file is never silently recomputed over');
});

test('ensureTrainedRun: trains once, reuses the same config, retrains a changed one, rejects a corrupt results.json', async () => {
  const root = tmp();
  const dirs = { read: [path.join(root, 'run')], write: path.join(root, 'run') };
  const first = await ensureTrainedRun(tiny, dirs);
  assert.equal(first.cached, false);
  assert.ok(fs.existsSync(path.join(root, 'run', 'results.json')));
  assert.ok(first.value.hasCheckpoint);

  const second = await ensureTrainedRun({ ...tiny, methodOptions: {} }, dirs);
  assert.equal(second.cached, true);
  assert.deepEqual(second.value.results.metrics, first.value.results.metrics);
  assert.equal(second.value.results.provenance.startedAt, first.value.results.provenance.startedAt);

  const changed = await ensureTrainedRun({ ...tiny, learningRate: 1e-2 }, dirs);
  assert.equal(changed.cached, false, 'a changed configuration retrains');
  assert.equal(changed.value.results.config.learningRate, 1e-2);
  const reread = await ensureTrainedRun({ ...tiny, learningRate: 1e-2 }, dirs);
  assert.equal(reread.cached, true);

  const results = path.join(root, 'run', 'results.json');
  fs.writeFileSync(results, 'not json');
  await assert.rejects(ensureTrainedRun(tiny, dirs), (err: Error) => err instanceof CacheError && err.message.includes(results));
  fs.writeFileSync(results, JSON.stringify({ kind: 'eval' }));
  await assert.rejects(ensureTrainedRun(tiny, dirs), (err: Error) => err instanceof CacheError && /training results/.test(err.message));
});

test('lookup order: a run under an earlier read root (shipped results) wins and is never written', async () => {
  const root = tmp();
  const shipped = path.join(root, 'shipped', 'row'), write = path.join(root, 'runs', 'row');
  const trained = await ensureTrainedRun(tiny, { read: [shipped], write: shipped });
  const before = fs.readFileSync(path.join(shipped, 'results.json'), 'utf8');
  const r = await ensureTrainedRun(tiny, { read: [shipped, write], write });
  assert.equal(r.cached, true);
  assert.equal(r.file, path.join(shipped, 'results.json'));
  assert.equal(r.value.results.provenance.startedAt, trained.value.results.provenance.startedAt);
  assert.ok(!fs.existsSync(write), 'nothing written under the write root');
  assert.equal(fs.readFileSync(path.join(shipped, 'results.json'), 'utf8'), before);
});

test('ensureEvaluatedRun: per-step cache; a changed spec recomputes only that step; a retrained model recomputes all', async () => {
  const root = tmp();
  const runDirs = { read: [path.join(root, 'run')], write: path.join(root, 'run') };
  const run = (await ensureTrainedRun(tiny, runDirs)).value;
  const file = path.join(root, 'run', 'evaluation.json');
  const files = { read: [file], write: file };
  const first = await ensureEvaluatedRun(run, [pgdSpec(1), ddnSpec], files);
  assert.equal(first.cached, false);
  const pgd = first.value['pgd@0.3'];
  assert.equal(pgd.kind, 'fixed-epsilon');
  if (pgd.kind === 'fixed-epsilon') {
    assert.equal(pgd.examples, 8);
    assert.equal(pgd.robust.length, 8);
    assert.ok(pgd.robustAccuracy <= pgd.cleanAccuracy);
  }
  assert.equal(first.value.ddn.kind, 'minimization');

  const again = await ensureEvaluatedRun(run, [pgdSpec(1), ddnSpec], files);
  assert.equal(again.cached, true);
  assert.deepEqual(again.value, first.value);

  const stored = () => JSON.parse(fs.readFileSync(file, 'utf8')).steps;
  const ddnBefore = stored().ddn.provenance.startedAt;
  const stronger = await ensureEvaluatedRun(run, [pgdSpec(2), ddnSpec], files);
  assert.equal(stronger.cached, false);
  assert.equal(stored()['pgd@0.3'].spec.options.steps, 2);
  assert.equal(stored().ddn.provenance.startedAt, ddnBefore, 'the unchanged DDN step was reused');

  const retrained = (await ensureTrainedRun({ ...tiny, seed: 1 }, runDirs)).value;
  const fresh = await ensureEvaluatedRun(retrained, [ddnSpec], files);
  assert.equal(fresh.cached, false, 'a different model invalidates every step');
  assert.deepEqual(Object.keys(stored()), ['ddn']);

  fs.writeFileSync(file, JSON.stringify({ kind: 'evaluation', train: tiny, steps: { ddn: { spec: 1 } } }));
  await assert.rejects(ensureEvaluatedRun(retrained, [ddnSpec], files), (err: Error) => err instanceof CacheError && err.message.includes(file));
});

test('ensureTrained and ensureRunAnalysis through a profile: row folders, cached second call', async () => {
  const root = tmp();
  const smoke = PROFILES.smoke.datasets.mnist!;
  const profile: ProfileDefinition = {
    name: 'tiny', description: 'test', datasets: {
      mnist: {
        ...smoke, model: { arch: 'mlp' },
        train: { ...smoke.train, trainSubset: 32, testSubset: 16, maxSteps: 2, batchSize: 16 },
      },
    },
  };
  const results = { root, readRoots: [root] };
  const t = await ensureTrained('natural', profile, 'mnist', { results });
  assert.equal(t.cached, false);
  assert.equal(t.file, path.join(root, 'tiny', 'mnist', 'natural', 'results.json'));
  assert.equal((await ensureTrained('natural', profile, 'mnist', { results })).cached, true);

  const settings: FeatureAnalysisSettings = {
    points: 16, subsetSeed: 0, batchSize: 16, pgd: { ...pgdSpec(1), subset: 16, batchSize: 16 }, ddn: { ...ddnSpec, subset: 16, batchSize: 16 },
    wardMaxPoints: 16, tsnePointsPerSet: 8, tsneIterations: 110, tsneSeed: 0,
  };
  const a = await ensureRunAnalysis(t.value.runDir, settings);
  assert.equal(a.cached, false);
  assert.equal(a.value.examples, 16);
  assert.equal(a.value.embedding.points.length, 16);
  for (const k of ['Clean', 'PGD', 'DDN'] as const) assert.ok(a.value.matchRates[k] >= 0 && a.value.matchRates[k] <= 1);
  assert.equal(a.value.cosine, null, 'a linear head has no centers');
  const b = await ensureRunAnalysis(t.value.runDir, settings);
  assert.equal(b.cached, true);
  assert.deepEqual(b.value, a.value);
  const c = await ensureRunAnalysis(t.value.runDir, { ...settings, tsneIterations: 120 });
  assert.equal(c.cached, false, 'a changed analysis setting recomputes');
});
