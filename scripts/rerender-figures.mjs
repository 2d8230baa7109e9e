#!/usr/bin/env node
// Re-renders every shipped figure (data/results/<profile>/<dataset>/*.svg and ablations/*.svg) from the
// cached results, computing nothing: `mat reproduce` with MAT_CACHED_ONLY=1 into a scratch root (the shipped
// results are looked up first), and each ablation's charts from the rows stored in its record. A folder's
// SVGs are copied over the shipped ones (--write) only where the re-rendered CSVs are byte-identical to the
// shipped ones, so the figures show the same data. Needs `npm run build`.
//
// usage: node scripts/rerender-figures.mjs [--write] [--ignore-csv NAME ...]
//   --ignore-csv NAME  a CSV no figure draws from that may differ (e.g. attack-summary: columns added since)
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './install-kernel.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const write = args.includes('--write');
const ignored = new Set(args.flatMap((a, i) => (args[i - 1] === '--ignore-csv' ? [a.replace(/\.csv$/, '')] : [])));
const shipped = join(PROJECT_ROOT, 'data', 'results');
const cli = join(PROJECT_ROOT, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(cli)) throw new Error('dist/ is missing: run npm run build first');
const scratch = mkdtempSync(join(tmpdir(), 'mat-rerender-'));
const same = (a, b) => existsSync(b) && readFileSync(a).equals(readFileSync(b));

/** Compares the CSVs of a re-rendered folder with the shipped one; copies its SVGs where all agree. */
function settle(label, outDir, shippedDir) {
  const diffs = readdirSync(outDir).filter((f) => f.endsWith('.csv') && !ignored.has(f.slice(0, -4)) && !same(join(outDir, f), join(shippedDir, f)));
  const svgs = readdirSync(outDir).filter((f) => f.endsWith('.svg'));
  if (diffs.length) { console.log(`${label}: NOT copied, CSVs differ: ${diffs.join(', ')}`); return; }
  const changed = svgs.filter((f) => !same(join(outDir, f), join(shippedDir, f)));
  if (write) for (const f of changed) copyFileSync(join(outDir, f), join(shippedDir, f));
  console.log(`${label}: CSVs byte-identical; ${changed.length} of ${svgs.length} SVGs differ from the shipped ones${changed.length ? (write ? ', copied' : ' (--write copies them)') : ''}`);
}

try {
  for (const profile of readdirSync(shipped)) {
    for (const dataset of readdirSync(join(shipped, profile))) {
      const dir = join(shipped, profile, dataset);
      if (!existsSync(join(dir, 'summary.json'))) continue;
      const { rows } = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
      const out = execFileSync(process.execPath, [cli, 'reproduce', '--profile', profile, '--dataset', dataset, '--rows', rows.join(','), '--results-root', scratch],
        { env: { ...process.env, MAT_CACHED_ONLY: '1' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      console.log(`${profile}/${dataset}: ${out.trim().split('\n').pop()}`);
      settle(`${profile}/${dataset}`, join(scratch, profile, dataset), dir);
      const ablations = join(dir, 'ablations');
      if (!existsSync(ablations)) continue;
      const ab = require(join(PROJECT_ROOT, 'dist', 'src', 'experiments', 'ablation.js'));
      const { renderSvg } = require(join(PROJECT_ROOT, 'dist', 'src', 'charts', 'index.js'));
      const { toCsv } = require(join(PROJECT_ROOT, 'dist', 'src', 'tables', 'index.js'));
      const abOut = mkdtempSync(join(scratch, 'ablations-'));
      for (const file of readdirSync(ablations).filter((f) => f.endsWith('.json'))) {
        const rec = JSON.parse(readFileSync(join(ablations, file), 'utf8'));
        writeFileSync(join(abOut, `${rec.name}.csv`), toCsv(ab.ablationFrame(rec.rows, Object.keys(rec.vary))));
        for (const [p, spec] of Object.entries(ab.ablationCharts(rec.rows, rec))) writeFileSync(join(abOut, `${rec.name}-${p}.svg`), await renderSvg(spec));
      }
      settle(`${profile}/${dataset}/ablations`, abOut, ablations);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
