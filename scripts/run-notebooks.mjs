#!/usr/bin/env node
// Executes notebooks/*.ipynb headless (`npm run notebooks`, after `npm run build`).
//
// Each notebook runs in order, in its own folder, on this checkout's tslab kernel (a private kernel spec,
// so `npm run kernel` is not needed), with MAT_PROFILE=smoke unless told otherwise. --dataset D sets
// MAT_DATASET (the parameters cell's dataset) and, without NAME filters, runs the notebooks that list D in
// metadata.mat.ciDatasets (`npm run notebooks:cifar10`: those with the paper's CIFAR-10 columns, on a synthetic
// CIFAR-10 folder). Relative MAT_*_DIR folders are made absolute (notebooks run in notebooks/). Executed copies go to
// notebooks/out/<name>.ipynb and every image/svg+xml and image/png output to
// notebooks/out/<name>_files/cell<NN>-<k>.{svg,png}; notebooks/out/summary.json records the run.
// Every SVG output gets a static image/png beside it (rendered by headless Chromium, scripts/svg-to-png.mjs),
// and each executed copy is signed with nbformat's notary (scripts/nb-sign.py): Jupyter shows a signed
// notebook's SVGs, and an unsigned copy (another account, a download) still shows the PNGs.
// A failing cell stops its notebook (the partial copy is still written, with an `error` output on the
// failing cell); the other notebooks still run unless --bail. Exit status 1 if any notebook failed.
//
// usage: node scripts/run-notebooks.mjs [options] [NAME_SUBSTRING ...]
//   --timeout S          per-cell timeout in seconds (default $MAT_CELL_TIMEOUT or 600)
//   --startup-timeout S  kernel start timeout (default 120)
//   --profile P          MAT_PROFILE for the notebooks (default $MAT_PROFILE or smoke)
//   --dataset D          MAT_DATASET for the notebooks (default: each notebook's own); without NAMEs, only
//                        the notebooks whose metadata.mat.ciDatasets lists D
//   --out DIR            output folder (default notebooks/out)
//   --kernel NAME        use this installed kernel spec instead of the private tslab-mat one
//   --bail               stop after the first failing notebook
//   -v, --verbose        print every cell's wall time
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import {
  KERNEL_NAME, NOTEBOOKS_DIR, OUT_DIR, PROJECT_ROOT, findPython, fmtSeconds, killProcessesMentioning, listNotebooks,
  privateJupyterEnv, readCiDatasets, readExpects, readNotebook, scanOutputs,
} from './notebook-lib.mjs';
import { openSvgRasterizer, svgSize } from './svg-to-png.mjs';

const EXECUTOR = join(PROJECT_ROOT, 'scripts', 'nb-execute.py');
const SIGNER = join(PROJECT_ROOT, 'scripts', 'nb-sign.py');

