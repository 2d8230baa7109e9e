/** scripts/compare-results-roots.mjs: equal results in two roots pass; a changed number or a missing file fails, named. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../../src/io/paths';

const script = path.join(projectRoot(), 'scripts', 'compare-results-roots.mjs');
const compare = (a: string, b: string) => spawnSync(process.execPath, [script, a, b], { encoding: 'utf8' });

function writeRoot(root: string, o: { accuracy: number; startedAt: string; layer: string; weights: number[] }): void {
  const run = path.join(root, 'smoke', 'mnist', 'at-0123');
  fs.mkdirSync(path.join(run, 'checkpoint'), { recursive: true });
  fs.writeFileSync(path.join(run, 'results.json'), JSON.stringify({
    metrics: { cleanTestAccuracy: o.accuracy }, runDir: run, timings: { trainSeconds: Math.random() },
    provenance: { startedAt: o.startedAt, host: os.hostname() },
  }));
  fs.writeFileSync(path.join(run, 'checkpoint', 'model.json'), JSON.stringify({
    modelTopology: { layers: [{ name: o.layer, inbound_nodes: [] }, { name: 'dense', inbound_nodes: [[[o.layer]]] }] },
  }));
  fs.writeFileSync(path.join(run, 'checkpoint', 'weights.bin'), Buffer.from(Float32Array.from(o.weights).buffer));
  fs.mkdirSync(path.join(root, 'smoke', 'mnist', 'grids'), { recursive: true });
  fs.writeFileSync(path.join(root, 'smoke', 'mnist', 'grids', 'only-here.json'), '{}'); // SLURM bookkeeping: not compared
}

test('compare-results-roots: provenance, timings, paths and generated layer names set aside; a changed value or file fails', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mat-compare-'));
  try {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => path.join(tmp, n));
    writeRoot(a, { accuracy: 0.9, startedAt: '2026-01-01', layer: 'conv2d_Conv2D5', weights: [1, 2] });
    writeRoot(b, { accuracy: 0.9, startedAt: '2026-02-02', layer: 'conv2d_Conv2D17', weights: [1, 2] });
    const same = compare(a, b);
    assert.equal(same.status, 0, same.stdout + same.stderr);
    assert.match(same.stdout, /1 files byte-identical, 2 identical apart from .*, 0 different, 0 in one root only/);

    writeRoot(c, { accuracy: 0.8, startedAt: '2026-01-01', layer: 'conv2d_Conv2D5', weights: [1, 3] });
    const changed = compare(a, c);
    assert.equal(changed.status, 1);
    assert.match(changed.stdout, /different {2}smoke\/mnist\/at-0123\/results\.json {2}\.metrics\.cleanTestAccuracy: 0\.9 vs 0\.8/);
    assert.match(changed.stdout, /different {2}smoke\/mnist\/at-0123\/checkpoint\/weights\.bin {2}bytes differ/);

    writeRoot(d, { accuracy: 0.9, startedAt: '2026-01-01', layer: 'conv2d_Conv2D5', weights: [1, 2] });
    fs.rmSync(path.join(d, 'smoke', 'mnist', 'at-0123', 'checkpoint', 'weights.bin'));
    const missing = compare(a, d);
    assert.equal(missing.status, 1);
    assert.match(missing.stdout, /only in A {2}smoke\/mnist\/at-0123\/checkpoint\/weights\.bin/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
