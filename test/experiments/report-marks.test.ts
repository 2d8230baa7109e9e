/** Tables carry variant labels, a mark on cells whose sanity checks fired, and (for display) Wilson intervals. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { useTestBackend } from '../helpers/backend';
import { attackSummaryFrame, datasetBudget, loadShippedResults, MASKING_NOTE, maskingSuspected, rowLabel, SHIPPED_RESULTS_ROOT, table2Charts, table2Frame, table4Chart, table4Frame, table5Frame } from '../../src/experiments';
import { projectRoot } from '../../src/io/paths';
import { toCsv, toHtml } from '../../src/tables';

before(async () => { await useTestBackend(); });

const shipped = path.join(projectRoot(), SHIPPED_RESULTS_ROOT);
const budget = datasetBudget('cpu', 'mnist');
/** The HTML row whose first cell is `first` (and which holds `also`). */
const htmlRow = (html: string, first: string, also = ''): string => {
  const rows = html.split('<tr>').filter((r) => r.startsWith(`<td style="text-align:left">${first}</td>`) && r.includes(also));
  assert.equal(rows.length, 1, `one row '${first}' ${also}`);
  return rows[0];
};

test('Table 2: † on the PGD cell of rows whose sanity checks fired, the legend under the table, CSV unchanged', async () => {
  const results = await loadShippedResults('cpu', 'mnist', shipped);
  const df = table2Frame(results, budget, 'mnist');
  const html = toHtml(df);
  // MAT (SO): SO O, BIBO X — PGD at ε = 1 leaves 99 % correct (large-epsilon) and CE gradients vanish
  assert.match(htmlRow(html, 'MAT', '<td style="text-align:left">O</td>\n<td style="text-align:left">X</td>'.replace('\n', '')), /95\.40&nbsp;<span class="mat-mark" title="masking suspected: large-epsilon, zero-gradient"[^>]*>†<\/span>/);
  assert.doesNotMatch(htmlRow(html, 'Natural'), /†/, 'no mark where the checks pass');
  assert.doesNotMatch(htmlRow(html, 'AT'), /†/);
  assert.ok(html.includes(`<tfoot><tr><td colspan="11" style="text-align:left">${MASKING_NOTE.replace(/'/g, "'")}</td></tr></tfoot>`), html.slice(-400));
  assert.doesNotMatch(toCsv(df), /†/, 'CSV cells stay numbers');
});

test('Table 2 / 4 with intervals: a Wilson 95 % column beside PGD (and adaptive PGD)', async () => {
  const results = await loadShippedResults('cpu', 'mnist', shipped);
  const t2 = table2Frame(results, budget, 'mnist', { intervals: true });
  const cols = (t2.columns as string[]).map(String);
  assert.equal(cols[cols.indexOf('MNIST PGD') + 1], 'MNIST PGD 95 % CI');
  // Natural: 1 of 500 robust → Wilson 0.0–1.1 %
  assert.match(htmlRow(toHtml(t2), 'Natural'), /<td[^>]*>0\.20<\/td><td[^>]*>0\.0–1\.1<\/td>/);
  assert.match(toHtml(t2), /95\.40&nbsp;<span[^>]*>†<\/span><\/td><td[^>]*>93\.2–96\.9<\/td>/, 'the mark stays with its cell when a column is inserted');
  const t4 = (table4Frame(results, budget, 'mnist', { intervals: true }).columns as string[]).map(String);
  assert.ok(t4.includes('MNIST PGD 95 % CI') && t4.includes('MNIST Adaptive-PGD 95 % CI'), t4.join(', '));
  assert.ok(!(table2Frame(results, budget, 'mnist').columns as string[]).map(String).includes('MNIST PGD 95 % CI'), 'the CSV layout is unchanged by default');
});

test('variant rows are labelled in the paper-layout tables (Tables 2, 4, 5), not "MAT O X" beside the paper', async () => {
  const results = await loadShippedResults('cpu', 'mnist', shipped);
  results['mat-so']!.label = 'MAT (SO), α = 0.5';
  for (const df of [table2Frame(results, budget, 'mnist'), table4Frame(results, budget, 'mnist'), table5Frame(results, 'mnist')]) {
    const html = toHtml(df);
    assert.match(html, /<td style="text-align:left">MAT \(SO\), α = 0\.5<\/td>/);
    assert.equal(html.split('<td style="text-align:left">MAT</td>').length - 1, 3, 'the other three MAT rows keep the paper name');
  }
  assert.match(toHtml(attackSummaryFrame(results, budget)), /MAT \(SO\), α = 0\.5<\/td><td[^>]*>99\.00<\/td><td[^>]*>95\.40&nbsp;<span/);
});

test('Table 2 / 4 charts: † on the PGD bar of rows whose sanity checks fired, the subtitle says what † means', async () => {
  const results = await loadShippedResults('cpu', 'mnist', shipped);
  type Bar = { defense: string; metric: string; flag: string; labelText: string };
  const barsOf = (spec: unknown) => (spec as { data: { values: Bar[] } }).data.values;
  const subtitle = (spec: unknown) => [(spec as { title: { subtitle: string | string[] } }).title.subtitle].flat().join('\n');
  for (const [spec, pgd] of [[table2Charts(results, budget, 'mnist').accuracy, 'PGD-40'], [table4Chart(results, budget, 'mnist'), 'PGD']] as const) {
    const bars = barsOf(spec);
    const soPgd = bars.find((b) => b.defense === 'MAT (SO)' && b.metric === pgd)!;
    assert.equal(soPgd.flag, '†', 'MAT (SO): PGD at ε = 1 leaves images correct');
    assert.match(soPgd.labelText, /^95\.4% †$/);
    assert.ok(bars.filter((b) => b.metric !== pgd).every((b) => b.flag === ''), 'only the PGD bar carries it, as the table marks only its PGD cell');
    assert.ok(subtitle(spec).includes(MASKING_NOTE));
  }
  const t2 = barsOf(table2Charts(results, budget, 'mnist').accuracy);
  assert.equal(t2.find((b) => b.defense === 'Natural' && b.metric === 'PGD-40')!.flag, '', 'no mark where the checks pass');
  assert.equal(t2.find((b) => b.defense === 'AT' && b.metric === 'PGD-40')!.flag, '');
  // the flags agree with the table's marks row for row
  const flagged = t2.filter((b) => b.flag === '†').map((b) => b.defense).sort();
  const marked = (['natural', 'at', 'trades', 'mat', 'mat-bibo', 'mat-so', 'mat-so-bibo', 'mmc'] as const).filter((r) => maskingSuspected(results[r], budget).length > 0).map((r) => rowLabel(results, r)).sort();
  assert.deepEqual(flagged, marked);
  assert.ok(flagged.length >= 3, flagged.join(', '));
});
