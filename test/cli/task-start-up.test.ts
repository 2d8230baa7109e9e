/**
 * A grid task (`mat cell`) trains or attacks one cell and makes no table: it must not load danfojs (≈ 1.5 s of
 * start-up per task), which the merge job and the notebooks load on their first table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const dist = path.join(__dirname, '..', '..', 'src');

test('the modules a grid task loads (mat cell, the experiments API) do not load danfojs; the first table does', () => {
  const probe = `
    const loaded = () => Object.keys(require.cache).filter((f) => f.includes('danfojs')).length;
    require(${JSON.stringify(path.join(dist, 'cli', 'grid-commands.js'))});
    const exp = require(${JSON.stringify(path.join(dist, 'experiments', 'index.js'))});
    const before = loaded();
    exp.frameOf(['a'], [[1]]);
    process.stdout.write(JSON.stringify({ before, after: loaded() > 0 }));`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { ...process.env, MAT_BACKEND: 'cpu' } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { before: 0, after: true });
});
