// CIFAR-10 end to end in CI's smoke profile: a synthetic cifar-10-batches-bin written by
// scripts/make-cifar10-fixture.mjs into a temp folder, then the user's command — `mat reproduce --profile smoke
// --dataset cifar10` (a child process: the fastest backend, torch in CI) — then its summary, run folders and
// every table checked. About 1 min on torch, 4–5 min on wasm (2 busy cores).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DataFrame } from 'danfojs';
import { useTestBackend } from '../helpers/backend';
import { projectRoot } from '../../src/io/paths';
import { toCsv, toMarkdown } from '../../src/tables';
import {
  ALL_ROW_KEYS, OPTIONAL_TABLES, ROWS, TABLE_TITLES, datasetBudget, ensureRows, reproductionFigures, reproductionFrames, rowWork, tablePgdStep,
  type EvalOutcome, type EvalStepSpec, type ExperimentResults, type ReproduceSummary,
} from '../../src/experiments';

const EPSILON = 8 / 255;
const budget = datasetBudget('smoke', 'cifar10');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mat-cifar10-smoke-'));
const runsRoot = path.join(tmp, 'runs');
const experimentDir = path.join(runsRoot, 'smoke', 'cifar10');
let summary: ReproduceSummary;
let results: ExperimentResults;
let cliSeconds = 0;

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;
const rowFile = (row: string, file: string) => path.join(experimentDir, summary.runFolders[row as keyof typeof summary.runFolders]!, file);

before(async () => {
  await useTestBackend();
  const root = projectRoot();
  const fixture = spawnSync(process.execPath, [path.join(root, 'scripts', 'make-cifar10-fixture.mjs'), '--out', tmp], { encoding: 'utf8' });
  assert.equal(fixture.status, 0, fixture.stderr);
  const cifarDir = path.join(tmp, 'cifar-10-batches-bin');
  const env: NodeJS.ProcessEnv = { ...process.env, MAT_CIFAR10_DIR: cifarDir };
  delete env.MAT_CACHED_ONLY; // this test computes
  const started = Date.now();
  const cli = spawnSync(process.execPath, [path.join(root, 'dist', 'src', 'cli', 'main.js'), 'reproduce', '--profile', 'smoke', '--dataset', 'cifar10',
    '--results-root', runsRoot], { encoding: 'utf8', env, timeout: 20 * 60 * 1000, maxBuffer: 64 * 1024 * 1024 });
  cliSeconds = (Date.now() - started) / 1000;
  assert.equal(cli.status, 0, `reproduce failed (${cli.signal ?? cli.status}):\n${cli.stderr.slice(-4000)}`);
  summary = readJson<ReproduceSummary>(path.join(experimentDir, 'summary.json'));
  // the same results read back in-process, computing nothing, for the report builders
  process.env.MAT_CIFAR10_DIR = cifarDir;
  results = (await ensureRows(ALL_ROW_KEYS, 'smoke', 'cifar10', {
    results: { root: runsRoot, readRoots: [runsRoot] }, cachedOnly: true,
    suites: (row) => rowWork(row).suites, features: (row) => rowWork(row).features,
  })).results;
}, { timeout: 25 * 60 * 1000 });

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('the summary has every row, each trained and evaluated here (nothing reused), and every file it lists', (t) => {
  t.diagnostic(`mat reproduce --profile smoke --dataset cifar10: ${cliSeconds.toFixed(1)} s`);
  assert.equal(summary.profile, 'smoke');
  assert.equal(summary.dataset, 'cifar10');
  assert.deepEqual(summary.rows, [...ALL_ROW_KEYS]);
  assert.deepEqual(Object.keys(summary.runFolders).sort(), [...ALL_ROW_KEYS].sort());
  for (const row of ALL_ROW_KEYS) assert.ok(summary.steps.some((s) => s.row === row && s.step === 'train'), `${row} trained`);
  assert.deepEqual(summary.steps.filter((s) => s.cached), [], 'a fresh results root: every step computed');
  for (const name of Object.keys(TABLE_TITLES)) {
    // an optional suite's table appears only when that suite was computed; this run did not ask for it
    const expected = !OPTIONAL_TABLES.includes(name);
    assert.equal(summary.files.includes(`${name}.csv`), expected, `${name}.csv ${expected ? 'missing' : 'written without its suite'}`);
  }
  for (const f of summary.files) assert.ok(fs.existsSync(path.join(experimentDir, f)), `${f} listed but missing`);
});

test('every row is the smoke WideResNet, trained with the ε = 8/255 inner max where it has one; accuracies in [0, 1]', () => {
  for (const row of ALL_ROW_KEYS) {
    const r = readJson<{ config: Record<string, unknown> & { methodOptions: Record<string, unknown> }; metrics: Record<string, number> }>(rowFile(row, 'results.json'));
    assert.equal(r.config.dataset, 'cifar10');
    assert.deepEqual([r.config.arch, r.config.depth, r.config.width], ['wrn', budget.model.depth, budget.model.width], row);
    if (ROWS[row].innerMax) assert.equal(r.config.methodOptions.epsilon, EPSILON, `${row}: inner max ε`);
    else assert.equal(r.config.methodOptions.epsilon, undefined, `${row} has no inner max`);
    assert.ok(r.metrics.cleanTestAccuracy >= 0 && r.metrics.cleanTestAccuracy <= 1, `${row}: ${r.metrics.cleanTestAccuracy}`);
    assert.equal(r.metrics.testExamples, budget.train.testSubset);
  }
});