function parseArgs(argv) {
  const o = {
    timeout: Number(process.env.MAT_CELL_TIMEOUT ?? 600), startupTimeout: 120,
    profile: process.env.MAT_PROFILE ?? 'smoke', dataset: undefined, out: OUT_DIR, kernel: undefined, bail: false, verbose: false, filters: [],
  };
  const num = (name, v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${name} needs a positive number, got ${v}`);
    return Math.ceil(n);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--timeout') o.timeout = num(a, argv[++i]);
    else if (a === '--startup-timeout') o.startupTimeout = num(a, argv[++i]);
    else if (a === '--profile') o.profile = argv[++i];
    else if (a === '--dataset') o.dataset = argv[++i];
    else if (a === '--out') o.out = resolve(argv[++i]);
    else if (a === '--kernel') o.kernel = argv[++i];
    else if (a === '--bail') o.bail = true;
    else if (a === '-v' || a === '--verbose') o.verbose = true;
    else if (a === '-h' || a === '--help') o.help = true;
    else if (a.startsWith('-')) throw new RangeError(`unknown option ${a}`);
    else o.filters.push(a);
  }
  o.timeout = num('--timeout', o.timeout);
  if (!o.profile) throw new RangeError('--profile needs a value');
  if (o.dataset === '') throw new RangeError('--dataset needs a value');
  return o;
}

/** Runs nb-execute.py on one notebook; resolves with its final @@MAT record plus captured log lines. */
function executeOne(python, src, dest, opts, env) {
  return new Promise((resolvePromise) => {
    const args = [EXECUTOR, src, dest, '--kernel', opts.kernel ?? KERNEL_NAME,
      '--timeout', String(opts.timeout), '--startup-timeout', String(opts.startupTimeout)];
    const child = spawn(python, args, { cwd: NOTEBOOKS_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = [];
    let done = null;
    let buf = '';
    const onLine = (line) => {
      if (line.startsWith('@@MAT ')) {
        const ev = JSON.parse(line.slice(6));
        if (ev.event === 'done') done = ev;
        else if (ev.event === 'cell' && opts.verbose) console.log(`    cell ${ev.index}: ${fmtSeconds(ev.seconds)}`);
      } else if (line.trim() && !/Debugger warning|frozen modules|-Xfrozen_modules|Debugging will proceed/.test(line)) {
        log.push(line);
      }
    };
    child.stdout.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop();
      lines.forEach(onLine);
    });
    child.stderr.on('data', (d) => String(d).split('\n').forEach(onLine));
    child.on('close', (code) => {
      if (buf) onLine(buf);
      resolvePromise({ code, done, log });
    });
    child.on('error', (err) => resolvePromise({ code: -1, done: null, log: [String(err)] }));
  });
}

const joinText = (v) => (Array.isArray(v) ? v.join('') : String(v ?? ''));

/**
 * Adds a static image/png (with its CSS size in the output metadata, so a 1.5× raster shows crisp at the
 * SVG's size) to every output that has an image/svg+xml but no PNG. Returns how many were added.
 */
async function addStaticPngs(nb, rasterizer) {
  let added = 0;
  for (const cell of nb.cells ?? []) {
    for (const out of cell.outputs ?? []) {
      const data = out.data;
      if (!data || data['image/svg+xml'] === undefined || data['image/png'] !== undefined) continue;
      const svg = joinText(data['image/svg+xml']);
      const size = svgSize(svg);
      data['image/png'] = (await rasterizer.render(svg)).toString('base64');
      if (size) out.metadata = { ...(out.metadata ?? {}), 'image/png': { width: Math.round(size.width), height: Math.round(size.height) } };
      added++;
    }
  }
  return added;
}

/** nb-sign.py on one notebook; returns an error message or null. */
function signNotebook(python, file, env) {
  const r = spawnSync(python, [SIGNER, file], { env, encoding: 'utf8' });
  return r.status === 0 ? null : (r.stderr || r.stdout || String(r.error ?? `exit ${r.status}`)).trim();
}

/** Writes svg/png outputs next to the executed copy; returns the written paths. */
function extractFigures(nb, outDir, stem) {
  const dir = join(outDir, `${stem}_files`);
  rmSync(dir, { recursive: true, force: true });
  const { images } = scanOutputs(nb);
  if (images.length === 0) return [];
  mkdirSync(dir, { recursive: true });
  return images.map((img) => {
    // both the SVG and its static PNG of one output: cellNN-k.svg and cellNN-k.png
    const file = join(dir, `cell${String(img.cell).padStart(2, '0')}-${img.output}.${img.ext}`);
    writeFileSync(file, img.ext === 'svg' ? img.text : Buffer.from(img.base64.replace(/\s+/g, ''), 'base64'));
    return file;
  });
}

function cellPreview(nb, index) {
  const cell = nb?.cells?.[index];
  if (!cell) return '';
  const src = (Array.isArray(cell.source) ? cell.source.join('') : cell.source ?? '').trim().split('\n')[0];
  const codeIndex = nb.cells.slice(0, index + 1).filter((c) => c.cell_type === 'code').length;
  return ` (code cell #${codeIndex}: ${src.slice(0, 80)})`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log('usage: node scripts/run-notebooks.mjs [--timeout S] [--startup-timeout S] [--profile P] [--dataset D] [--out DIR] [--kernel NAME] [--bail] [-v] [NAME ...]');
    return 0;
  }
  let names = listNotebooks(opts.filters);
  if (opts.dataset !== undefined && opts.filters.length === 0) {
    names = names.filter((n) => readCiDatasets(readNotebook(join(NOTEBOOKS_DIR, n))).includes(opts.dataset));
    if (names.length === 0) throw new RangeError(`no notebook lists '${opts.dataset}' in metadata.mat.ciDatasets (name the notebooks to run)`);
  }
  if (names.length === 0) {
    console.log(`run-notebooks: no notebooks in ${relative(PROJECT_ROOT, NOTEBOOKS_DIR)}/`);
    return 0;
  }
  if (!existsSync(join(PROJECT_ROOT, 'dist', 'src', 'index.js'))) {
    console.warn('run-notebooks: dist/ is missing; notebooks that import ../dist/src fail (run npm run build first)');
  }
  const python = findPython();
  const jup = opts.kernel ? null : privateJupyterEnv();
  const env = { ...process.env, ...(jup?.env ?? {}), MAT_PROFILE: opts.profile, ...(opts.dataset !== undefined ? { MAT_DATASET: opts.dataset } : {}) };
  // the kernels run in notebooks/: a data folder given relative to where this was started must still resolve
  for (const k of Object.keys(env)) if (/^MAT_\w+_DIR$/.test(k) && env[k]) env[k] = resolve(env[k]);
  mkdirSync(opts.out, { recursive: true });
  let rasterizer = null;
  try {
    rasterizer = await openSvgRasterizer();
  } catch (err) {
    console.warn(`run-notebooks: no static PNG beside the SVG figures (${err.message}); unsigned copies will show no figures`);
  }
  console.log(`run-notebooks: ${names.length} notebook(s), MAT_PROFILE=${opts.profile}${env.MAT_DATASET ? `, MAT_DATASET=${env.MAT_DATASET}` : ''}, cell timeout ${opts.timeout} s, kernel ${opts.kernel ?? KERNEL_NAME}`);

  const results = [];
  const t0 = Date.now();
  try {
    for (const name of names) {
      const src = join(NOTEBOOKS_DIR, name);
      const dest = join(opts.out, name);
      const stem = basename(name, '.ipynb');
      const declared = readNotebook(src)?.metadata?.kernelspec?.name;
      if (!opts.kernel && declared !== KERNEL_NAME) {
        console.warn(`  warn  ${name}: metadata.kernelspec.name is ${declared}; run with ${KERNEL_NAME} anyway (set it to ${KERNEL_NAME})`);
      }
      const w0 = Date.now();
      const { code, done, log } = await executeOne(python, src, dest, opts, env);
      const wall = (Date.now() - w0) / 1000;
      const rec = { notebook: name, ok: code === 0 && done?.ok === true, wall_s: wall, exec_s: done?.seconds ?? null };
      if (existsSync(dest) && done) {
        const nb = readNotebook(dest);
        if (rasterizer && (await addStaticPngs(nb, rasterizer)) > 0) writeFileSync(dest, `${JSON.stringify(nb, null, 1)}\n`);
        // signed last: any later change to the file would void the signature
        const signError = signNotebook(python, dest, env);
        if (signError) console.warn(`  warn  ${name}: not signed (${signError}); Jupyter will show only its PNG figures`);
        const files = extractFigures(nb, opts.out, stem);
        const scan = scanOutputs(nb);
        Object.assign(rec, { figures: scan.figures, tables: scan.tables, expects: readExpects(nb), files: files.map((f) => relative(opts.out, f)) });
        if (!rec.ok) Object.assign(rec, { failed_cell: done.failed_cell, kind: done.kind, error: done.error, preview: cellPreview(nb, done.failed_cell) });
      } else if (!rec.ok) {
        Object.assign(rec, { failed_cell: done?.failed_cell ?? null, kind: done?.kind ?? 'runner', error: done?.error ?? (log.join('\n') || `exit ${code}`) });
      }
      results.push(rec);
      if (rec.ok) {
        const exp = rec.expects;
        const short = rec.figures < exp.figures || rec.tables < exp.tables ? `  BELOW metadata.mat.expects ${JSON.stringify(exp)}` : '';
        console.log(`  ok    ${name}  ${fmtSeconds(wall)}  (figures ${rec.figures}, tables ${rec.tables})${short}`);
      } else {
        const where = rec.failed_cell === null || rec.failed_cell === undefined ? 'before any cell ran' : `cell index ${rec.failed_cell}${rec.preview ?? ''}`;
        console.log(`  FAIL  ${name}  ${fmtSeconds(wall)}`);
        console.error(`run-notebooks: ${relative(PROJECT_ROOT, src)} failed at ${where}: ${rec.kind}\n${indent(rec.error)}`);
        if (log.length && rec.kind !== 'error') console.error(indent(log.slice(-20).join('\n')));
        if (opts.bail) break;
      }
    }
  } finally {
    // a kernel nbclient failed to stop would hold this process's pipes (and CI's) open
    const strays = jup ? killProcessesMentioning(jup.root) : [];
    if (strays.length) console.error(`run-notebooks: killed ${strays.length} leftover kernel process(es): ${strays.join(', ')}`);
    jup?.cleanup();
    await rasterizer?.close();
  }
  const total = (Date.now() - t0) / 1000;
  writeFileSync(join(opts.out, 'summary.json'), JSON.stringify({ profile: opts.profile, dataset: env.MAT_DATASET ?? null, timeout_s: opts.timeout, total_s: total, results }, null, 1) + '\n');
  const failed = results.filter((r) => !r.ok);
  console.log(`run-notebooks: ${results.length - failed.length} ok, ${failed.length} failed, ${fmtSeconds(total)}; executed copies in ${relative(PROJECT_ROOT, opts.out)}/`);
  if (failed.length) console.error(`run-notebooks: FAILED ${failed.map((r) => `${r.notebook} (cell ${r.failed_cell ?? '-'})`).join(', ')}`);
  return failed.length ? 1 : 0;
}

function indent(text) {
  return String(text ?? '').split('\n').slice(0, 40).map((l) => `    ${l}`).join('\n');
}

// Exit explicitly: a handle left open elsewhere (a straggler's pipe) must not keep CI waiting.
main().then((code) => process.exit(code), (err) => {
  console.error(`run-notebooks: ${err instanceof Error ? err.message : err}`);
  process.exit(2);
});
