import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useTestBackend } from '../helpers/backend';
import {
  adaptiveAttackTable,
  cosineTable,
  matchRateTable,
  mmcComparisonTable,
  PAPER_TABLE1,
  PAPER_TABLE2,
  robustnessTable,
  toCsv,
  toHtml,
  toMarkdown,
} from '../../src/tables';

// danfojs runs on our tfjs (package.json override), so pin the backend like every tf-using test
before(async () => {
  await useTestBackend();
});

const cells = (df: { values: unknown }): unknown[][] => df.values as unknown[][];
const col = (df: { columns: string[]; values: unknown }, name: string): unknown[] => {
  const j = df.columns.indexOf(name);
  assert.ok(j >= 0, `no column ${name}`);
  return cells(df).map((r) => r[j]);
};

test('Table 1: rows Clean/PGD/DDN, one (ours, paper) column pair per model, ours converted to %', () => {
  const df = matchRateTable({ 'MNIST-N': { Clean: 0.995, PGD: 0.5, DDN: 0.25 } });
  assert.deepEqual(df.columns, [
    'Data Type',
    'MNIST-N', 'MNIST-N (paper)',
    'CIFAR10-N', 'CIFAR10-N (paper)',
    'MNIST-T', 'MNIST-T (paper)',
    'CIFAR10-T', 'CIFAR10-T (paper)',
  ]);
  assert.deepEqual(col(df, 'Data Type'), ['Clean', 'PGD', 'DDN']);
  assert.deepEqual(col(df, 'MNIST-N'), [99.5, 50, 25]);
  assert.deepEqual(col(df, 'CIFAR10-T (paper)'), [91.65, 77.42, 56.96]);
  assert.ok(col(df, 'MNIST-T').every((v) => Number.isNaN(v)));
  assert.deepEqual(matchRateTable({}, { paper: false }).columns, ['Data Type', 'MNIST-N', 'CIFAR10-N', 'MNIST-T', 'CIFAR10-T']);
  assert.throws(() => matchRateTable({ 'MNIST-X': {} } as never), RangeError);
  assert.throws(() => matchRateTable({ 'MNIST-N': { Clean: 99.6 } }), RangeError, 'percent passed where a fraction is expected');
});

test('Table 2: seven defense rows with SO/BIBO markers; Clean/PGD/C&W/DDN × CIFAR10/MNIST', () => {
  const df = robustnessTable({ 'mat-so-bibo': { MNIST: { Clean: 0.99, 'C&W': 2.5 } } });
  assert.deepEqual(df.shape, [7, 3 + 4 * 2 * 2]);
  assert.deepEqual(df.columns.slice(0, 7), ['Defense', 'SO', 'BIBO', 'CIFAR10 Clean', 'CIFAR10 Clean (paper)', 'MNIST Clean', 'MNIST Clean (paper)']);
  assert.deepEqual(col(df, 'Defense'), ['Natural', 'AT', 'TRADES', 'MAT', 'MAT', 'MAT', 'MAT']);
  assert.deepEqual(col(df, 'SO'), ['-', '-', '-', 'X', 'X', 'O', 'O']);
  assert.deepEqual(col(df, 'BIBO'), ['-', '-', 'O', 'X', 'O', 'X', 'O']);
  assert.equal(col(df, 'MNIST Clean')[6], 99);
  assert.equal(col(df, 'MNIST C&W')[6], 2.5);
  assert.deepEqual(col(df, 'CIFAR10 PGD (paper)'), [0.03, 45.93, 56.61, 3.45, 53.58, 79.92, 80.55]);
  assert.deepEqual(col(df, 'MNIST DDN (paper)'), [0.357, 2.545, 2.852, 1.305, 6.103, 1.57, 4.723]);
  assert.equal(PAPER_TABLE2['mat-bibo'].MNIST['C&W'], 2.313);
});

test('Table 3: Natural/AT/MMC/MAT × Clean + 8 PGD columns; "≤ 1" kept as text', () => {
  const df = mmcComparisonTable({ 'mat-so-bibo': { Clean: 0.838, 'PGD50-un ε=16/255': 0.798 } });
  assert.deepEqual(df.shape, [4, 1 + 9 * 2]);
  assert.deepEqual(col(df, 'Defense'), ['Natural', 'AT', 'MMC', 'MAT']);
  assert.deepEqual(col(df, 'PGD10-tar ε=8/255 (paper)'), ['≤1', 69.8, 70.8, 80.1]);
  assert.deepEqual(col(df, 'PGD50-un ε=16/255 (paper)'), [2.6, 21.5, 27.7, 79.8]);
  assert.ok(Math.abs((col(df, 'Clean')[3] as number) - 83.8) < 1e-9);
});

