#!/usr/bin/env node
// Copies a finished reproduction (runs/<profile>/<dataset>/) into data/results/<profile>/<dataset>/ for
// shipping: every row's results.json, evaluation.json, features.json and its weights (model.json,
// weights.bin, state.json — not the optimizer state, which only resuming needs), plus the summary,
// the tables (CSV) and the figures (SVG). Refuses to overwrite shipped results unless --force.
//
//   node scripts/ship-results.mjs --profile cpu --dataset mnist [--from runs] [--to data/results] [--force]
//
// --force builds the new folder beside the old one and swaps them at the end; a source with any file
// missing is refused before anything is touched.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// the checkpoint layout is read by the workbench's own code (npm run build first)
const { committedVersions, currentVersionDir, versionName } = createRequire(import.meta.url)('../dist/src/train/checkpoint-versions.js');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : args[i + 1];
};
const profile = flag('profile');
const dataset = flag('dataset');
if (!profile || !dataset) {
  console.error('usage: node scripts/ship-results.mjs --profile P --dataset D [--from runs] [--to data/results] [--force]');
  process.exit(2);
}
const from = path.resolve(root, flag('from', 'runs'), profile, dataset);
const to = path.join(path.resolve(root, flag('to', path.join('data', 'results'))), profile, dataset);
const fail = (message) => {
  console.error(`ship-results: ${message}`);
  process.exit(1);
};
if (!fs.existsSync(path.join(from, 'summary.json'))) {
  fail(`${from} has no summary.json — run \`npm run reproduce -- --profile ${profile} --dataset ${dataset}\` to the end first`);
}
if (fs.existsSync(to) && !args.includes('--force')) fail(`${path.relative(root, to)} exists; pass --force to replace it`);

const ROW_FILES = ['results.json', 'evaluation.json', 'features.json'];
const WEIGHT_FILES = ['model.json', 'weights.bin', 'state.json'];
/** a checkpoint folder's newest complete version, else its newest version (to name what is missing), else the folder (flat layout) */
const checkpointVersion = (dir) => {
  const newest = committedVersions(dir)[0];
  return currentVersionDir(dir) ?? (newest === undefined ? dir : path.join(dir, versionName(newest)));
};

// plan every copy and check every source before anything is written or deleted
let summary;
try {
  summary = JSON.parse(fs.readFileSync(path.join(from, 'summary.json'), 'utf8'));
} catch (err) {
  fail(`${path.join(from, 'summary.json')} is not valid JSON (${err.message})`);
}
if (!Array.isArray(summary.files) || !Array.isArray(summary.rows)) fail(`${path.join(from, 'summary.json')} lacks its files/rows lists`);
const copies = summary.files.map((file) => [path.join(from, file), file]);
// 01-tour's small MAT run, when a notebook made it (so the notebooks render the shipped results cached-only)
const extra = fs.existsSync(path.join(from, 'tour-mat-so', 'results.json')) ? ['tour-mat-so'] : [];
for (const row of [...summary.rows, ...extra]) {
  const src = path.join(from, row);
  if (!fs.existsSync(path.join(src, 'results.json'))) fail(`${path.join(src, 'results.json')} is missing: row '${row}' did not finish`);
  for (const f of ROW_FILES) if (fs.existsSync(path.join(src, f))) copies.push([path.join(src, f), path.join(row, f)]);
  const weights = checkpointVersion(path.join(src, 'checkpoint'));
  for (const f of WEIGHT_FILES) copies.push([path.join(weights, f), path.join(row, 'checkpoint', f)]);
}
const missing = copies.filter(([src]) => !fs.statSync(src, { throwIfNoEntry: false })?.isFile()).map(([src]) => src);
if (missing.length) fail(`the source is incomplete, nothing was changed; missing: ${missing.join(', ')}`);

// build the new folder beside the old one, then swap: the shipped results are never absent or half-written
const incoming = `${to}.incoming-${process.pid}`;
const outgoing = `${to}.outgoing-${process.pid}`;
let bytes = 0;
try {
  for (const [src, rel] of copies) {
    const dst = path.join(incoming, rel);
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.copyFileSync(src, dst);
    bytes += fs.statSync(dst).size;
  }
} catch (err) {
  fs.rmSync(incoming, { recursive: true, force: true });
  fail(`copying failed, nothing was changed: ${err.message}`);
}
if (fs.existsSync(to)) fs.renameSync(to, outgoing);
fs.renameSync(incoming, to);
fs.rmSync(outgoing, { recursive: true, force: true });
console.log(`ship-results: ${summary.rows.length} rows${extra.length ? ' + the tour run' : ''} → ${path.relative(root, to)} (${(bytes / 1e6).toFixed(1)} MB)`);
