// Grids as cells (executor seam), the SLURM executor's pure parts, and a results root under ≥ 8 concurrent
// writer processes (the locks the cells and evaluation merges use).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ablationGrid, arraySpec, ensureRows, expandTaskString, PipelinePlan, reproductionGrid, rowWork, stageCells, taskScript,
} from '../../src/experiments';
import { projectRoot } from '../../src/io/paths';

test('a reproduction is one train cell per row, evaluate cells per suite after it, features for the feature rows', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mat-grid-'));
  const results = { root, readRoots: [root] };
  const grid = reproductionGrid('smoke', 'mnist', { rows: ['natural', 'trades'], results });
  assert.deepEqual(stageCells(grid, 'train').map((c) => c.ref), ['natural', 'trades']);
  assert.equal(stageCells(grid, 'evaluate').length, rowWork('natural').suites.length + rowWork('trades').suites.length);
  for (const c of grid.cells.filter((x) => x.stage !== 'train')) {
    assert.deepEqual(c.after, [`train ${path.basename(c.runFolder)}`]);
    assert.ok(grid.cells.some((t) => t.id === c.after[0]));
  }
  // every step the pipeline's own plan lists lies in a cell's run folder
  // (planReproduction's own plan, without its throughput-measured estimates)
  const plan = new PipelinePlan({ estimates: false });
  await ensureRows(['natural', 'trades'], 'smoke', 'mnist', { results, plan, suites: (r) => rowWork(r).suites, features: (r) => rowWork(r).features });
  const folders = new Set(grid.cells.map((c) => path.join(root, c.runFolder)));
  for (const s of plan.steps) assert.ok(folders.has(path.dirname(s.file)), s.file);
  assert.equal(new Set(grid.cells.map((c) => c.id)).size, grid.cells.length);
  // cells are plain JSON (manifest lines)
  assert.deepEqual(JSON.parse(JSON.stringify(grid.cells)), grid.cells);
});

test('an ablation is one train and one evaluate cell per (variant, seed)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mat-grid-'));
  const grid = ablationGrid({ base: 'mat-so-bibo', vary: { alpha: [0.5, 1] }, seeds: [0, 1], attacks: ['pgd'], profile: 'smoke', dataset: 'mnist' }, { results: { root, readRoots: [root] } });
  assert.equal(stageCells(grid, 'train').length, 4);
  assert.equal(stageCells(grid, 'evaluate').length, 4);
  assert.equal(grid.name, 'ablation-mat-so-bibo-alpha');
  assert.ok(stageCells(grid, 'evaluate').every((c) => c.attacks?.join() === 'pgd'));
});

test('array specs and squeue task strings round-trip', () => {
  assert.equal(arraySpec([0, 1, 2, 5, 7, 8]), '0-2,5,7-8');
  assert.deepEqual(expandTaskString('0-2,5,7-8%2'), [0, 1, 2, 5, 7, 8]);
  assert.deepEqual(expandTaskString('3'), [3]);
  assert.deepEqual(expandTaskString('0-6:3'), [0, 3, 6]);
  const script = taskScript('/r/grids/x/train.jsonl', { checkpointEvery: 5 });
  assert.match(script, /cell --manifest \/r\/grids\/x\/train\.jsonl --index "\$SLURM_ARRAY_TASK_ID" --checkpoint-every 5/);
  assert.match(script, /trap .*USR1/);
  assert.match(script, /scontrol requeue/);
});

/** Runs `n` node processes with `code` (the file-lock module as `L`, the worker's number as `W`); their outputs. */
async function workers(n: number, code: string, env: Record<string, string>): Promise<string[]> {
  const lib = path.join(projectRoot(), 'dist', 'src', 'io', 'file-lock.js');
  const json = path.join(projectRoot(), 'dist', 'src', 'io', 'json.js');
  const runs = Array.from({ length: n }, (_, w) => new Promise<string>((resolve, reject) => {
    const p = spawn(process.execPath, ['-e', `const L = require(${JSON.stringify(lib)}); const J = require(${JSON.stringify(json)}); const W = ${w}; (async () => { ${code} })().catch((e) => { console.error(e); process.exit(1); });`],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (rc) => (rc === 0 ? resolve(out) : reject(new Error(`worker ${w} exited ${rc}: ${err}`))));
  }));
  return Promise.all(runs);
}

test('10 concurrent writers merging into one record: every record whole, no update lost', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mat-writers-'));
  const file = path.join(dir, 'evaluation.json');
  // a reader checks the file stays whole JSON while they write
  let torn = 0, reads = 0;
  const reader = setInterval(() => {
    if (!fs.existsSync(file)) return;
    try { JSON.parse(fs.readFileSync(file, 'utf8')); reads++; } catch { torn++; }
  }, 2);
  await workers(10, `
    const file = process.env.FILE;
    for (let i = 0; i < 25; i++) {
      L.withFileLockSync(file + '.lock', () => {
        const cur = require('node:fs').existsSync(file) ? JSON.parse(require('node:fs').readFileSync(file, 'utf8')) : { steps: {} };
        cur.steps['w' + W + '-' + i] = { worker: W, i, pad: 'x'.repeat(2000) };
        J.writeJsonAtomic(file, cur);
      });
    }`, { FILE: file });
  clearInterval(reader);
  const final = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(Object.keys(final.steps).length, 250, 'every writer\'s every update is in the file');
  assert.equal(torn, 0, `${torn} of ${reads + torn} reads saw a torn file`);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['evaluation.json'], 'no lock or temporary left behind');
});

test('8 processes given the same cell: the work is done once, the others wait and find it done', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mat-cell-'));
  const outs = await workers(8, `
    const fs = require('node:fs'), path = require('node:path');
    const dir = process.env.DIR, done = path.join(dir, 'results.json');
    const check = () => fs.existsSync(done);
    if (check()) { console.log('skipped'); return; }
    const lock = await L.acquireFileLock(path.join(dir, 'train.cell.lock'), { purpose: 'worker ' + W, pollMs: 20 });
    try {
      if (check()) { console.log('skipped'); return; }
      fs.appendFileSync(path.join(dir, 'work.log'), 'worked ' + W + '\\n');
      await new Promise((r) => setTimeout(r, 300));
      J.writeJsonAtomic(done, { by: W });
      console.log('worked');
    } finally { lock.release(); }`, { DIR: dir });
  assert.equal(outs.filter((o) => o.trim() === 'worked').length, 1);
  assert.equal(outs.filter((o) => o.trim() === 'skipped').length, 7);
  assert.equal(fs.readFileSync(path.join(dir, 'work.log'), 'utf8').trim().split('\n').length, 1);
});

test('a lock whose holder died is taken over', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mat-stale-'));
  const file = path.join(dir, 'x.lock');
  // a holder that is gone: pid of an exited process
  const dead = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => dead.on('exit', r));
  fs.writeFileSync(file, JSON.stringify({ pid: dead.pid, host: os.hostname(), started: new Date().toISOString(), purpose: 'killed' }));
  const { acquireFileLock } = await import('../../src/io/file-lock');
  const notices: string[] = [];
  const lock = await acquireFileLock(file, { timeoutMs: 5000, notice: (m) => notices.push(m) });
  assert.match(notices.join('\n'), /took over the stale lock/);
  lock.release();
  assert.equal(fs.existsSync(file), false);
});
