#!/usr/bin/env node
// Writes a synthetic CIFAR-10 folder in the official binary layout (cifar-10-batches-bin/ with
// data_batch_1..5.bin, test_batch.bin, batches.meta.txt) for machines that cannot download the real archive:
// CI and smoke runs. Seeded; each class has its own colour and stripes under noise, so models learn
// something — but it is not CIFAR-10, and nothing trained on it is a result. The generator lives in
// src/data/synthetic-cifar10.ts (npm run build first). It refuses to replace a folder it did not write.
//
//   node scripts/make-cifar10-fixture.mjs --out DIR [--per-batch N] [--test N] [--seed S]
//   then: MAT_CIFAR10_DIR=DIR/cifar-10-batches-bin npm run reproduce -- --profile smoke --dataset cifar10 --results-root DIR/runs
//
// Cached results are keyed by configuration, not by the images: give runs on synthetic data their own
// --results-root (or MAT_RESULTS_ROOT), so they never stand in for runs on the real CIFAR-10.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { SYNTHETIC_CIFAR10_DEFAULTS, writeSyntheticCifar10 } = require('../dist/src/data/synthetic-cifar10.js');

const USAGE = `usage: node scripts/make-cifar10-fixture.mjs --out DIR [--per-batch N] [--test N] [--seed S]
  --out DIR        parent folder: DIR/cifar-10-batches-bin/ is written (as extracting cifar-10-binary.tar.gz in DIR would)
  --per-batch N    records in each of data_batch_1..5.bin (default ${SYNTHETIC_CIFAR10_DEFAULTS.perTrainBatch})
  --test N         records in test_batch.bin (default ${SYNTHETIC_CIFAR10_DEFAULTS.testCount})
  --seed S         seed (default ${SYNTHETIC_CIFAR10_DEFAULTS.seed})`;

function integer(name, v) {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new RangeError(`${name} needs an integer, got '${v}'`);
  return Number(v);
}

try {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, 'per-batch': { type: 'string' }, test: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (!values.out) throw new RangeError('--out DIR is required');
  const options = Object.fromEntries(Object.entries({
    perTrainBatch: integer('--per-batch', values['per-batch']), testCount: integer('--test', values.test), seed: integer('--seed', values.seed),
  }).filter(([, v]) => v !== undefined));
  const r = writeSyntheticCifar10(values.out, options);
  console.log(`make-cifar10-fixture: wrote ${r.train} training and ${r.test} test images (synthetic) to ${r.dir}`);
  console.log(`  MAT_CIFAR10_DIR=${r.dir}`);
} catch (err) {
  console.error(`make-cifar10-fixture: ${err instanceof Error ? err.message : err}\n${USAGE}`);
  process.exit(err instanceof RangeError || err?.name === 'DatasetError' || err?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 2 : 1);
}
