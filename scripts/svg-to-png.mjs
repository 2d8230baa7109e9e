#!/usr/bin/env node
// SVG → PNG through headless Chromium (playwright-core + Debian's chromium): the same renderer a reader's
// browser uses, fonts included. Used by run-notebooks.mjs (a static image/png beside every SVG output) and
// by hand to look at figures: node scripts/svg-to-png.mjs [--scale K] [--out-dir DIR] FILE.svg ...
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** MAT_CHROMIUM, else Debian's chromium; undefined when none is installed. */
export function chromiumPath() {
  const cands = [process.env.MAT_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  return cands.find((p) => existsSync(p));
}

/** The CSS size of an SVG from its root's width/height attributes (vega writes both), or undefined. */
export function svgSize(svg) {
  const m = /<svg\b[^>]*?\swidth="([\d.]+)(?:px)?"[^>]*?\sheight="([\d.]+)(?:px)?"/.exec(svg);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : undefined;
}

/**
 * Opens one headless Chromium; `render(svg)` returns the PNG (a Buffer) of the SVG on white at `scale`
 * device pixels per CSS pixel, `pdf(svg)` a one-page vector PDF of the SVG's size. Call close() when done.
 * Throws when chromium is missing. src/charts/rasterize.ts (displayChart, exportChart) uses this one too.
 */
export async function openSvgRasterizer({ scale = 1.5 } = {}) {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('chromium is not installed (bash scripts/ci-deps.sh, or set MAT_CHROMIUM)');
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
  const context = await browser.newContext({ deviceScaleFactor: scale, viewport: { width: 1600, height: 1200 } });
  const page = await context.newPage();
  return {
    async render(svg) {
      await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff;display:inline-block">${svg}</body></html>`);
      const el = await page.$('body > svg');
      if (!el) throw new Error('svg-to-png: the input has no top-level <svg> element');
      return el.screenshot({ type: 'png', omitBackground: false });
    },
    async pdf(svg) {
      const size = svgSize(svg);
      if (!size) throw new Error('svg-to-png: the input has no <svg width=… height=…> to size the PDF page');
      // the page is the SVG's size, margins 0; print keeps the SVG as vectors
      const page2 = await context.newPage();
      try {
        await page2.setContent(`<!doctype html><html><head><style>@page{size:${size.width}px ${size.height}px;margin:0}html,body{margin:0;background:#fff}svg{display:block}</style></head><body>${svg}</body></html>`);
        return await page2.pdf({ width: `${size.width}px`, height: `${size.height}px`, printBackground: true, pageRanges: '1' });
      } finally {
        await page2.close();
      }
    },
    close: () => browser.close(),
  };
}

async function main(argv) {
  let scale = 1.5, outDir;
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--scale') scale = Number(argv[++i]);
    else if (argv[i] === '--out-dir') outDir = resolve(argv[++i]);
    else if (argv[i].startsWith('-')) throw new RangeError(`unknown option ${argv[i]}`);
    else files.push(resolve(argv[i]));
  }
  if (files.length === 0 || !(scale > 0)) throw new RangeError('usage: node scripts/svg-to-png.mjs [--scale K] [--out-dir DIR] FILE.svg ...');
  const r = await openSvgRasterizer({ scale });
  try {
    for (const f of files) {
      const out = join(outDir ?? dirname(f), `${basename(f, '.svg')}.png`);
      if (outDir) mkdirSync(outDir, { recursive: true });
      writeFileSync(out, await r.render(readFileSync(f, 'utf8')));
      console.log(out);
    }
  } finally {
    await r.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((err) => { console.error(`svg-to-png: ${err.message}`); process.exitCode = 1; });
}
