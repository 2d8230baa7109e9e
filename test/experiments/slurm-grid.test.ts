// A smoke-profile ablation grid (2 settings × 2 seeds) on a real SLURM: submitted as job arrays, one training
// task cancelled with scancel mid-training and the grid re-submitted (the task resumes from its checkpoint),
// `mat status` checked throughout, and the merge job's table equal to a local run's. Uses a SLURM that
// answers (SLURM_CONF), else starts the one-node cluster of scripts/slurm-local.sh (root + slurm-wlm + munge)
// and stops it at the end. Skipped with a line saying so where neither is possible; required when CI=true or
// MAT_REQUIRE_SLURM=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gridStatus, queueEntries, readGridRecord, slurmAvailable, ACTIVE_STATES, type CellStatus } from '../../src/experiments';
import { projectRoot } from '../../src/io/paths';

const ROOT = projectRoot();
const CLI = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const SCRIPT = path.join(ROOT, 'scripts', 'slurm-local.sh');
const REQUIRED = process.env.CI === 'true' || process.env.MAT_REQUIRE_SLURM === '1';
const GRID = ['ablate', '--profile', 'smoke', '--dataset', 'mnist', '--base', 'mat-so-bibo', '--vary', 'alpha=0.5,1', '--seeds', '0,1', '--attacks', 'pgd'];

const hasBinary = (b: string) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0;

/** Makes a SLURM answer: the caller's, or a local one we start (and later stop). */
function ensureSlurm(): { ok: boolean; started: boolean; why?: string } {
  if (process.env.SLURM_CONF && slurmAvailable()) return { ok: true, started: false };
  const missing = ['sbatch', 'squeue', 'slurmctld', 'slurmd', 'munged'].filter((b) => !hasBinary(b));
  if (missing.length) return { ok: false, started: false, why: `${missing.join(', ')} not installed (apt-get install slurm-wlm munge)` };
  if (process.getuid?.() !== 0) return { ok: false, started: false, why: 'not root (scripts/slurm-local.sh starts slurmd)' };
  const r = spawnSync('bash', [SCRIPT, 'start'], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, started: false, why: `scripts/slurm-local.sh start failed: ${r.stderr.trim().split('\n').slice(-3).join(' / ')}` };
  process.env.SLURM_CONF = execFileSync('bash', [SCRIPT, 'env'], { encoding: 'utf8' }).trim().replace(/^export SLURM_CONF=/, '');
  return { ok: slurmAvailable(), started: true };
}

const mat = (args: string[], env: Record<string, string> = {}) =>
  execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, seconds: number, f: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await sleep(300);
  }
}

const states = (cells: CellStatus[]) => cells.map((c) => `${c.cell.stage}:${c.index}=${c.state}`).join(' ');

