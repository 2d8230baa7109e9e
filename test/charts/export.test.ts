/** exportChart (SVG / PNG / PDF in one call) and the PNG displayChart adds in a live session: both through headless Chromium. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ablationBarsSpec, closeSharedRasterizer, displayChart, exportChart, rasterizerUnavailable, svgSize, type DisplayDataContent } from '../../src/charts';

const spec = ablationBarsSpec([{ defense: 'AT', metric: 'PGD', value: 0.92, lower: 0.89, upper: 0.94, paper: 0.95 }], { title: 'export' });
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Width and height of a PNG from its IHDR chunk. */
const pngSize = (b: Buffer) => ({ width: b.readUInt32BE(16), height: b.readUInt32BE(20) });

after(async () => { await closeSharedRasterizer(); });

test('exportChart writes SVG, PNG and PDF in one call (valid files, PNG at 2× the SVG size)', async (t) => {
  const why = await rasterizerUnavailable();
  if (why !== undefined) { t.skip(`PNG / PDF export needs chromium: ${why}`); return; }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mat-export-'));
  try {
    const files = await exportChart(spec, path.join(dir, 'fig', 'table4'), { formats: ['svg', 'png', 'pdf'] });
    assert.deepEqual(files.map((f) => path.relative(dir, f)), ['fig/table4.svg', 'fig/table4.png', 'fig/table4.pdf'].map((f) => f.split('/').join(path.sep)));
    const svg = fs.readFileSync(files[0], 'utf8');
    assert.match(svg, /^<svg\b[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const png = fs.readFileSync(files[1]);
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
    const css = (await svgSize(svg))!;
    assert.deepEqual(pngSize(png), { width: Math.round(2 * css.width), height: Math.round(2 * css.height) });
    const pdf = fs.readFileSync(files[2]);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.match(pdf.subarray(-1024).toString('latin1'), /%%EOF\s*$/);
    assert.equal((pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length, 1, 'one page');
    // only what was asked; a bad format is refused before anything is written
    assert.deepEqual(await exportChart(spec, path.join(dir, 'only.svg'), { formats: ['svg'] }), [path.join(dir, 'only.svg')]);
    await assert.rejects(exportChart(spec, path.join(dir, 'bad'), { formats: ['eps' as never] }), /formats must be some of svg, png, pdf \(got eps\)/);
    assert.ok(!fs.existsSync(path.join(dir, 'bad.svg')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('displayChart in a live session sends a PNG beside the SVG and the Vega-Lite spec (with its CSS size)', async (t) => {
  const why = await rasterizerUnavailable();
  if (why !== undefined) { t.skip(`displayChart adds no PNG without chromium: ${why}`); return; }
  const sent: DisplayDataContent[] = [];
  await displayChart(spec, { sink: (c) => sent.push(c) });
  await displayChart(spec, { sink: (c) => sent.push(c) }); // the second reuses the open Chromium
  assert.equal(sent.length, 2);
  const { data, metadata } = sent[0];
  assert.deepEqual(Object.keys(data).sort(), ['application/vnd.vegalite.v5+json', 'image/png', 'image/svg+xml', 'text/plain']);
  const png = Buffer.from(data['image/png'] as string, 'base64');
  assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
  const css = (await svgSize(data['image/svg+xml'] as string))!;
  assert.deepEqual(metadata['image/png'], { width: Math.round(css.width), height: Math.round(css.height) });
  assert.deepEqual(pngSize(png), { width: Math.round(1.5 * css.width), height: Math.round(1.5 * css.height) });
  assert.equal(data['text/plain'], '<Vega-Lite chart: export>');
  // png: false leaves it out
  const plain: DisplayDataContent[] = [];
  await displayChart(spec, { sink: (c) => plain.push(c), png: false });
  assert.equal(plain[0].data['image/png'], undefined);
});