test('Table 4 and Table 5 layouts', () => {
  const t4 = adaptiveAttackTable({ trades: { CIFAR10: { 'Adaptive-PGD': 0.5626 } } });
  assert.deepEqual(t4.shape, [5, 3 + 2 * 2 * 2]);
  assert.deepEqual(t4.columns.filter((c: string) => !c.endsWith('(paper)')), [
    'Defense', 'SO', 'BIBO', 'CIFAR10 PGD', 'CIFAR10 Adaptive-PGD', 'MNIST PGD', 'MNIST Adaptive-PGD',
  ]);
  assert.deepEqual(col(t4, 'MNIST Adaptive-PGD (paper)'), [93.06, 9.78, 92.23, 9.79, 92.66]);
  assert.ok(Math.abs((col(t4, 'CIFAR10 Adaptive-PGD')[0] as number) - 56.26) < 1e-9);

  const t5 = cosineTable({ mat: { MNIST: { PGD: { mean: 0.84321, std: 0.14449 } } } });
  assert.deepEqual(t5.shape, [4, 3 + 2 * 2 * 2]);
  assert.deepEqual(col(t5, 'Defense'), ['MAT', 'MAT', 'MAT', 'MAT']);
  assert.deepEqual(col(t5, 'MNIST PGD'), ['0.843±0.144', NaN, NaN, NaN]);
  assert.deepEqual(col(t5, 'MNIST PGD (paper)'), ['0.843±0.145', '0.727±0.020', '0.790±0.116', '0.762±0.055']);
  assert.deepEqual(col(t5, 'CIFAR10 Clean (paper)'), ['0.993±0.035', '0.879±0.123', '0.993±0.034', '0.845±0.133']);
});

test('Markdown export is a well-formed pipe table with the paper precision', () => {
  const df = robustnessTable({ natural: { CIFAR10: { Clean: 0.9576, 'C&W': 0.4321 } } });
  const md = toMarkdown(df);
  const lines = md.trimEnd().split('\n');
  assert.equal(lines.length, 2 + 7);
  const widths = lines.map((l) => {
    assert.match(l, /^\| .* \|$/);
    return l.replace(/\\\|/g, '').split('|').length - 2; // cells per row, escaped pipes ignored
  });
  assert.ok(widths.every((w) => w === df.columns.length), `cells per line: ${widths}`);
  assert.match(lines[1], /^\| :--- \| :--- \| :--- \| ---: \|/);
  assert.match(lines[2], /^\| Natural \| - \| - \| 95\.76 \| 95\.76 \| — \| 99\.54 \|/);
  assert.match(lines[2], /\| 0\.432 \| 0\.432 \|/);
  assert.match(toMarkdown(df, { decimals: 1 }), /\| 95\.8 \| 95\.8 \|/);
  const withPipe = toMarkdown(matchRateTable({}, { paper: false }), { missing: 'a|b' });
  assert.ok(withPipe.includes('a\\|b'));
});

test('CSV and HTML export', () => {
  const df = matchRateTable({ 'CIFAR10-N': { Clean: 0.9931 } });
  const csv = toCsv(df).trimEnd().split('\n');
  assert.equal(csv.length, 4);
  assert.equal(csv[0], 'Data Type,MNIST-N,MNIST-N (paper),CIFAR10-N,CIFAR10-N (paper),MNIST-T,MNIST-T (paper),CIFAR10-T,CIFAR10-T (paper)');
  assert.ok(csv[1].startsWith('Clean,,99.61,99.31'));
  assert.equal(toCsv(cosineTable()).split('\n')[0].split(',').length, 11);
  const html = toHtml(df, { caption: 'Table 1 <match rates>' });
  assert.match(html, /^<table class="mat-table">/);
  assert.match(html, /<caption>Table 1 &lt;match rates&gt;<\/caption>/);
  assert.equal((html.match(/<tr>/g) ?? []).length, 4);
  assert.equal((html.match(/<th /g) ?? []).length, 9);
  assert.equal(PAPER_TABLE1['MNIST-T'].DDN, 63.64);
});
