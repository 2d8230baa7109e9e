#!/usr/bin/env node
// Copies a finished reproduction (runs/<profile>/<dataset>/) into data/results/<profile>/<dataset>/ for
// shipping: every row's results.json, evaluation.json, features.json and its weights (model.json,
// weights.bin, state.json — not the optimizer state, which only resuming needs), plus the summary,
// the tables (CSV) and the figures (SVG). Refuses to overwrite shipped results unless --force.
//
//   node scripts/ship-results.mjs --profile cpu --dataset mnist [--from runs] [--to data/results] [--force]
//   node scripts/ship-results.mjs --profile cpu --dataset mnist --ablation NAME [--from runs] [--to data/results]
//
// --ablation adds one finished ablation (`mat ablate`, `mat.ablate`) to the shipped results: its record, table
// and charts under ablations/, and every run of it that is not shipped yet (its <row>-<hash>/ folder: results,
// evaluation, features, weights). Shipped files are never replaced: an existing file that differs is an error.
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
const ROW_FILES = ['results.json', 'evaluation.json', 'features.json'];
const WEIGHT_FILES = ['model.json', 'weights.bin', 'state.json'];
/** a checkpoint folder's newest complete version, else its newest version (to name what is missing), else the folder (flat layout) */
const checkpointVersion = (dir) => {
  const newest = committedVersions(dir)[0];
  return currentVersionDir(dir) ?? (newest === undefined ? dir : path.join(dir, versionName(newest)));
};

if (args.includes('--ablation')) shipAblation(flag('ablation'));
if (!fs.existsSync(path.join(from, 'summary.json'))) {
  fail(`${from} has no summary.json — run \`npm run reproduce -- --profile ${profile} --dataset ${dataset}\` to the end first`);
}
if (fs.existsSync(to) && !args.includes('--force')) fail(`${path.relative(root, to)} exists; pass --force to replace it`);

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
  // runs are in <row>-<config hash>/ (summary.runFolders); older reproductions wrote <row>/
  const folder = summary.runFolders?.[row] ?? row;
  // a run found under a read root (e.g. the shipped results themselves) is recorded relative to that root:
  // copying it from there would write outside the destination and drop the shipped folder
  if (path.relative(from, path.join(from, folder)).startsWith('..')) {
    fail(`row '${row}': the summary's run folder ${folder} lies outside ${from} (the run was read from another results root); nothing was changed`);
  }
  const src = path.join(from, folder);
  if (!fs.existsSync(path.join(src, 'results.json'))) fail(`${path.join(src, 'results.json')} is missing: row '${row}' did not finish`);
  for (const f of ROW_FILES) if (fs.existsSync(path.join(src, f))) copies.push([path.join(src, f), path.join(folder, f)]);
  const weights = checkpointVersion(path.join(src, 'checkpoint'));
  for (const f of WEIGHT_FILES) copies.push([path.join(weights, f), path.join(folder, 'checkpoint', f)]);
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

/** Adds an ablation and its unshipped runs to the shipped results (never replacing a shipped file). */
function shipAblation(name) {
  if (!name) fail('--ablation needs the ablation name (the file name under <from>/<profile>/<dataset>/ablations/)');
  const recordFile = path.join(from, 'ablations', `${name}.json`);
  let record;
  try {
    record = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
  } catch (err) {
    fail(`${recordFile}: ${err.code === 'ENOENT' ? 'no such ablation — run `mat ablate … --name ' + name + '` first' : `not valid JSON (${err.message})`}`);
  }
  if (record.kind !== 'ablation' || !Array.isArray(record.runs) || !Array.isArray(record.files)) fail(`${recordFile} is not an ablation record`);
  const inside = (p, dir) => !path.relative(dir, p).startsWith('..');
  const copies = [];
  const shipped = { ...record, runs: [] };
  for (const run of record.runs) {
    const runDir = path.resolve(root, run.runDir);
    const evaluation = path.resolve(root, run.evaluationFile);
    if (inside(runDir, to)) {
      // trained model already shipped; its evaluation may have gained steps in the write root
      if (!inside(evaluation, to)) copies.push([evaluation, path.join(path.basename(path.dirname(evaluation)), 'evaluation.json')]);
      shipped.runs.push(run);
      continue;
    }
    if (!inside(runDir, from)) fail(`${run.runDir} is neither under ${path.relative(root, from)} nor shipped`);
    const folder = path.relative(from, runDir);
    for (const f of ROW_FILES) if (fs.existsSync(path.join(runDir, f))) copies.push([path.join(runDir, f), path.join(folder, f)]);
    const weights = checkpointVersion(path.join(runDir, 'checkpoint'));
    for (const f of WEIGHT_FILES) copies.push([path.join(weights, f), path.join(folder, 'checkpoint', f)]);
    const moved = (p) => path.relative(root, path.join(to, path.relative(from, path.resolve(root, p))));
    shipped.runs.push({ ...run, runDir: moved(run.runDir), evaluationFile: moved(run.evaluationFile) });
  }
  for (const f of record.files) copies.push([path.join(from, 'ablations', f), path.join('ablations', f)]);
  for (const f of fs.readdirSync(path.join(from, 'ablations'))) {
    if (f.startsWith(`${name}-`) && f.endsWith('.svg')) copies.push([path.join(from, 'ablations', f), path.join('ablations', f)]);
  }
  const missing = copies.filter(([src]) => !fs.statSync(src, { throwIfNoEntry: false })?.isFile()).map(([src]) => src);
  if (missing.length) fail(`the ablation is incomplete, nothing was changed; missing: ${missing.join(', ')}`);
  const recordText = `${JSON.stringify(shipped, null, 2)}\n`;
  const same = (dst, bytes) => fs.existsSync(dst) && Buffer.compare(fs.readFileSync(dst), bytes) === 0;
  const plan = [...copies.map(([src, rel]) => [path.join(to, rel), fs.readFileSync(src)]), [path.join(to, 'ablations', `${name}.json`), Buffer.from(recordText)]];
  const clash = plan.filter(([dst, bytes]) => fs.existsSync(dst) && !same(dst, bytes) && !dst.endsWith(path.join('ablations', `${name}.json`))
    && !dst.endsWith('.csv') && !dst.endsWith('.svg'));
  if (clash.length) fail(`would replace shipped files that differ, nothing was changed: ${clash.map(([d]) => path.relative(root, d)).join(', ')}`);
  let bytes = 0, written = 0;
  for (const [dst, data] of plan) {
    if (same(dst, data)) continue;
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    const tmp = `${dst}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, dst);
    bytes += data.length; written++;
  }
  console.log(`ship-results: ablation '${name}' (${record.runs.length} runs) → ${path.relative(root, to)} (${written} files, ${(bytes / 1e6).toFixed(1)} MB)`);
  process.exit(0);
}
