/** `mat` answers --help and bad flags before any backend (or TensorFlow.js) loads; the demo's table and progress line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { skippedNativeLine } from '../../src/cli/main';
import { alignedTable } from '../../src/cli/text-table';
import { JobProgress } from '../../src/cli/job-progress';

const mainJs = path.join(__dirname, '..', '..', 'src', 'cli', 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [mainJs, ...args], { encoding: 'utf8', env: { ...process.env, MAT_BACKEND: '' } });

test('mat --help loads no TensorFlow.js module and lists every command', () => {
  const probe = `require(${JSON.stringify(mainJs)}).main(['--help']).then((code) => process.stderr.write(JSON.stringify({ code, ` +
    `tf: Object.keys(require.cache).filter((f) => f.includes('@tensorflow') || f.includes('danfojs')).length })))`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(r.stderr), { code: 0, tf: 0 });
  for (const c of ['train', 'eval', 'bench', 'demo', 'analyze', 'reproduce', 'reproduction-doc']) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
});

test('a bad flag or --help is answered before the backend starts (no backend line)', () => {
  const bad = run(['demo', '--epochs', 'x']);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, "mat demo: --epochs must be an integer, got 'x'\n");
  const unknown = run(['train', '--bogus']);
  assert.equal(unknown.status, 2);
  assert.doesNotMatch(unknown.stderr, /backend/);
  const help = run(['eval', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^mat eval/);
  assert.equal(help.stderr, '');
});

test('skipped native backends: one line, each with why and how to get it; nothing when none was skipped', () => {
  const line = skippedNativeLine([
    { name: 'node-gpu', reason: "Cannot find module '@tensorflow/tfjs-node-gpu'" }, { name: 'torch', reason: 'no libtorch found' },
    { name: 'wasm', reason: 'not a native one' },
  ]);
  assert.equal(line.split('\n').length, 2);
  assert.match(line, /node-gpu: not installed → npm i @tensorflow\/tfjs-node-gpu/);
  assert.match(line, /torch: no libtorch found → apt-get install libtorch-dev g\+\+ && npm install/);
  assert.doesNotMatch(line, /wasm/);
  assert.equal(skippedNativeLine([{ name: 'cpu', reason: 'x' }]), '');
});

test('alignedTable: columns line up, numbers right-aligned', () => {
  const t = alignedTable(['Defense', 'Clean', 'train time'], [['Natural', '98.90 %', '64 s'], ['MAT (FTC + SO, α=1)', '9.10 %', '120 s']]);
  const lines = t.trimEnd().split('\n');
  assert.equal(new Set(lines.map((l) => [...l].length)).size, 1, t);
  assert.equal(lines[2], '| Natural             | 98.90 % |       64 s |');
  assert.equal(lines[1], '|---------------------|--------:|-----------:|');
  assert.throws(() => alignedTable(['a', 'b'], [['1']]), RangeError);
});

test('JobProgress: one line with model, phase, the whole job\'s share and an ETA; skipped work leaves the total', () => {
  const sink = { isTTY: false, out: '', write(s: string) { this.out += s; return true; } };
  const job = new JobProgress(1000, sink as unknown as NodeJS.WriteStream, 3600);
  job.begin('1/2 Natural', 'train');
  job.update(250, 'batch 2/8');
  assert.match(job.line('batch 2/8'), /^\[1\/2 Natural\] train batch 2\/8 · job 25 % · elapsed \d+:\d\d · ETA \d+:\d\d$/);
  job.skip(500);
  assert.match(job.line(), /job 50 %/);
  job.begin('2/2 MAT', 'evaluate pgd@0.3');
  job.update(100);
  job.update(50); // progress within a phase never goes back
  assert.match(job.line(), /^\[2\/2 MAT\] evaluate pgd@0\.3 · job 70 %/);
  assert.match(sink.out, /^\[1\/2 Natural\] train · job 0 %/);
});
