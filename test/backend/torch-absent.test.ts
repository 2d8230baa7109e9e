import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// A machine without libtorch: the addon's build is skipped with one line (npm install does not fail), the
// backend chain passes over torch with the reason, and training runs on the next backend.
const root = path.resolve(__dirname, '..', '..', '..');

test('without a libtorch the addon build prints one line and exits 0, leaving any built addon alone', () => {
  const addon = path.join(root, 'native', 'build', 'torch_addon.node');
  const before = fs.existsSync(addon) ? fs.statSync(addon).mtimeMs : undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, MAT_TORCH_PROBE: 'none' };
  delete env.LIBTORCH;
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-native.mjs'), '--force'], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^native: torch backend not built \(no libtorch: apt-get install libtorch-dev g\+\+, or set LIBTORCH=\/path\/to\/libtorch\); the workbench runs on wasm/);
  assert.equal(r.stdout.trim().split('\n').length, 1);
  assert.equal(fs.existsSync(addon) ? fs.statSync(addon).mtimeMs : undefined, before);
  const required = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-native.mjs'), '--force', '--require'], { env, encoding: 'utf8' });
  assert.equal(required.status, 1, '--require turns the skip into a failure (CI)');
});

test('without the addon, mat train skips torch and trains on wasm', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mat-no-torch-'));
  const env: NodeJS.ProcessEnv = { ...process.env, MAT_TORCH_ADDON: path.join(dir, 'absent', 'torch_addon.node') };
  delete env.MAT_BACKEND;
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'src', 'cli', 'main.js'), 'train', '--train-subset', '256',
    '--test-subset', '128', '--epochs', '1', '--run-dir', path.join(dir, 'run')], { env, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^backend wasm /m);
  const results = JSON.parse(fs.readFileSync(path.join(dir, 'run', 'results.json'), 'utf8'));
  assert.equal(results.provenance.backend.name, 'wasm');
  assert.deepEqual(results.provenance.backend.skipped.map((s: { name: string }) => s.name).filter((n: string) => n.startsWith('torch')), ['torch-cuda', 'torch']);
  assert.match(results.provenance.backend.skipped.find((s: { name: string }) => s.name === 'torch').reason, /libtorch addon not built/);
  fs.rmSync(dir, { recursive: true, force: true });
});
