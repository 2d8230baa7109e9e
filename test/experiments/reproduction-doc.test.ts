/** REPRODUCTION.md's tables are the shipped results (data/results), regenerated without computing anything. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useTestBackend } from '../helpers/backend';
import { ALL_ROW_KEYS, generatedBlocks, loadShippedResults, refreshReproductionDoc, shippedRows, NotCachedError, SHIPPED_RESULTS_ROOT } from '../../src/experiments';
import { projectRoot } from '../../src/io/paths';

before(async () => { await useTestBackend(); });

const docFile = path.join(projectRoot(), 'REPRODUCTION.md');
const shipped = path.join(projectRoot(), SHIPPED_RESULTS_ROOT);

test('generated blocks are parsed with their profile, dataset and name; bad names are rejected', () => {
  const doc = 'intro\n<!-- generated: cpu/mnist table2-robustness -->\n| a |\n<!-- end generated -->\n' +
    'text\n<!-- generated: cpu/fashion-mnist compute-time -->\n<!-- end generated -->\n';
  assert.deepEqual(generatedBlocks(doc), [
    { profile: 'cpu', dataset: 'mnist', name: 'table2-robustness', content: '| a |\n' },
    { profile: 'cpu', dataset: 'fashion-mnist', name: 'compute-time', content: '' },
  ]);
  assert.throws(() => generatedBlocks('<!-- generated: tpu/mnist x -->\n<!-- end generated -->'), /unknown profile 'tpu'/);
});

test('REPRODUCTION.md: every generated table equals the one built from data/results', async () => {
  const doc = fs.readFileSync(docFile, 'utf8');
  const blocks = generatedBlocks(doc);
  assert.ok(blocks.length >= 8, `REPRODUCTION.md has ${blocks.length} generated blocks`);
  const { changed } = await refreshReproductionDoc(doc, shipped);
  assert.deepEqual(changed, [], 'blocks that differ from data/results (run `npm run mat -- reproduction-doc`)');

  // the comparison can fail: one altered digit in a table is caught
  const table2 = blocks.find((b) => b.name === 'table2-robustness')!;
  const altered = table2.content.replace(/\d(?=\.\d\d \|)/, (d) => String((Number(d) + 1) % 10));
  assert.notEqual(altered, table2.content);
  const tampered = doc.replace(table2.content, altered);
  const again = await refreshReproductionDoc(tampered, shipped);
  assert.deepEqual(again.changed, [`${table2.profile}/${table2.dataset} table2-robustness`]);
  assert.equal(again.text, doc, 'refilling restores the shipped numbers');
});

test('shipped results are complete: loading them computes nothing, and a missing one is an error, not a retrain', async () => {
  const results = await loadShippedResults('cpu-quick', 'mnist', shipped);
  assert.equal(Object.keys(results).length, 8);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'mat-empty-results-'));
  try {
    await assert.rejects(loadShippedResults('cpu-quick', 'mnist', empty), NotCachedError);
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('a reproduction shipped stage by stage: its summary lists the rows finished so far, and only those are loaded', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mat-staged-'));
  try {
    assert.deepEqual(shippedRows('cpu', 'mnist', root), [...ALL_ROW_KEYS], 'no summary: every row');
    const dir = path.join(root, 'cpu', 'mnist');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ kind: 'reproduce', rows: ['natural', 'at'] }));
    assert.deepEqual(shippedRows('cpu', 'mnist', root), ['natural', 'at']);
    fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ kind: 'reproduce', rows: ['natural', 'madry'] }));
    assert.throws(() => shippedRows('cpu', 'mnist', root), /unknown row 'madry'/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  assert.equal(shippedRows('cpu-quick', 'mnist').length, 8, 'the first reproduction ships every row');
});
