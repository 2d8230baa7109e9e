#!/usr/bin/env node
// Registers the project's tslab kernel with Jupyter (`npm run kernel`).
//
// The stock `tslab install` writes argv ["tslab", "kernel", ...], which needs `tslab` on PATH. This spec
// instead runs the project's own node_modules/tslab/bin/tslab with the absolute path of the node that
// ran this script, so it works without a global tslab and without node on the Jupyter server's PATH.
// Re-run it after moving the checkout or switching node installs.
//
// Usage: node scripts/install-kernel.mjs [--user (default) | --sys-prefix | --prefix DIR | --dir DIR] [--name NAME]
//   --user        Jupyter's per-user data dir ($JUPYTER_DATA_DIR or ~/.local/share/jupyter/kernels/NAME)
//   --sys-prefix  {sys.prefix}/share/jupyter/kernels/NAME of the python that runs `jupyter`
//   --prefix DIR  DIR/share/jupyter/kernels/NAME
//   --dir DIR     write DIR/NAME/kernel.json directly (a kernels/ dir, e.g. inside a private JUPYTER_PATH)
// Library use (scripts/run-notebooks.mjs, scripts/browser-e2e.mjs): kernelSpec(), writeKernelSpec().
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const KERNEL_NAME = 'tslab-mat';
export const KERNEL_DISPLAY_NAME = 'TypeScript (MAT workbench)';
export const TSLAB_BIN = join(PROJECT_ROOT, 'node_modules', 'tslab', 'bin', 'tslab');

/** The kernel.json object for this checkout. */
export function kernelSpec({ displayName = KERNEL_DISPLAY_NAME } = {}) {
  return {
    argv: [process.execPath, TSLAB_BIN, 'kernel', '--config-path', '{connection_file}'],
    display_name: displayName,
    language: 'typescript',
    interrupt_mode: 'signal',
    metadata: { mat: { project_root: PROJECT_ROOT } },
  };
}

/** Writes `<kernelsDir>/<name>/kernel.json`; returns the spec directory. */
export function writeKernelSpec(kernelsDir, { name = KERNEL_NAME, displayName } = {}) {
  if (!existsSync(TSLAB_BIN)) {
    throw new Error(`tslab not found at ${TSLAB_BIN}; run npm install (tslab is a devDependency)`);
  }
  const dir = join(kernelsDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kernel.json'), JSON.stringify(kernelSpec({ displayName }), null, 1) + '\n');
  return dir;
}

/** Jupyter's per-user data dir on Linux/macOS, as jupyter_core computes it. */
export function userDataDir() {
  if (process.env.JUPYTER_DATA_DIR) return resolve(process.env.JUPYTER_DATA_DIR);
  const home = process.env.HOME ?? '';
  if (process.platform === 'darwin') return join(home, 'Library', 'Jupyter');
  return join(process.env.XDG_DATA_HOME || join(home, '.local', 'share'), 'jupyter');
}

function parseArgs(argv) {
  const opts = { mode: 'user', name: KERNEL_NAME, target: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--user') opts.mode = 'user';
    else if (a === '--sys-prefix') opts.mode = 'sys-prefix';
    else if (a === '--prefix') { opts.mode = 'prefix'; opts.target = argv[++i]; }
    else if (a === '--dir') { opts.mode = 'dir'; opts.target = argv[++i]; }
    else if (a === '--name') opts.name = argv[++i];
    else if (a === '-h' || a === '--help') { opts.help = true; }
    else throw new RangeError(`unknown argument ${a}`);
  }
  if ((opts.mode === 'prefix' || opts.mode === 'dir') && !opts.target) throw new RangeError(`--${opts.mode} needs a value`);
  return opts;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log('usage: node scripts/install-kernel.mjs [--user | --sys-prefix | --prefix DIR | --dir DIR] [--name NAME]');
    return;
  }
  if (opts.mode === 'dir') {
    const dir = writeKernelSpec(resolve(opts.target), { name: opts.name });
    console.log(`Installed kernel spec ${opts.name} in ${dir}`);
    return;
  }
  const jupyter = spawnSync('jupyter', ['--version'], { stdio: 'ignore' });
  if (jupyter.error || jupyter.status !== 0) {
    if (opts.mode !== 'user') throw new Error('jupyter not found on PATH (bash scripts/ci-deps.sh installs it)');
    // No jupyter: still write to the user data dir so a later-installed Jupyter finds it.
    const dir = writeKernelSpec(join(userDataDir(), 'kernels'), { name: opts.name });
    console.log(`jupyter not on PATH; wrote kernel spec ${opts.name} to ${dir}`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'mat-kernel-'));
  try {
    const specDir = writeKernelSpec(tmp, { name: opts.name });
    const args = ['kernelspec', 'install', specDir, '--name', opts.name, '--replace'];
    if (opts.mode === 'user') args.push('--user');
    if (opts.mode === 'sys-prefix') args.push('--sys-prefix');
    if (opts.mode === 'prefix') args.push('--prefix', resolve(opts.target));
    const r = spawnSync('jupyter', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`jupyter ${args.join(' ')} failed:\n${r.stderr}`);
    // jupyter prints "[InstallKernelSpec] Installed kernelspec NAME in DIR" on stderr.
    console.log((r.stderr || r.stdout).trim().replace(/^\[InstallKernelSpec\]\s*/, ''));
    console.log(`argv: ${kernelSpec().argv.join(' ')}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (err) {
    console.error(`install-kernel: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
