/**
 * The notebooks' closing texts are written from the results they loaded: every number a narrative prints is
 * compared with the shipped CSV tables (data/results/<profile>/<dataset>/*.csv, written by `mat reproduce`),
 * and the notebooks hold no hand-typed "shipped results" paragraph any more.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useTestBackend } from '../helpers/backend';
import {
  closingNarrative, datasetBudget, loadShippedResults, NARRATIVES, SHIPPED_RESULTS_ROOT, shippedRows,
  type ExperimentDataset, type NarrativeName, type QuotedNumber,
} from '../../src/experiments';
import { projectRoot } from '../../src/io/paths';

before(async () => { await useTestBackend(); });

/** RFC 4180 CSV (quoted fields with "" escapes) as records keyed by the header. */
function readCsv(file: string): Array<Record<string, string>> {
  const text = fs.readFileSync(file, 'utf8');
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j] ?? ''])));
}

/** The quotes whose printed text differs from the CSV cell (rounded the same way), with what the CSV says. */
function mismatches(quotes: readonly QuotedNumber[], dir: string, markdown: string, csvName: (table: string) => string = (t) => `${t}.csv`): string[] {
  const bad: string[] = [];
  for (const q of quotes) {
    const records = readCsv(path.join(dir, csvName(q.table)));
    const hits = records.filter((r) => Object.entries(q.row).every(([k, v]) => r[k] === v));
    if (hits.length !== 1) { bad.push(`${q.table} ${JSON.stringify(q.row)}: ${hits.length} CSV rows match`); continue; }
    const raw = hits[0][q.column];
    const csv = Number.parseFloat(raw ?? '');
    const decimals = q.text.includes('.') ? q.text.split('.')[1].length : 0;
    if (!Number.isFinite(csv) || csv.toFixed(decimals) !== q.text) bad.push(`${q.table} ${JSON.stringify(q.row)} ${q.column}: text ${q.text}, CSV ${raw}`);
    if (!markdown.includes(q.text)) bad.push(`${q.text} is not in the text`);
  }
  return bad;
}

const NOTEBOOK_NARRATIVES: NarrativeName[] = ['02', '03', '04', '05', '06', '07'];
const shipped = path.join(projectRoot(), SHIPPED_RESULTS_ROOT);

for (const dataset of ['mnist', 'fashion-mnist'] as ExperimentDataset[]) {
  test(`closing narratives 02–07 quote the shipped cpu/${dataset} tables exactly`, async () => {
    const dir = path.join(shipped, 'cpu', dataset);
    if (!fs.existsSync(path.join(dir, 'summary.json'))) return; // a dataset not shipped yet
    const results = await loadShippedResults('cpu', dataset, shipped);
    const budget = datasetBudget('cpu', dataset);
    assert.deepEqual(shippedRows('cpu', dataset, shipped).filter((r) => !results[r]), []);
    for (const n of NOTEBOOK_NARRATIVES) {
      const { markdown, quotes } = closingNarrative(n, { results, budget, dataset, profile: 'cpu' });
      assert.match(markdown, /profile `cpu`/, `${n} names its profile`);
      assert.match(markdown, new RegExp(`data/results/cpu/${dataset}/`), `${n} names where its results came from`);
      assert.ok(quotes.length >= 6, `${n} quotes ${quotes.length} numbers`);
      assert.deepEqual(mismatches(quotes, dir, markdown), [], `notebook ${n}`);
    }
  });
}

test('a wrong number in a narrative is caught: a changed result no longer matches the shipped CSV', async () => {
  const dir = path.join(shipped, 'cpu', 'mnist');
  const results = await loadShippedResults('cpu', 'mnist', shipped);
  const budget = datasetBudget('cpu', 'mnist');
  const pgd = results['mat-so']!.evaluation!['pgd@0.3'] as { robustAccuracy: number };
  pgd.robustAccuracy -= 0.1; // 95.4 % → 85.4 %
  const { markdown, quotes } = closingNarrative('03', { results, budget, dataset: 'mnist', profile: 'cpu' });
  const bad = mismatches(quotes, dir, markdown);
  assert.equal(bad.length, 1, bad.join('\n'));
  assert.match(bad[0], /MNIST PGD: text 85\.4, CSV 95\.4/);
  // and a quote naming a wrong column is caught too
  const wrongColumn = quotes.map((q) => (q.column === 'MNIST PGD' && q.row.Defense === 'AT' ? { ...q, column: 'MNIST Clean' } : q));
  assert.ok(mismatches(wrongColumn, dir, markdown).some((m) => /AT.*MNIST Clean/.test(m)));
});

test('the sanity mark: rows whose PGD sanity checks fired carry † in 03 and are named', async () => {
  const results = await loadShippedResults('cpu', 'mnist', shipped);
  const { markdown } = closingNarrative('03', { results, budget: datasetBudget('cpu', 'mnist'), dataset: 'mnist', profile: 'cpu' });
  assert.match(markdown, /MAT \(SO\) 99\.00 \/ 95\.4 †/);
  assert.match(markdown, /Natural 99\.37 \/ 0\.2;/, 'no mark where the checks pass');
  assert.match(markdown, /masking suspected .*MAT \(SO\) \(large-epsilon, zero-gradient\)/);
});

test("08's narrative quotes the shipped cpu-quick α sweep exactly", async () => {
  const { ablate } = await import('../../src/experiments');
  const dir = path.join(shipped, 'cpu-quick', 'mnist');
  const sweep = await ablate({ base: 'mat-so-bibo', vary: { alpha: [0, 0.5, 1] }, seeds: [0, 1], attacks: ['pgd', 'apgd-dlr'], profile: 'cpu-quick', dataset: 'mnist' },
    { results: { root: fs.mkdtempSync(path.join(os.tmpdir(), 'mat-narrative-')), readRoots: [shipped] }, cachedOnly: true, partial: true });
  const { markdown, quotes } = closingNarrative('08', { results: {}, budget: datasetBudget('cpu-quick', 'mnist'), dataset: 'mnist', profile: 'cpu-quick', sweeps: { alpha: sweep } });
  assert.equal(quotes.length, 27, markdown);
  assert.deepEqual(mismatches(quotes, dir, markdown, () => path.join('ablations', 'mat-so-bibo-alpha.csv')), []);
});

test('the notebooks display their narrative and hold no hand-typed results paragraph', () => {
  for (const n of Object.keys(NARRATIVES)) {
    const file = fs.readdirSync(path.join(projectRoot(), 'notebooks')).find((f) => f.startsWith(`${n}-`) && f.endsWith('.ipynb'))!;
    const nb = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'notebooks', file), 'utf8')) as { cells: Array<{ cell_type: string; source: string[] | string }> };
    const text = (c: { source: string[] | string }) => (Array.isArray(c.source) ? c.source.join('') : c.source);
    assert.ok(nb.cells.some((c) => c.cell_type === 'code' && text(c).includes(`mat.closingNarrative('${n}'`)), `${file} displays closingNarrative('${n}')`);
    const typed = nb.cells.filter((c) => c.cell_type === 'markdown' && /With the shipped `cpu/.test(text(c)));
    assert.deepEqual(typed.map(text), [], `${file}: a hand-typed results paragraph`);
  }
});
