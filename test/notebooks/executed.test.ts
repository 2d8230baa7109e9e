// Checks the executed copies that `npm run notebooks` writes to notebooks/out/ (smoke profile),
// `npm run notebooks:shipped` to notebooks/out-shipped/ (cpu profile on the shipped data/results, nothing
// recomputed) and `npm run notebooks:cifar10` to notebooks/out-cifar10/ (smoke, on a synthetic CIFAR-10 folder,
// the notebooks listing cifar10 in metadata.mat.ciDatasets): no error outputs, every code cell ran, the code
// matches the source notebook, and at least metadata.mat.expects.{figures,tables} image and HTML-table outputs.
// Skips a folder that is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NotebookJson, inspectNotebook, printedText, problems, projectRoot, readCiDatasets, readExpects, readNotebook } from './notebook-check';

const root = projectRoot();
const notebooksDir = join(root, 'notebooks');
const sources = existsSync(notebooksDir) ? readdirSync(notebooksDir).filter((f) => f.endsWith('.ipynb')).sort() : [];

const runs = [
  { folder: 'out', command: 'npm run notebooks' },
  { folder: 'out-shipped', command: 'npm run notebooks:shipped' },
  { folder: 'out-cifar10', command: 'npm run notebooks:cifar10', dataset: 'cifar10' },
] as const;
for (const run of runs) {
  const { folder, command } = run;
  const dataset = 'dataset' in run ? run.dataset : undefined;
  const outDir = join(notebooksDir, folder);
  const names = dataset === undefined ? sources : sources.filter((n) => readCiDatasets(readNotebook(join(notebooksDir, n))).includes(dataset));
  const skipReason = !existsSync(outDir)
    ? `notebooks/${folder}/ is absent: run \`${command}\` to execute the notebooks first`
    : names.length === 0 ? 'no notebooks/*.ipynb for this run' : false;
  for (const name of names.length ? names : ['(none)']) {
    test(`executed notebook ${folder}/${name}`, { skip: skipReason }, () => {
      const executedPath = join(outDir, name);
      assert.ok(existsSync(executedPath), `notebooks/${folder}/${name} is missing: run \`${command}\``);
      const executed = readNotebook(executedPath);
      const found = problems(executed, readNotebook(join(notebooksDir, name)));
      assert.deepEqual(found, [], `notebooks/${folder}/${name}:\n  ${found.join('\n  ')}`);
      // the setup cell's banner names the dataset the notebook actually ran on
      if (dataset !== undefined) assert.match(printedText(executed), new RegExp(`· dataset ${dataset}\\b`), `notebooks/${folder}/${name} did not run on ${dataset}`);
    });
  }
}

// The checker itself, on small synthetic notebooks, so this file can fail even where nothing was executed.
const code = (source: string, outputs: NotebookJson['cells'][number]['outputs'] = [], n: number | null = 1) =>
  ({ cell_type: 'code', source, execution_count: n, outputs });
const svg = { output_type: 'display_data', data: { 'image/svg+xml': '<svg/>' } };
const png = { output_type: 'display_data', data: { 'image/png': 'iVBORw0KGgo=' } };
const svgAndPng = { output_type: 'display_data', data: { 'image/svg+xml': '<svg/>', 'image/png': 'iVBORw0KGgo=' } };
const table = { output_type: 'display_data', data: { 'text/html': ['<table>', '<tr><td>1</td></tr></table>'] } };
const notTable = { output_type: 'display_data', data: { 'text/html': '<b>tables are great</b>' } };

test('checker counts svg/png figures and html tables', () => {
  const nb: NotebookJson = { cells: [code('a', [svg, png]), code('b', [table, notTable])] };
  const r = inspectNotebook(nb);
  assert.equal(r.figures, 2);
  assert.deepEqual(r.svgWithoutPng, [0]);
  assert.equal(inspectNotebook({ cells: [code('a', [svgAndPng])] }).figures, 1, 'an SVG with its PNG is one figure');
  assert.equal(r.tables, 1);
  assert.deepEqual(r.errors, []);
});

test('checker reports error outputs, unexecuted cells, shortfalls and staleness', () => {
  const source: NotebookJson = {
    cells: [code('a'), code('b'), { cell_type: 'markdown', source: '# x' }, code('c')],
    metadata: { kernelspec: { name: 'tslab-mat' }, mat: { expects: { figures: 1, tables: 1 } } },
  };
  const executed: NotebookJson = {
    cells: [code('a', [svgAndPng]), code('b', [{ output_type: 'error', ename: 'TslabError', evalue: 'boom' }]),
      { cell_type: 'markdown', source: '# x' }, code('c', [], null)],
  };
  const found = problems(executed, source);
  assert.equal(found.length, 3);
  assert.match(found[0], /cell 1: TslabError: boom/);
  assert.match(found[1], /not executed: 3/);
  assert.match(found[2], /at least 1 HTML table/);
  const edited: NotebookJson = { ...source, cells: [code('a'), code('b2'), code('c')] };
  assert.match(problems({ cells: [code('a', [svgAndPng, table]), code('b'), code('c')] }, edited).join('\n'), /stale/);
  assert.deepEqual(problems({ cells: [code('a', [svgAndPng, table]), code('b'), code('c')] }, source), []);
  // an SVG alone is hidden by Jupyter in an unsigned copy: the static PNG must sit beside it
  assert.match(problems({ cells: [code('a', [svg, table]), code('b'), code('c')] }, source).join('\n'), /without a static image\/png in cells 0/);
  const otherKernel: NotebookJson = { ...source, metadata: { kernelspec: { name: 'tslab' } } };
  assert.match(problems({ cells: [code('a'), code('b'), code('c')] }, otherKernel).join('\n'), /kernelspec.name is tslab;/);
});

test('ciDatasets defaults to none and rejects a non-list; printedText joins stream outputs', () => {
  assert.deepEqual(readCiDatasets({ cells: [] }), []);
  assert.deepEqual(readCiDatasets({ cells: [], metadata: { mat: { ciDatasets: ['cifar10'] } } }), ['cifar10']);
  assert.throws(() => readCiDatasets({ cells: [], metadata: { mat: { ciDatasets: 'cifar10' as unknown as string[] } } }), RangeError);
  const nb: NotebookJson = { cells: [code('a', [{ output_type: 'stream', name: 'stdout', text: ['torch · profile smoke', ' · dataset cifar10\n'] }, svg]), code('b', [table])] };
  assert.equal(printedText(nb), 'torch · profile smoke · dataset cifar10\n');
});

test('expects defaults to zero and rejects bad counts', () => {
  assert.deepEqual(readExpects({ cells: [] }), { figures: 0, tables: 0 });
  assert.throws(() => readExpects({ cells: [], metadata: { mat: { expects: { figures: -1 } } } }), RangeError);
});
