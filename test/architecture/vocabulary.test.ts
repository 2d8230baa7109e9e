// The source tree keeps one vocabulary: per-dataset facts only in the dataset registry, per-method facts only
// in the method registry, one PGD loop, one projection, one atomic JSON write, and imports that only go down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../src/io/paths';
import { DATASET_NAMES } from '../../src/data';
import { METHOD_NAMES, METHOD_ROWS } from '../../src/methods';

const SRC = path.join(projectRoot(), 'src');

function sourceFiles(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const rel = (file: string) => path.relative(SRC, file).split(path.sep).join('/');
const FILES = sourceFiles().map((file) => ({ file: rel(file), text: fs.readFileSync(file, 'utf8') }));
const quoted = (names: readonly string[]) => names.map((n) => n.replace(/[-]/g, '\\-')).join('|');

/** Lines comparing with, or switching on, one of `names` (`x === 'mnist'`, `'mat' !== m`, `case 'at':`). */
function comparisons(names: readonly string[], allowed: (file: string) => boolean): string[] {
  const q = quoted(names);
  const pattern = new RegExp(`(===|!==)\\s*'(${q})'|'(${q})'\\s*(===|!==)|case\\s+'(${q})'\\s*:`);
  return FILES.filter((f) => !allowed(f.file)).flatMap((f) =>
    f.text.split('\n').flatMap((line, i) => (pattern.test(line) ? [`${f.file}:${i + 1}: ${line.trim()}`] : [])));
}

test('no dataset-name ternary or switch outside the dataset registry', () => {
  const hits = comparisons(DATASET_NAMES, (f) => f === 'data/registry.ts' || f.startsWith('data/datasets/'));
  assert.deepEqual(hits, [], `ask the dataset registry (src/data/registry.ts) instead:\n${hits.join('\n')}`);
});

test('no method-name (or row-key) switch outside the method registry', () => {
  const names = [...METHOD_NAMES, ...Object.keys(METHOD_ROWS)];
  const hits = comparisons(names, (f) => f.startsWith('methods/'));
  assert.deepEqual(hits, [], `ask the method registry (src/methods/registry.ts) instead:\n${hits.join('\n')}`);
  const switches = FILES.filter((f) => !f.file.startsWith('methods/') && /switch\s*\([\w.]*method\)/.test(f.text)).map((f) => f.file);
  assert.deepEqual(switches, []);
});

test('one PGD loop, one projection, one atomic JSON write', () => {
  const having = (re: RegExp) => FILES.filter((f) => re.test(f.text)).map((f) => f.file).sort();
  // the steepest-ascent directions (sign ∇ for L∞, ∇/‖∇‖₂ for L2): only the threat models' records
  assert.deepEqual(having(/\.sign\(\)\.mul\(|tf\.sign\(grad|\bg\.sign\(\)/), ['threat/norm-ball.ts']);
  // the L2 ball's projection (bisection on the scale of δ): only threat/l2-ball.ts
  assert.deepEqual(having(/BISECTION_STEPS/), ['threat/l2-ball.ts']);
  // the box B∞(x, ε) ∩ [0,1]
  assert.deepEqual(having(/maximum\([^)]*sub\([^)]*\)?,?\s*0\)|x\.sub\(eps(ilon)?\), 0/), ['threat/linf-ball.ts']);
  // JSON written via temporary file + rename: only src/io (checkpoints swap whole folders: src/train/checkpoint.ts)
  const atomicJson = FILES.filter((f) => /renameSync\(/.test(f.text) && /JSON\.stringify/.test(f.text)).map((f) => f.file);
  assert.deepEqual(atomicJson.filter((f) => f !== 'train/checkpoint.ts'), ['io/json.ts']);
});

/**
 * The layers, bottom up; a folder imports only from folders of a lower rank:
 * cli → experiments → eval → run → train / methods → attacks → losses → models / charts → data / io → threat / backend.
 * (charts finds the project's PNG rasterizer, scripts/svg-to-png.mjs, through io's projectRoot.)
 */
const RANK: Record<string, number> = {
  backend: 0, threat: 0, analysis: 0,
  io: 1, data: 1,
  models: 2, charts: 2,
  losses: 3,
  attacks: 4,
  train: 5, methods: 5,
  run: 6, tables: 6,
  eval: 7, bench: 7,
  experiments: 8,
  cli: 9,
};

test('imports only go down the layers (no cycles between folders)', () => {
  const problems: string[] = [];
  for (const { file, text } of FILES) {
    const folder = file.split('/')[0];
    if (!file.includes('/')) continue; // src/index.ts re-exports everything
    assert.ok(folder in RANK, `folder src/${folder} has no layer in this test's RANK`);
    for (const m of text.matchAll(/from '((?:\.\.\/)+)([a-z-]+)/g)) {
      const depth = m[1].length / 3;
      const base = path.posix.join(path.posix.dirname(file), ...Array(depth).fill('..'), m[2]);
      const target = base.split('/')[0];
      if (target === folder || !(target in RANK)) continue;
      if (RANK[target] >= RANK[folder]) problems.push(`${file} imports src/${target} (layer ${RANK[target]} ≥ ${RANK[folder]})`);
    }
  }
  assert.deepEqual(problems, []);
});