test('a smoke grid as SLURM job arrays: cancel a training task, re-submit, it resumes; merged table equals a local run', { timeout: 540_000 }, async (t) => {
  if (process.env.MAT_TEST_BACKEND && process.env.MAT_REQUIRE_SLURM !== '1') {
    // the tasks are `mat` processes that choose their own backend: once per CI run is enough
    t.skip('SLURM integration test runs in `npm test` only (set MAT_REQUIRE_SLURM=1 to run it here too)');
    return;
  }
  const slurm = ensureSlurm();
  if (!slurm.ok) {
    if (REQUIRED) assert.fail(`SLURM required (CI=true or MAT_REQUIRE_SLURM=1) but unavailable: ${slurm.why}`);
    t.skip(`SLURM integration test skipped: ${slurm.why}`);
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mat-slurm-grid-'));
  const local = path.join(tmp, 'local'), cluster = path.join(tmp, 'cluster');
  try {
    // 1. submit; the training tasks checkpoint every step so one can be cancelled with a checkpoint on disk
    const submitted = mat([...GRID, '--results-root', cluster, '--executor', 'slurm', '--max-parallel', '2', '--checkpoint-every', '1']);
    const dir = /grid: (.+)/.exec(submitted)![1].trim();
    const record = readGridRecord(dir);
    assert.equal(record.cells.length, 8);
    const first = await gridStatus(dir);
    assert.ok(first.cells.every((c) => c.state === 'pending' || c.state === 'running'), states(first.cells));

    // 2. the first training task, once it is running and has written a checkpoint: scancel it
    const victim = record.cells.find((c) => c.stage === 'train')!;
    const runDir = path.join(cluster, victim.runFolder);
    await until('a checkpoint of the first training task', 240, () => fs.existsSync(path.join(runDir, 'checkpoint')) && !fs.existsSync(path.join(runDir, 'results.json')));
    const running = await gridStatus(dir);
    const v = running.cells.find((c) => c.cell.id === victim.id)!;
    assert.equal(v.state, 'running', states(running.cells));
    execFileSync('scancel', [v.job!]);
    // the rest of the training array finishes; the stages after it are cancelled (afterok can no longer hold)
    const trainJob = record.submissions[0].jobs.train!;
    await until('the first submission to leave the queue', 240, () =>
      queueEntries(Object.values(record.submissions[0].jobs) as string[]).every((e) => !ACTIVE_STATES.has(e.state)));
    const after = await gridStatus(dir);
    const vs = after.cells.find((c) => c.cell.id === victim.id)!;
    assert.ok(vs.state === 'interrupted' || vs.state === 'failed', `cancelled task: ${states(after.cells)}`);
    assert.equal(after.cells.filter((c) => c.cell.stage === 'train' && c.state === 'done').length, 3, states(after.cells));
    assert.ok(after.cells.filter((c) => c.cell.stage === 'evaluate').every((c) => c.state !== 'done' && c.state !== 'running'), states(after.cells));
    assert.ok(trainJob);
    const status = mat(['status', '--grid', dir]);
    assert.match(status, /8 cells: .*3 done/);
    assert.match(status, /1 (interrupted|failed)/);
    process.stderr.write(`mat status after the scancel:\n${status}`);

    // 3. re-submit the same command: only the 5 incomplete cells go; the cancelled one resumes from its checkpoint
    const again = mat([...GRID, '--results-root', cluster, '--executor', 'slurm', '--max-parallel', '2', '--checkpoint-every', '1']);
    assert.match(again, /submitted 5 of 8 cells \(3 complete\)/);
    const rec2 = readGridRecord(dir);
    await until('the re-submission (and its merge job) to finish', 300, () =>
      queueEntries(Object.values(rec2.submissions[1].jobs) as string[]).every((e) => !ACTIVE_STATES.has(e.state)));
    const done = await gridStatus(dir);
    assert.ok(done.cells.every((c) => c.state === 'done'), states(done.cells));
    const resumed = JSON.parse(fs.readFileSync(path.join(runDir, 'results.json'), 'utf8'));
    assert.ok(resumed.resumedFrom && resumed.resumedFrom.batch + resumed.resumedFrom.epoch > 0, `resumedFrom: ${JSON.stringify(resumed.resumedFrom)}`);
    const mergeLog = fs.readdirSync(path.join(dir, 'logs')).find((f) => f.includes('merge') && f.endsWith(`${rec2.submissions[1].jobs.merge}.out`));
    assert.ok(mergeLog, 'merge job log');

    // 4. the same grid run locally: the merged table is the local one, byte for byte
    // with the tasks' thread count (one per SLURM CPU): libtorch's sums depend on it in the last bits
    mat([...GRID, '--results-root', local], { MAT_TORCH_THREADS: '1', MAT_WASM_THREADS: '1' });
    const csv = (root: string) => fs.readFileSync(path.join(root, 'smoke', 'mnist', 'ablations', 'mat-so-bibo-alpha.csv'), 'utf8');
    assert.equal(csv(cluster), csv(local));
  } finally {
    if (slurm.started) {
      const r = spawnSync('bash', [SCRIPT, 'stop'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(slurmAvailable(), false, 'the local SLURM is stopped');
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