test('attacks: the tables\' PGD at ε = 8/255 on every row, accuracies in [0, 1], no adversarial outside the ε-ball', () => {
  const pgd = tablePgdStep(budget);
  const largest = Math.max(EPSILON * 2, ...budget.eval.sweep.epsilons); // Table 3's 16/255
  for (const row of ALL_ROW_KEYS) {
    const steps = readJson<{ steps: Record<string, { spec: EvalStepSpec; outcome: EvalOutcome }> }>(rowFile(row, 'evaluation.json')).steps;
    assert.equal(steps[pgd.key]?.spec.epsilon, EPSILON, `${row}: ${pgd.key} recorded at 8/255`);
    for (const [key, { spec, outcome }] of Object.entries(steps)) {
      const ball = outcome.warnings.filter((w) => /outside B∞/.test(w));
      assert.deepEqual(ball, [], `${row} ${key}: adversarials outside the ball`);
      if (outcome.kind === 'fixed-epsilon') {
        const { cleanAccuracy, robustAccuracy } = outcome;
        assert.ok(spec.epsilon! > 0 && spec.epsilon! <= largest + 1e-12, `${row} ${key}: ε ${spec.epsilon}`);
        assert.ok(robustAccuracy >= 0 && robustAccuracy <= cleanAccuracy && cleanAccuracy <= 1, `${row} ${key}: ${robustAccuracy} / ${cleanAccuracy}`);
      } else {
        assert.ok(outcome.successRate >= 0 && outcome.successRate <= 1, `${row} ${key}: success rate ${outcome.successRate}`);
      }
    }
    assert.ok(results[row]?.evaluation?.[pgd.key]?.kind === 'fixed-epsilon', `${row}: read back`);
  }
});

/** A frame's rows as objects keyed by column. */
const records = (df: DataFrame) => {
  const columns = (df.columns as string[]).map(String);
  return (df.values as unknown[][]).map((r) => Object.fromEntries(columns.map((c, j) => [c, r[j]])));
};
const isPercent = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 100;

test('every table has its CIFAR-10 columns filled (no MNIST ones), and the written CSV / Markdown are these tables', () => {
  const frames = reproductionFrames(results, budget, 'cifar10');
  for (const [name, df] of Object.entries(frames)) {
    const columns = (df.columns as string[]).map(String);
    assert.ok(!columns.some((c) => /MNIST/.test(c)), `${name}: ${columns.join(', ')}`);
    assert.equal(fs.readFileSync(path.join(experimentDir, `${name}.csv`), 'utf8'), toCsv(df), `${name}.csv`);
    assert.equal(summary.tables[name], toMarkdown(df), `summary.json ${name}`);
  }
  const filled = (name: string, count: number, columns: string[], check: (v: unknown) => boolean = isPercent) => {
    const rows = records(frames[name]);
    assert.equal(rows.length, count, `${name}: rows`);
    for (const r of rows) for (const c of columns) assert.ok(check(r[c]), `${name} ${String(r.Defense ?? r['Data Type'])} '${c}' = ${String(r[c])}`);
  };
  filled('attack-summary', 8, ['Clean', 'PGD-3', 'Adaptive PGD-3', 'APGD-CE', 'APGD-DLR', 'Worst case']);
  filled('attack-summary', 8, ['Sanity warnings'], (v) => typeof v === 'string' && v.length > 0);
  filled('table1-match-rates', 3, ['CIFAR10-N', 'CIFAR10-T']);
  filled('table2-robustness', 8, ['CIFAR10 Clean', 'CIFAR10 PGD']);
  // C&W / DDN are mean L2 norms of the adversarials found (empty when none was found)
  filled('table2-robustness', 8, ['CIFAR10 C&W', 'CIFAR10 DDN'], (v) => typeof v === 'number' && (Number.isNaN(v) || v > 0));
  assert.ok(records(frames['table2-robustness']).some((r) => (r['CIFAR10 DDN'] as number) > 0), 'DDN found adversarials somewhere');
  const t3 = (frames['table3-mmc-comparison'].columns as string[]).filter((c) => /^PGD\d+-(tar|un) ε=(8|16)\/255$/.test(c));
  assert.equal(t3.length, 8, 'Table 3: 2 radii × 2 lengths × tar/un');
  filled('table3-mmc-comparison', 4, ['Clean', ...t3]);
  filled('table4-adaptive', 5, ['CIFAR10 PGD', 'CIFAR10 Adaptive-PGD']);
  filled('table5-cosine', 4, ['CIFAR10 Clean', 'CIFAR10 PGD'], (v) => typeof v === 'string' && /^-?\d\.\d{3}±\d\.\d{3}$/.test(v));
  filled('figure2-values', 6, ['clean', 'ε=4/255', 'ε=8/255', 'ε=12/255', 'ε=16/255']);
});

test('the figures are CIFAR-10\'s: titles name CIFAR10 and ε = 8/255', () => {
  const figures = reproductionFigures(results, budget, 'cifar10');
  for (const name of Object.keys(figures)) assert.ok(summary.files.includes(`${name}.svg`), `${name}.svg`);
  const svg = fs.readFileSync(path.join(experimentDir, 'table2-accuracy.svg'), 'utf8');
  assert.match(svg, /Table 2 \(CIFAR10\): clean and PGD-3 accuracy \(ε = 8\/255, L∞\)/);
});
