/**
 * The run-folder defects of issue 14, each reproduced: two writers at once, stale locks, a folder whose
 * state.json was deleted, a resume into another architecture/method, hostile weights through the CLI,
 * `ship-results --force` with an incomplete source, and the CLI's weaker points.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../../src/backend';
import { UsageError } from '../../src/cli/args';
import { trainConfigFromFlags } from '../../src/cli/train-command';
import { main } from '../../src/cli/main';
import { loadRunClassifier, runTraining, type TrainRunConfig } from '../../src/run';
import { acquireRunLock, LOCK_FILE, RunLockedError } from '../../src/run/run-lock';
import { currentVersionDir } from '../../src/train/checkpoint-versions';

const ROOT = path.resolve(__dirname, '../../..');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mat-run-'));
const config = (extra: Partial<TrainRunConfig> = {}): TrainRunConfig => ({
  dataset: 'mnist', arch: 'mlp', method: 'natural', methodOptions: {}, epochs: 1, batchSize: 16, optimizer: 'sgd',
  learningRate: 0.05, momentum: 0.9, seed: 1, trainSubset: 32, testSubset: 16, ...extra,
});
const quiet = { onNotice: () => {} };
/** a pid that no process has: a child that has exited */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

before(async () => { await initBackend({ prefer: 'wasm' }); });

test('two writers into one run folder: the second is refused naming the holder, and nothing is lost', async () => {
  const dir = tmp();
  const first = runTraining(config(), dir, quiet);
  await assert.rejects(runTraining(config(), dir, quiet),
    (e: Error) => e instanceof RunLockedError && e.message.includes(`pid ${process.pid} on ${os.hostname()}`) && /started 20\d\d-/.test(e.message));
  const results = await first;
  assert.equal(results.timings.steps, 2);
  assert.ok(!fs.existsSync(path.join(dir, LOCK_FILE)), 'the lock outlived the run');
});

test('a stale lock of a dead process is taken over with a notice; another host\'s lock is refused', async () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: os.hostname(), started: 'then', command: 'mat train' }));
  const notices: string[] = [];
  await runTraining(config(), dir, { onNotice: (m) => notices.push(m) });
  assert.match(notices.join('\n'), /taking over the stale lock of .* no longer running/);
  const other = tmp();
  fs.writeFileSync(path.join(other, LOCK_FILE), JSON.stringify({ pid: 1, host: 'elsewhere', started: 'now', command: 'mat train' }));
  assert.throws(() => acquireRunLock(other), /pid 1 on elsewhere.*another host — delete .*run\.lock if that run is gone/);
});

test('a run folder whose state.json was deleted is never overwritten; eval names the missing file', async () => {
  const dir = tmp();
  await runTraining(config(), dir, quiet);
  const version = currentVersionDir(path.join(dir, 'checkpoint'))!;
  fs.rmSync(path.join(version, 'state.json'));
  const before = { weights: fs.readFileSync(path.join(version, 'weights.bin')), results: fs.readFileSync(path.join(dir, 'results.json')) };
  await assert.rejects(runTraining(config(), dir, quiet), /already holds a checkpoint: pass --resume/);
  await assert.rejects(runTraining(config(), dir, { ...quiet, resume: true }), /holds checkpoint data \(v\d+\) but no complete checkpoint: v\d+\/state.json missing/);
  await assert.rejects(loadRunClassifier(dir), /v\d+\/state.json missing/);
  assert.ok(fs.readFileSync(path.join(version, 'weights.bin')).equals(before.weights), 'weights.bin replaced');
  assert.ok(fs.readFileSync(path.join(dir, 'results.json')).equals(before.results), 'results.json replaced');
  // results without a checkpoint, and the orphans of the old checkpoint writer, are not empty folders either
  fs.rmSync(path.join(dir, 'checkpoint'), { recursive: true });
  await assert.rejects(runTraining(config(), dir, quiet), /holds results.json but no checkpoint to continue/);
  fs.rmSync(path.join(dir, 'results.json'));
  fs.mkdirSync(path.join(dir, 'checkpoint.old-123'));
  await assert.rejects(runTraining(config(), dir, { ...quiet, resume: true }), /holds checkpoint.old-123, left by a crash of an older checkpoint writer/);
});

