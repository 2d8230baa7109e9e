#!/usr/bin/env node
// Are two results roots the same results? Compares every file two runs of one grid wrote (e.g. a local run and
// the same grid as SLURM arrays) and prints, per file: identical bytes, identical apart from what differs
// between processes by nature, or different (with the first differing field). Exit 1 when something differs.
//   node scripts/compare-results-roots.mjs ROOT_A ROOT_B
// What is set aside, and why:
//   - `provenance`, `timings`, `seconds`, `startedAt`: when, where and how fast, not what;
//   - `resumedFrom` and the checkpoint's version folder (`checkpoint/v000003/` after two resumes,
//     `v000001/` without): how often a run was stopped and resumed, not what it computed;
//   - `cached` in summary.json: a SLURM merge job finds every step computed by the tasks;
//   - absolute paths under the roots (each run records its own root);
//   - TensorFlow.js' generated layer and weight names in checkpoint JSON (`conv2d_Conv2D17` vs
//     `conv2d_Conv2D5`: a global counter of the process), compared by order of first appearance instead;
//   - the SLURM grid's own bookkeeping folder (`grids/`: manifests, job scripts, logs), which a local run has not.
// Weights (`*.bin`), CSV, Markdown and SVG are compared byte for byte.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const VOLATILE_KEYS = new Set(['provenance', 'timings', 'seconds', 'startedAt', 'resumedFrom']);
const SUMMARY_VOLATILE_KEYS = new Set(['cached']);

/** A file's name for the comparison: a checkpoint's version folder (one per checkpoint) as `v*`. */
const comparedName = (file) => file.replace(/(^|\/)checkpoint\/v\d+\//, '$1checkpoint/v*/');

/** compared name → file under the root */
function files(root) {
  const out = new Map();
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) { if (e.name !== 'grids') walk(p); } else out.set(comparedName(relative(root, p)), relative(root, p));
    }
  };
  walk(root);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** JSON with the volatile parts removed, paths relative to the root, generated names by first appearance. */
function canonical(text, root, file) {
  const generatedNames = file.includes('checkpoint/') ? new Map() : null;
  const rename = (s) => {
    if (!generatedNames) return s;
    if (!generatedNames.has(s)) generatedNames.set(s, `#${generatedNames.size}`);
    return generatedNames.get(s);
  };
  const summary = file.endsWith('summary.json');
  const walk = (v, key) => {
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object') {
      const out = {};
      for (const [k, x] of Object.entries(v)) {
        if (VOLATILE_KEYS.has(k) || (summary && SUMMARY_VOLATILE_KEYS.has(k))) continue;
        out[k] = walk(x, k);
      }
      return out;
    }
    if (typeof v !== 'string') return v;
    const s = v.split(root).join('<root>');
    // layer names (key `name`, `inbound_nodes` entries) and weight names: generated with a process-wide counter
    if (generatedNames && (key === 'name' || key === 'inbound_nodes' || generatedNames.has(s))) return rename(s);
    return s;
  };
  return walk(JSON.parse(text), '');
}

function firstDifference(a, b, at = '') {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], `${at}.${k}`);
      if (d) return d;
    }
  }
  return `${at || '(root)'}: ${JSON.stringify(a)?.slice(0, 80)} vs ${JSON.stringify(b)?.slice(0, 80)}`;
}

const [rootA, rootB] = process.argv.slice(2).map((p) => p && resolve(p));
if (!rootA || !rootB) {
  console.error('usage: node scripts/compare-results-roots.mjs ROOT_A ROOT_B');
  process.exit(2);
}
for (const r of [rootA, rootB]) {
  if (!existsSync(r) || !statSync(r).isDirectory()) { console.error(`compare-results-roots: ${r} is not a folder`); process.exit(2); }
}
const a = files(rootA), b = files(rootB);
const onlyA = [...a.keys()].filter((f) => !b.has(f)), onlyB = [...b.keys()].filter((f) => !a.has(f));
const counts = { identical: 0, equivalent: 0, different: 0 };
for (const f of [...a.keys()].filter((x) => b.has(x))) {
  const ba = readFileSync(join(rootA, a.get(f))), bb = readFileSync(join(rootB, b.get(f)));
  if (ba.equals(bb)) { counts.identical++; continue; }
  let diff = 'bytes differ';
  if (f.endsWith('.json')) {
    diff = firstDifference(canonical(ba.toString('utf8'), rootA, f), canonical(bb.toString('utf8'), rootB, f));
  }
  if (diff === null) counts.equivalent++;
  else { counts.different++; console.log(`different  ${f}  ${diff}`); }
}
for (const f of onlyA) console.log(`only in A  ${f}`);
for (const f of onlyB) console.log(`only in B  ${f}`);
console.log(`${counts.identical} files byte-identical, ${counts.equivalent} identical apart from provenance / timings / paths / generated names, `
  + `${counts.different} different, ${onlyA.length + onlyB.length} in one root only`);
process.exit(counts.different + onlyA.length + onlyB.length === 0 ? 0 : 1);
