import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkNotebookParameters, enforceComputeBudget, ParameterError } from '../../src/experiments/notebook-parameters';
import { PipelinePlan } from '../../src/experiments/plan';

const base = { profile: 'cpu', dataset: 'mnist', maxComputeMinutes: 10 };
/** runs `f` with environment variables set (undefined: unset), restoring them after */
function withEnv<T>(vars: Record<string, string | undefined>, f: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (v: Record<string, string | undefined>) => { for (const [k, x] of Object.entries(v)) { if (x === undefined) delete process.env[k]; else process.env[k] = x; } };
  set(vars);
  try { return f(); } finally { set(saved); }
}
/** a ParameterError whose stack is its one message line (tslab prints the stack) */
const oneLine = (pattern: RegExp) => (e: Error) => e instanceof ParameterError && pattern.test(e.message) && e.stack === `${e.name}: ${e.message}` && !/\n\s+at /.test(e.stack ?? '');

test('the parameters cell: the cell\'s profile unless $MAT_PROFILE is set; bad values are one line naming them', () => {
  withEnv({ MAT_PROFILE: undefined, MAT_DATASET: undefined, MAT_CACHED_ONLY: undefined }, () => {
    assert.deepEqual(checkNotebookParameters(base), { profile: 'cpu', dataset: 'mnist', cachedOnly: false });
    withEnv({ MAT_PROFILE: 'smoke' }, () => assert.equal(checkNotebookParameters(base).profile, 'smoke'));
    assert.throws(() => checkNotebookParameters({ ...base, profile: 'tpu' }), oneLine(/unknown profile 'tpu'; valid profiles: .*cpu/));
    assert.throws(() => checkNotebookParameters({ ...base, knobs: { epsilons: [] } }), oneLine(/^epsilons is empty/));
    assert.throws(() => checkNotebookParameters({ ...base, knobs: { epsilons: [0.3, 2] } }), oneLine(/epsilons: 2 is not in \(0, 1\]/));
    assert.throws(() => checkNotebookParameters({ ...base, lists: { alphas: { values: [], min: 0 } } }), oneLine(/^alphas is empty/));
    assert.throws(() => checkNotebookParameters({ ...base, lists: { seeds: { values: [0, 1.5], min: 0, integer: true } } }), oneLine(/^seeds: 1\.5 is not an integer ≥ 0/));
    assert.throws(() => checkNotebookParameters({ ...base, lists: { alphas: { values: [0, -1], min: 0 } } }), oneLine(/^alphas: -1 is not a number ≥ 0/));
    assert.throws(() => checkNotebookParameters({ ...base, lists: { betas: { values: [1, 1] } } }), oneLine(/betas lists a value twice/));
    assert.throws(() => checkNotebookParameters({ ...base, rows: { figureRows: ['tradez'] } }), oneLine(/figureRows: unknown row 'tradez'/));
    assert.throws(() => checkNotebookParameters({ ...base, maxComputeMinutes: -1 }), oneLine(/maxComputeMinutes must be a number ≥ 0/));
  });
});

test('cachedOnly in the cell turns $MAT_CACHED_ONLY on; turning it off restores what the kernel started with', () => {
  withEnv({ MAT_PROFILE: undefined, MAT_DATASET: undefined }, () => {
    const before = process.env.MAT_CACHED_ONLY;
    assert.equal(checkNotebookParameters({ ...base, cachedOnly: true }).cachedOnly, true);
    assert.equal(process.env.MAT_CACHED_ONLY, '1');
    checkNotebookParameters({ ...base, cachedOnly: false });
    assert.equal(process.env.MAT_CACHED_ONLY, before);
  });
});

test('the compute budget: within it the plan is listed; over it nothing starts and the error says what and how long', () => {
  withEnv({ MAT_CACHED_ONLY: undefined }, () => {
    const plan = new PipelinePlan();
    plan.add({ step: 'train', subject: 'TRADES', what: 'training 3 epochs on 60000 images', status: 'compute', file: 'runs/x/results.json', estimatedSeconds: 1800 });
    plan.add({ step: 'train', subject: 'Natural', what: 'training', status: 'cached', file: 'data/results/y/results.json' });
    assert.match(enforceComputeBudget(plan, 60), /plan: 1 cached, 1 to compute \(≈ 30 min 00 s estimated\), within maxComputeMinutes = 60:\n {2}compute {2}TRADES/);
    assert.throws(() => enforceComputeBudget(plan, 10), (e: Error) => e.name === 'ComputeBudgetExceeded' &&
      /would compute ≈ 30 min 00 s, over maxComputeMinutes = 10: nothing was started\. Raise maxComputeMinutes \(≥ 30\)/.test(e.message) && /compute {2}TRADES/.test(e.message));
    withEnv({ MAT_CACHED_ONLY: '1' }, () => assert.match(enforceComputeBudget(plan, 10), /cachedOnly: these are skipped, not computed/));
    const cachedOnlyPlan = new PipelinePlan();
    assert.match(enforceComputeBudget(cachedOnlyPlan, 0), /nothing to compute/);
  });
});
