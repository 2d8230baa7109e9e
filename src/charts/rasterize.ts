/**
 * SVG → PNG / PDF in-process through headless Chromium: the very rasterizer of scripts/svg-to-png.mjs (the
 * one run-notebooks.mjs uses for the shipped notebooks), loaded from there so a live session, an export and
 * the harness draw identical pixels. Chromium is optional: {@link rasterizerUnavailable} says why it cannot
 * run, and callers that only add a PNG (displayChart) go on without one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../io/paths';

/** What scripts/svg-to-png.mjs's openSvgRasterizer returns. */
export interface SvgRasterizer {
  /** PNG of the SVG on white, at the rasterizer's scale (device px per CSS px) */
  render(svg: string): Promise<Buffer>;
  /** one-page vector PDF the SVG's size */
  pdf(svg: string): Promise<Buffer>;
  close(): Promise<void>;
}

interface SvgToPngModule {
  chromiumPath(): string | undefined;
  svgSize(svg: string): { width: number; height: number } | undefined;
  openSvgRasterizer(options?: { scale?: number }): Promise<SvgRasterizer>;
}

/** The default raster scale: 1.5 device px per CSS px (as the harness; crisp on high-DPI screens). */
export const PNG_SCALE = 1.5;

const scriptPath = () => path.join(projectRoot(), 'scripts', 'svg-to-png.mjs');
// a real dynamic import: tsc (module commonjs) would turn `import()` into require(), which cannot load an .mjs on Node 20
const importEsm = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;
let loaded: Promise<SvgToPngModule> | undefined;
const svgToPng = (): Promise<SvgToPngModule> => (loaded ??= importEsm(pathToFileURL(scriptPath()).href) as Promise<SvgToPngModule>);

/** Why no PNG / PDF can be made here (chromium or the script missing), or undefined when it can. */
export async function rasterizerUnavailable(): Promise<string | undefined> {
  if (!fs.existsSync(scriptPath())) return `${scriptPath()} is missing`;
  if ((await svgToPng()).chromiumPath() === undefined) return 'chromium is not installed (bash scripts/ci-deps.sh, or set MAT_CHROMIUM to its path)';
  return undefined;
}

/** Opens a rasterizer (one headless Chromium); throws with {@link rasterizerUnavailable}'s reason when it cannot. */
export async function openRasterizer(scale = PNG_SCALE): Promise<SvgRasterizer> {
  const why = await rasterizerUnavailable();
  if (why !== undefined) throw new Error(`no PNG / PDF: ${why}`);
  return (await svgToPng()).openSvgRasterizer({ scale });
}

/** How long a shared rasterizer stays open after its last use (a notebook draws figures in bursts). */
const IDLE_CLOSE_MS = 20_000;
interface SharedRasterizer { r: Promise<SvgRasterizer>; timer?: NodeJS.Timeout; queue: Promise<unknown> }
let shared: SharedRasterizer | undefined;

/**
 * Runs `job` on one Chromium kept open between calls (a kernel draws many figures; starting Chromium takes
 * ~1 s) and closed after 20 s idle ({@link closeSharedRasterizer} closes it at once). Jobs run one at a time (one page).
 */
export async function withSharedRasterizer<T>(job: (r: SvgRasterizer) => Promise<T>): Promise<T> {
  let s: SharedRasterizer;
  if (shared) s = shared;
  else {
    const fresh: SharedRasterizer = { r: openRasterizer(), queue: Promise.resolve() };
    s = shared = fresh;
    fresh.r.catch(() => { if (shared === fresh) shared = undefined; });
  }
  if (s.timer) clearTimeout(s.timer);
  const run = s.queue.then(async () => job(await s.r));
  s.queue = run.catch(() => undefined);
  try {
    return await run;
  } finally {
    s.timer = setTimeout(() => { if (shared === s) { shared = undefined; void s.r.then((r) => r.close()).catch(() => undefined); } }, IDLE_CLOSE_MS);
    s.timer.unref(); // an idle rasterizer never keeps the process alive
  }
}

/** Closes the shared Chromium now (tests, scripts that must exit at once; a kernel needs not call it). */
export async function closeSharedRasterizer(): Promise<void> {
  const s = shared;
  shared = undefined;
  if (!s) return;
  if (s.timer) clearTimeout(s.timer);
  await s.queue;
  await s.r.then((r) => r.close(), () => undefined);
}

/** The CSS size of an SVG (its root's width / height), or undefined: scripts/svg-to-png.mjs's, which sizes the PDF page. */
export async function svgSize(svg: string): Promise<{ width: number; height: number } | undefined> {
  return (await svgToPng()).svgSize(svg);
}