test('resuming into another architecture or method names the differing keys before any weight is read', async () => {
  const dir = tmp();
  await runTraining(config({ maxSteps: 1 }), dir, quiet);
  await assert.rejects(runTraining(config({ arch: 'smallcnn' }), dir, { ...quiet, resume: true }),
    /different configuration — arch: checkpoint "mlp" vs requested "smallcnn"/);
  await assert.rejects(runTraining(config({ method: 'mmc' }), dir, { ...quiet, resume: true }), /method: checkpoint "natural" vs requested "mmc"/);
  // --max-steps and --epochs may change: the run continues
  const more = await runTraining(config({ epochs: 2 }), dir, { ...quiet, resume: true });
  assert.deepEqual([more.resumedFrom, more.timings.steps], [{ epoch: 0, batch: 1 }, 3]);
});

test('mat eval on hostile weights exits non-zero naming the file and the reason (no hang on /dev/zero)', async () => {
  const dir = tmp();
  await runTraining(config(), dir, quiet);
  const version = currentVersionDir(path.join(dir, 'checkpoint'))!;
  const manifest = JSON.parse(fs.readFileSync(path.join(version, 'model.json'), 'utf8'));
  for (const [p, reason] of [['/dev/zero', /\/dev\/zero: is an absolute path/], ['../../results.json', /contains '\.\.'/]] as const) {
    manifest.weightsManifest[0].paths = [p];
    fs.writeFileSync(path.join(version, 'model.json'), JSON.stringify(manifest));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/src/cli/main.js'), 'eval', '--run', dir, '--attacks', 'pgd', '--test-subset', '8'],
      { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, reason);
    assert.ok(r.stderr.includes(version), r.stderr);
  }
});

test('ship-results --force refuses an incomplete source before touching the shipped folder, and swaps a complete one', () => {
  const from = tmp(), to = tmp();
  const run = (...extra: string[]) => spawnSync(process.execPath,
    [path.join(ROOT, 'scripts/ship-results.mjs'), '--profile', 'p', '--dataset', 'd', '--from', from, '--to', to, ...extra], { encoding: 'utf8' });
  const src = path.join(from, 'p', 'd');
  fs.mkdirSync(path.join(src, 'row', 'checkpoint', 'v000002'), { recursive: true });
  fs.writeFileSync(path.join(src, 'summary.json'), JSON.stringify({ files: ['table.csv'], rows: ['row'] }));
  fs.writeFileSync(path.join(src, 'table.csv'), 'new');
  fs.writeFileSync(path.join(src, 'row', 'results.json'), '{}');
  for (const f of ['model.json', 'weights.bin']) fs.writeFileSync(path.join(src, 'row', 'checkpoint', 'v000002', f), f);
  const shipped = path.join(to, 'p', 'd');
  fs.mkdirSync(shipped, { recursive: true });
  fs.writeFileSync(path.join(shipped, 'table.csv'), 'old');
  const refused = run('--force');
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /the source is incomplete, nothing was changed; missing: .*v000002\/state\.json/);
  assert.deepEqual(fs.readdirSync(path.join(to, 'p')), ['d']);
  assert.equal(fs.readFileSync(path.join(shipped, 'table.csv'), 'utf8'), 'old');
  fs.writeFileSync(path.join(src, 'row', 'checkpoint', 'v000002', 'state.json'), '{}');
  assert.match(run().stderr, /exists; pass --force/);
  const shippedOk = run('--force');
  assert.equal(shippedOk.status, 0, shippedOk.stderr);
  assert.equal(fs.readFileSync(path.join(shipped, 'table.csv'), 'utf8'), 'new');
  assert.deepEqual(fs.readdirSync(path.join(shipped, 'row', 'checkpoint')).sort(), ['model.json', 'state.json', 'weights.bin']);
  assert.deepEqual(fs.readdirSync(path.join(to, 'p')), ['d'], 'a temporary folder was left beside the shipped one');
});

test('CLI: --lr-milestones must be increasing epoch numbers; --checkpoint-every is a flag', async () => {
  assert.throws(() => trainConfigFromFlags({ 'lr-milestones': '-1,0.5' }), (e: Error) => e instanceof UsageError && /strictly increasing epoch numbers/.test(e.message));
  assert.throws(() => trainConfigFromFlags({ 'lr-milestones': '3,2' }), UsageError);
  assert.deepEqual(trainConfigFromFlags({ 'lr-milestones': '2,5' }).lrMilestones, [2, 5]);
  assert.equal(await main(['train', '--checkpoint-every', '0']), 2);
});
