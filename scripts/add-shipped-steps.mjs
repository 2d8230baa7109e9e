#!/usr/bin/env node
// Adds evaluation steps computed later (e.g. `mat reproduce --autoattack-standard` on a copy of the shipped
// results) to the shipped runs, without retraining or touching anything shipped before:
//   node scripts/add-shipped-steps.mjs --profile cpu --dataset mnist --from /work/aa-runs 
// For every shipped run folder <to>/<profile>/<dataset>/<row>-<hash>/ whose copy under --from has an
// evaluation.json, the copy's steps that the shipped file lacks are added; a step both have must be identical
// (else nothing is changed). Then the tables and figures are re-rendered from the merged results
// (MAT_CACHED_ONLY: nothing computed) into a temporary root and copied next to the shipped summary (each one
// the new steps change is named), whose `tables` and `files` gain what is new; summary.md, the original run's
// log, is left as it was.
// Afterwards: `npm run mat -- reproduction-doc`. Needs `npm run build`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT as root } from './install-kernel.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : fallback; };
const fail = (msg) => { console.error(`add-shipped-steps: ${msg}`); process.exit(1); };
const profile = flag('profile'), dataset = flag('dataset'), fromRoot = flag('from');
if (!profile || !dataset || !fromRoot) fail('usage: --profile P --dataset D --from ROOT');
// the shipped results: the root `mat reproduce` reads first, so the re-render below sees the merged files
const to = path.join(root, 'data', 'results', profile, dataset);
const from = path.resolve(fromRoot, profile, dataset);
for (const d of [to, from]) if (!fs.existsSync(d)) fail(`${d} does not exist`);
const readJson = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
const writeAtomic = (f, text) => { const tmp = `${f}.tmp-${process.pid}`; fs.writeFileSync(tmp, text); fs.renameSync(tmp, f); };

// 1. plan every merge before writing any
const merges = [];
for (const folder of fs.readdirSync(to).filter((d) => fs.existsSync(path.join(to, d, 'evaluation.json')))) {
  const copy = path.join(from, folder, 'evaluation.json');
  if (!fs.existsSync(copy)) continue;
  const shipped = readJson(path.join(to, folder, 'evaluation.json')), theirs = readJson(copy);
  for (const [key, step] of Object.entries(shipped.steps)) {
    if (JSON.stringify(step) !== JSON.stringify(theirs.steps?.[key])) fail(`${folder}: step ${key} differs between ${to} and ${from}; nothing was changed`);
  }
  const added = Object.keys(theirs.steps).filter((k) => !(k in shipped.steps));
  if (added.length) merges.push({ folder, added, steps: { ...shipped.steps, ...Object.fromEntries(added.map((k) => [k, theirs.steps[k]])) }, shipped });
}
if (merges.length === 0) { console.log('add-shipped-steps: no new steps'); process.exit(0); }
for (const m of merges) {
  // keys in sorted order, as the evaluation writer keeps them
  const steps = Object.fromEntries(Object.keys(m.steps).sort().map((k) => [k, m.steps[k]]));
  writeAtomic(path.join(to, m.folder, 'evaluation.json'), JSON.stringify({ ...m.shipped, steps }, null, 2) + '\n');
  console.log(`add-shipped-steps: ${m.folder}: + ${m.added.join(', ')}`);
}

// 2. re-render from the merged shipped results (cached only) and ship what is new
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mat-add-steps-'));
try {
  // the shipped rows only (a partial reproduction ships some): cached-only, any other row would be an error
  const { rows } = readJson(path.join(to, 'summary.json'));
  execFileSync(process.execPath, [path.join(root, 'dist', 'src', 'cli', 'main.js'), 'reproduce', '--profile', profile, '--dataset', dataset, '--rows', rows.join(','), '--results-root', tmp],
    { env: { ...process.env, MAT_CACHED_ONLY: '1' }, stdio: ['ignore', 'ignore', 'pipe'] }); // its log is in the error when it fails
  const rendered = path.join(tmp, profile, dataset);
  const fresh = readJson(path.join(rendered, 'summary.json'));
  const summaryFile = path.join(to, 'summary.json');
  const summary = readJson(summaryFile);
  const tables = fresh.files.filter((f) => f.endsWith('.csv') || f.endsWith('.svg'));
  for (const f of tables) {
    const shippedFile = path.join(to, f);
    if (fs.existsSync(shippedFile) && !fs.readFileSync(shippedFile).equals(fs.readFileSync(path.join(rendered, f))) && summary.files.includes(f)) {
      console.log(`add-shipped-steps: ${f} changes with the new steps: replaced`);
    }
    fs.copyFileSync(path.join(rendered, f), shippedFile);
  }
  // the summary keeps its steps and timings (the original run's record); it gains the new tables and files
  const order = Object.keys(fresh.tables);
  summary.tables = Object.fromEntries(order.map((k) => [k, fresh.tables[k] ?? summary.tables[k]]));
  summary.files = [...fresh.files.filter((f) => !['summary.json', 'summary.md'].includes(f)), 'summary.json', 'summary.md'];
  writeAtomic(summaryFile, JSON.stringify(summary, null, 2) + '\n');
  console.log(`add-shipped-steps: ${tables.length} tables and figures re-rendered into ${path.relative(root, to)}; now: npm run mat -- reproduction-doc`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
