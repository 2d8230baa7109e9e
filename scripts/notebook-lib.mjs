// Shared helpers for scripts/run-notebooks.mjs and scripts/browser-e2e.mjs (plain Node ESM, no build step).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KERNEL_NAME, PROJECT_ROOT, writeKernelSpec } from './install-kernel.mjs';

export { KERNEL_NAME, PROJECT_ROOT };
export const NOTEBOOKS_DIR = join(PROJECT_ROOT, 'notebooks');
export const OUT_DIR = join(NOTEBOOKS_DIR, 'out');

/** `notebooks/*.ipynb`, sorted by name, optionally filtered by substrings of the file name. */
export function listNotebooks(filters = [], dir = NOTEBOOKS_DIR) {
  if (!existsSync(dir)) return [];
  const all = readdirSync(dir).filter((f) => f.endsWith('.ipynb') && !f.startsWith('.')).sort();
  if (filters.length === 0) return all;
  const picked = all.filter((f) => filters.some((s) => f.includes(s)));
  const unmatched = filters.filter((s) => !all.some((f) => f.includes(s)));
  if (unmatched.length) throw new RangeError(`no notebook matches ${unmatched.join(', ')} (have: ${all.join(', ') || 'none'})`);
  return picked;
}

/** `metadata.mat.expects` of a notebook: minimum counts of figures (svg/png outputs) and HTML tables. */
export function readExpects(nb) {
  const e = nb?.metadata?.mat?.expects ?? {};
  return { figures: Number(e.figures ?? 0), tables: Number(e.tables ?? 0) };
}

/**
 * `metadata.mat.ciDatasets` of a notebook: the datasets, besides its parameters cell's default, that
 * `run-notebooks --dataset D` executes it on (a notebook whose tables have the paper's CIFAR-10 columns lists cifar10).
 */
export function readCiDatasets(nb) {
  const d = nb?.metadata?.mat?.ciDatasets ?? [];
  if (!Array.isArray(d) || d.some((x) => typeof x !== 'string')) throw new RangeError(`metadata.mat.ciDatasets must be a list of dataset names, got ${JSON.stringify(d)}`);
  return d;
}

export function readNotebook(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

const joinText = (v) => (Array.isArray(v) ? v.join('') : String(v ?? ''));

/** Image outputs (svg/png) and HTML tables in a notebook; `images` lists what to extract. */
export function scanOutputs(nb) {
  const images = [];
  let tables = 0;
  let errors = 0;
  (nb.cells ?? []).forEach((cell, ci) => {
    (cell.outputs ?? []).forEach((out, oi) => {
      if (out.output_type === 'error') errors++;
      const data = out.data ?? {};
      if (data['image/svg+xml'] !== undefined) images.push({ cell: ci, output: oi, ext: 'svg', text: joinText(data['image/svg+xml']) });
      if (data['image/png'] !== undefined) images.push({ cell: ci, output: oi, ext: 'png', base64: joinText(data['image/png']) });
      if (data['text/html'] !== undefined && /<table[\s>]/i.test(joinText(data['text/html']))) tables++;
    });
  });
  // a figure is one output, whether it carries an SVG, a PNG or both
  return { images, figures: new Set(images.map((i) => `${i.cell}:${i.output}`)).size, tables, errors };
}

/** A python3 that can import the given modules (MAT_PYTHON, then Debian's /usr/bin/python3, then PATH). */
export function findPython(modules = ['nbclient', 'nbformat']) {
  const candidates = [process.env.MAT_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean);
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' });
    if (!r.error && r.status === 0) return py;
  }
  throw new Error(`no python3 with ${modules.join(', ')} (tried ${candidates.join(', ')}); run: bash scripts/ci-deps.sh`);
}

/**
 * A private Jupyter data dir holding this checkout's kernel spec, so runs do not depend on
 * `npm run kernel` having been run (or on where it pointed). Returns env additions and a cleanup.
 */
/** Where privateJupyterEnv's folders live: a kernel it started names one in its argv (connection file). */
export const PRIVATE_JUPYTER_PREFIX = join(tmpdir(), 'mat-jupyter-');

export function privateJupyterEnv() {
  const root = mkdtempSync(PRIVATE_JUPYTER_PREFIX);
  writeKernelSpec(join(root, 'data', 'kernels'));
  const env = {
    // JUPYTER_PATH is searched before the user and system data dirs.
    JUPYTER_PATH: [join(root, 'data'), process.env.JUPYTER_PATH].filter(Boolean).join(delimiter),
    JUPYTER_RUNTIME_DIR: join(root, 'runtime'),
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
  };
  return { root, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** SIGKILLs every process (not this one) whose command line contains every one of `texts`; returns their pids. */
export function killProcessesMentioning(...texts) {
  if (texts.length === 0 || texts.some((t) => !t) || !existsSync('/proc')) return [];
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let cmdline;
    try { cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; } // gone meanwhile
    if (!texts.every((t) => cmdline.includes(t))) continue;
    try { process.kill(pid, 'SIGKILL'); pids.push(pid); } catch { /* exited meanwhile */ }
  }
  return pids;
}

export function fmtSeconds(s) {
  return s >= 60 ? `${Math.floor(s / 60)} min ${(s % 60).toFixed(0)} s` : `${s.toFixed(1)} s`;
}
