// Run identity and ablations through the public API in the smoke profile, with a private results root:
// change α and re-run → only the new variant computes, the old one is still there, both are in the
// ablation table, and a second re-run computes nothing; plans and cachedOnly list every missing step.
// The tests run on tfjs' pure-JS 'cpu' backend, where one smoke SmallCNN run takes many minutes: the smoke
// budget is kept (its inner max, attacks, seeds) with an MLP on 64 training images (as test/experiments/cache.test.ts).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useTestBackend } from '../helpers/backend';
import { experiments as mat } from '../../src';

before(async () => { await useTestBackend(); });

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mat-ablation-'));
const smoke = mat.PROFILES.smoke.datasets.mnist!;
const profile: mat.ProfileDefinition = {
  ...mat.PROFILES.smoke, datasets: {
    mnist: {
      ...smoke, model: { arch: 'mlp' }, train: { ...smoke.train, trainSubset: 64, testSubset: 32, maxSteps: 2, batchSize: 16 },
      eval: { ...smoke.eval, subset: 32, batchSize: 32 },
    },
  },
};
const base = { base: 'mat-so-bibo' as const, profile, dataset: 'mnist' as const, attacks: ['pgd' as const] };

test('variants: the folder is the configuration hash, labels say what differs, bad options are refused', () => {
  const row = mat.variantConfig('mat-so-bibo', 'smoke', 'mnist');
  const half = mat.variantConfig({ row: 'mat-so-bibo', options: { alpha: 0.5 } }, 'smoke', 'mnist');
  assert.notEqual(mat.configHash(row), mat.configHash(half));
  assert.equal(mat.configHash(half), mat.configHash({ ...half, methodOptions: { ...half.methodOptions } }), 'equal configurations, equal hashes');
  assert.equal(mat.variantLabel({ row: 'mat-so-bibo', options: { alpha: 0.5 } }, 'smoke', 'mnist'), 'MAT (SO+BIBO), α = 0.5');
  assert.equal(mat.variantLabel({ row: 'mat-so-bibo', options: { alpha: 0.5 }, seed: 2 }, 'smoke', 'mnist'), 'MAT (SO+BIBO), α = 0.5, seed 2');
  assert.equal(mat.variantLabel('mat-so-bibo', 'smoke', 'mnist'), 'MAT (SO+BIBO)');
  assert.throws(() => mat.variantConfig({ row: 'at', options: { alpha: 1 } }, 'smoke', 'mnist'), /option 'alpha' is not used by method 'at'/);
  assert.throws(() => mat.variantConfig({ row: 'mat', options: { alpha: -1 } }, 'smoke', 'mnist'), /alpha' must be ≥ 0/);
  assert.throws(() => mat.ablationVariants({ ...base, vary: { gamma: [1] } as never }), /cannot vary 'gamma'; valid settings: alpha, beta/);
  // α = 0 of MAT (SO+BIBO) is MAT (BIBO): results shipped in the older `<row>/` layout are found for it
  const dirs = mat.variantDirs({ writeRoot: '/w', readRoots: ['/s', '/w'] }, 'smoke', 'mnist', { row: 'mat-so-bibo', options: { alpha: 0 } },
    mat.variantConfig({ row: 'mat-so-bibo', options: { alpha: 0 } }, 'smoke', 'mnist'));
  assert.ok(dirs.read.includes('/s/smoke/mnist/mat-bibo') && dirs.read.includes('/s/smoke/mnist/mat-so-bibo'));
  assert.match(dirs.write, /^\/w\/smoke\/mnist\/mat-bibo-[0-9a-f]{12}$/, 'an equal configuration shares its row\'s folder');
  assert.equal(path.basename(dirs.write), mat.runFolderName('mat-bibo', mat.variantConfig('mat-bibo', 'smoke', 'mnist')));
});

test('change α and re-run: only the new variant computes, both coexist and appear in the table, a re-run computes nothing', async () => {
  const root = tmp();
  const results = { root, readRoots: [root] };
  const computed = (r: { plan: mat.PipelinePlan }) => r.plan.toCompute.map((s) => `${s.step} ${s.subject}`);

  const first = await mat.ablate({ ...base, vary: { alpha: [1] } }, { results });
  assert.deepEqual(computed(first), ['train MAT (SO+BIBO)', 'evaluate MAT (SO+BIBO)']);
  const oldDir = first.runs[0].runDir;
  const oldEvaluation = fs.readFileSync(path.join(oldDir, 'evaluation.json'), 'utf8');

  // the researcher changes α in the parameters cell (and keeps the old value in the sweep)
  const second = await mat.ablate({ ...base, vary: { alpha: [1, 0.5] } }, { results });
  assert.deepEqual(computed(second), ['train MAT (SO+BIBO), α = 0.5', 'evaluate MAT (SO+BIBO), α = 0.5'], 'only the new variant computes');
  assert.equal(fs.readFileSync(path.join(oldDir, 'evaluation.json'), 'utf8'), oldEvaluation, 'the old variant is untouched');
  const newDir = second.runs.find((r) => r.settings.alpha === 0.5)!.runDir;
  assert.notEqual(newDir, oldDir);
  for (const dir of [oldDir, newDir]) assert.ok(fs.existsSync(path.join(dir, 'results.json')) && fs.existsSync(path.join(dir, 'checkpoint')));
  const models = second.table.column('Model').values as string[];
  assert.ok(models.includes('MAT (SO+BIBO)') && models.includes('MAT (SO+BIBO), α = 0.5'), `both variants in the table: ${models}`);
  assert.deepEqual([...new Set(second.table.column('α').values as number[])].sort(), [0.5, 1]);
  assert.deepEqual([...new Set(second.rows.map((r) => r.attack))], ['clean', 'PGD-3']);
  for (const r of second.rows) {
    assert.ok(r.low <= r.mean && r.mean <= r.high, 'the binomial interval contains the mean');
    assert.equal(r.n, 32, 'n is the attacked subset');
  }
  assert.ok(second.charts.alpha, 'a chart of accuracy vs α');
  assert.ok(fs.existsSync(second.file));

  const third = await mat.ablate({ ...base, vary: { alpha: [1, 0.5] } }, { results });
  assert.deepEqual(computed(third), [], 'a second re-run computes nothing');
  assert.deepEqual(third.rows, second.rows);
});

test('plan before compute, and cachedOnly lists every missing step with what differs and its cost', async () => {
  const root = tmp();
  const results = { root, readRoots: [root] };
  await mat.ablate({ ...base, vary: { alpha: [1] } }, { results });

  const plan = new mat.PipelinePlan();
  const dry = await mat.ablate({ ...base, vary: { alpha: [1, 0.25, 2] } }, { results, plan });
  assert.equal(dry.runs.length, 0, 'a plan computes nothing');
  assert.equal(plan.cached.length, 2);
  assert.equal(plan.toCompute.length, 4);
  const training = plan.toCompute.filter((s) => s.step === 'train');
  assert.deepEqual(training.map((s) => s.subject), ['MAT (SO+BIBO), α = 0.25', 'MAT (SO+BIBO), α = 2']);
  for (const s of training) {
    assert.ok(s.estimatedSeconds! > 0, 'an estimated time');
    assert.match(s.nearest!.differences, /α = (0\.25|2) \(cached: 1\)/);
  }
  assert.equal(fs.readdirSync(path.join(root, 'smoke', 'mnist')).filter((d) => d.startsWith('mat-so-bibo-')).length, 1, 'nothing was trained');

  await assert.rejects(mat.ablate({ ...base, vary: { alpha: [1, 0.25, 2] } }, { results, cachedOnly: true }), (err: Error) =>
    err instanceof mat.NotCachedError && /4 steps have no cached result/.test(err.message) && /α = 0\.25/.test(err.message) && /α = 2 /.test(err.message)
    && /≈ /.test(err.message));
  // any pipeline call: every missing step of the call at once (training and each evaluation suite step)
  await assert.rejects(mat.ensureEvaluated({ row: 'mat-so-bibo', options: { alpha: 2 } }, profile, 'mnist', 'robustness', { results, cachedOnly: true }),
    (err: Error) => err instanceof mat.NotCachedError && /4 steps/.test(err.message) && /pgd@0\.3/.test(err.message) && /cw-l2/.test(err.message) && /ddn/.test(err.message));
  const p2 = new mat.PipelinePlan();
  await mat.ensureRows(['natural', 'mat-so-bibo'], profile, 'mnist', { results, plan: p2, suites: ['robustness'] });
  assert.deepEqual(p2.toCompute.filter((s) => s.step === 'train').map((s) => s.subject), ['Natural']);
  assert.match(p2.describe(), /cached\s+MAT \(SO\+BIBO\) · training/);
});

test('knobs of a parameters cell: α / β change only the rows that use SO / BIBO, ε list and attacks change the budget', async () => {
  assert.deepEqual(mat.applyKnobsToRun('mat-so-bibo', { alpha: 0.5 }), { row: 'mat-so-bibo', options: { alpha: 0.5 } });
  assert.equal(mat.applyKnobsToRun('mat-bibo', { alpha: 0.5 }), 'mat-bibo', 'α never switches SO on in a row without it');
  assert.equal(mat.applyKnobsToRun('trades', { alpha: 0.5, beta: 2 }), 'trades');
  assert.deepEqual(mat.applyKnobsToRun('natural', { seed: 1, epochs: 2 }), { row: 'natural', seed: 1, epochs: 2 });
  assert.equal(mat.applyKnobsToRun('natural', { alpha: undefined, seed: undefined }), 'natural', 'unset knobs change nothing');
  assert.deepEqual(mat.applyKnobsToBudget(smoke, { epsilons: [0.05, 0.2] }).eval.sweep.epsilons, [0.05, 0.2]);
  assert.throws(() => mat.checkKnobs({ attacks: ['nope' as never] }), /unknown attack 'nope'; valid attacks: .*pgd/);
  assert.throws(() => mat.checkKnobs({ epsilons: [2] }), /2 is not in \(0, 1\]/);

  // through a pipeline call: the cell's knobs travel in `progress`
  const root = tmp();
  const results = { root, readRoots: [root] };
  await mat.ensureRows(['natural', 'mat-so-bibo'], profile, 'mnist', { results });
  const plan = new mat.PipelinePlan();
  const knobs = { alpha: 0.5, attacks: ['pgd'] as mat.AttackName[] };
  await mat.ensureRows(['natural', 'mat-so-bibo'], profile, 'mnist', { results, plan, knobs, suites: ['robustness'] });
  assert.deepEqual(plan.toCompute.map((s) => `${s.step} ${s.subject} ${s.what.split(' ')[0]}`), [
    'train MAT (SO+BIBO), α = 0.5 training', 'evaluate Natural pgd@0.3', 'evaluate MAT (SO+BIBO), α = 0.5 pgd@0.3',
  ], 'only the α variant trains; the attack subset keeps PGD (no C&W, no DDN)');
});
