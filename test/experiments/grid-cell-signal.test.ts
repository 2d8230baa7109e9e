/**
 * A grid task told to stop (SLURM's time-limit USR1, scancel's SIGTERM) stops the way Ctrl-C stops a local
 * run — one cancellation mechanism: training checkpoints after its batch, an evaluation keeps its finished
 * steps; the task exits 75 and records 'interrupted'; run again, it resumes and completes. No SLURM needed:
 * the grid is written with a stand-in sbatch and its tasks run here as `mat cell` would under SLURM.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ablationGrid, gridStatus, INTERRUPTED_EXIT, submitGrid, taskRecordFile } from '../../src/experiments';
import { projectRoot } from '../../src/io/paths';

const mainJs = path.join(projectRoot(), 'dist', 'src', 'cli', 'main.js');

/** Runs `mat cell` on one manifest line; sends `signal` `afterMs` after stderr matches `when`. Exit status and stderr. */
function runCell(manifest: string, index: number, stop?: { signal: NodeJS.Signals; when: RegExp; afterMs?: number }, env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [mainJs, 'cell', '--manifest', manifest, '--index', String(index)], {
      env: { ...process.env, MAT_TORCH_THREADS: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '', sent = false;
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stop && !sent && stop.when.test(stderr)) { sent = true; setTimeout(() => p.kill(stop.signal), stop.afterMs ?? 0); }
    });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stderr }));
  });
}

const taskState = (dir: string, stage: 'train' | 'evaluate') => (JSON.parse(fs.readFileSync(taskRecordFile(dir, stage, 0), 'utf8')) as { state: string }).state;

test('USR1 mid-training checkpoints and exits 75 (interrupted); SIGTERM mid-evaluation keeps finished steps; both resume to done', { timeout: 300_000 }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mat-cell-signal-'));
  try {
    const results = { root, readRoots: [root] };
    const grid = ablationGrid({ base: 'mat-so-bibo', vary: { steps: [30] }, seeds: [0], attacks: ['pgd', 'apgd-dlr'], profile: 'smoke', dataset: 'mnist' }, { results });
    let job = 100;
    const { dir } = await submitGrid(grid, { results, run: () => `${job++}\n` }); // a stand-in sbatch: manifests and scripts only
    const trainManifest = path.join(dir, 'train.jsonl'), evalManifest = path.join(dir, 'evaluate.jsonl');
    const runFolder = path.join(root, grid.cells[0].runFolder);

    // training: the signal arrives a few batches into the training (the smoke budget stops at step 16, ≈ 1 s each)
    const stopped = await runCell(trainManifest, 0, { signal: 'SIGUSR1', when: /: training mnist/, afterMs: 4000 },
      { SLURM_ARRAY_JOB_ID: '100', SLURM_ARRAY_TASK_ID: '0' });
    assert.equal(stopped.code, INTERRUPTED_EXIT, stopped.stderr);
    assert.match(stopped.stderr, /SIGUSR1: checkpointing after the current batch/);
    assert.match(stopped.stderr, /training stopped at epoch 1\/1, batch \d+\/\d+ \(step \d+\), checkpoint saved/);
    assert.equal(taskState(dir, 'train'), 'interrupted');
    assert.ok(fs.existsSync(path.join(runFolder, 'checkpoint')), 'a checkpoint was written');
    assert.ok(!fs.existsSync(path.join(runFolder, 'results.json')), 'the training is not complete');
    // SLURM requeues it under the same job id, held until its BeginTime: mat status says why it waits
    const squeue = JSON.stringify({ jobs: [{ job_id: 104, array_job_id: { set: true, number: 100 }, array_task_id: { set: true, number: 0 }, job_state: ['PENDING'], state_reason: 'BeginTime' }] });
    const waiting = (await gridStatus(dir, () => squeue)).cells.find((c) => c.cell.stage === 'train')!;
    assert.equal(waiting.state, 'pending');
    assert.match(waiting.detail ?? '', /^requeued after a checkpoint \(.+\), BeginTime$/);
    const resumed = await runCell(trainManifest, 0);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming/);
    assert.equal(taskState(dir, 'train'), 'done');

    // evaluation: SIGTERM once the first attack's step is stored (the second starts); that step is kept
    const cut = await runCell(evalManifest, 0, { signal: 'SIGTERM', when: /pgd@[\d.]+ robust/ });
    assert.equal(cut.code, INTERRUPTED_EXIT, cut.stderr);
    assert.equal(taskState(dir, 'evaluate'), 'interrupted');
    const steps = Object.keys((JSON.parse(fs.readFileSync(path.join(runFolder, 'evaluation.json'), 'utf8')) as { steps: object }).steps);
    assert.ok(steps.some((k) => k.startsWith('pgd@')) && !steps.some((k) => k.startsWith('apgd-dlr@')), `steps kept: ${steps}`);
    const finished = await runCell(evalManifest, 0);
    assert.equal(finished.code, 0, finished.stderr);
    assert.equal(taskState(dir, 'evaluate'), 'done');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
