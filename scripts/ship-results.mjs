#!/usr/bin/env node
// Copies a finished reproduction (runs/<profile>/<dataset>/) into data/results/<profile>/<dataset>/ for
// shipping: every row's results.json, evaluation.json, features.json and its weights (model.json,
// weights.bin, state.json — not the optimizer state, which only resuming needs), plus the summary,
// the tables (CSV) and the figures (SVG). Refuses to overwrite shipped results unless --force.
//
//   node scripts/ship-results.mjs --profile cpu --dataset mnist [--from runs] [--force]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : args[i + 1];
};
const profile = flag('profile');
const dataset = flag('dataset');
if (!profile || !dataset) {
  console.error('usage: node scripts/ship-results.mjs --profile P --dataset D [--from runs] [--force]');
  process.exit(2);
}
const from = path.resolve(root, flag('from', 'runs'), profile, dataset);
const to = path.join(root, 'data', 'results', profile, dataset);
if (!fs.existsSync(path.join(from, 'summary.json'))) {
  console.error(`ship-results: ${from} has no summary.json — run \`npm run reproduce -- --profile ${profile} --dataset ${dataset}\` to the end first`);
  process.exit(1);
}
if (fs.existsSync(to) && !args.includes('--force')) {
  console.error(`ship-results: ${path.relative(root, to)} exists; pass --force to replace it`);
  process.exit(1);
}
fs.rmSync(to, { recursive: true, force: true });
fs.mkdirSync(to, { recursive: true });

const ROW_FILES = ['results.json', 'evaluation.json', 'features.json'];
const WEIGHT_FILES = ['model.json', 'weights.bin', 'state.json'];
let bytes = 0;
const copy = (src, dst) => {
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  fs.copyFileSync(src, dst);
  bytes += fs.statSync(dst).size;
};
const summary = JSON.parse(fs.readFileSync(path.join(from, 'summary.json'), 'utf8'));
for (const file of summary.files) copy(path.join(from, file), path.join(to, file));
// 01-tour's small MAT run, when a notebook made it (so the notebooks render the shipped results cached-only)
const extra = fs.existsSync(path.join(from, 'tour-mat-so', 'results.json')) ? ['tour-mat-so'] : [];
for (const row of [...summary.rows, ...extra]) {
  const src = path.join(from, row);
  for (const f of ROW_FILES) if (fs.existsSync(path.join(src, f))) copy(path.join(src, f), path.join(to, row, f));
  for (const f of WEIGHT_FILES) copy(path.join(src, 'checkpoint', f), path.join(to, row, 'checkpoint', f));
}
console.log(`ship-results: ${summary.rows.length} rows${extra.length ? ' + the tour run' : ''} → ${path.relative(root, to)} (${(bytes / 1e6).toFixed(1)} MB)`);
