#!/usr/bin/env node
/**
 * Builds the libtorch addon of the `torch` backend (native/ → native/build/torch_addon.node) when a libtorch
 * is found, in this order: LIBTORCH=/path/to/libtorch, Debian's libtorch-dev (/usr/include/ATen), the
 * libtorch inside an importable Python `torch` (CUDA builds included). Runs at `npm install`; never fails
 * it: without a libtorch, headers or compiler it prints one line and the workbench runs on wasm.
 * Usage: node scripts/build-native.mjs [--force] [--require]   (--require: exit 1 when it cannot build)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sources = ['native/addon.cc', 'native/ops.cc', 'native/ops.h'].map((f) => path.join(root, f));
const outDir = path.join(root, 'native', 'build');
const out = path.join(outDir, 'torch_addon.node');
const force = process.argv.includes('--force');
const required = process.argv.includes('--require');

function skip(reason) {
  console.log(`native: torch backend not built (${reason}); the workbench runs on wasm. See README, "Backends".`);
  process.exit(required ? 1 : 0);
}

/** { name, includes[], libDir?, abi?, cuda } or undefined */
function findLibtorch() {
  if (process.env.LIBTORCH) {
    const dir = path.resolve(process.env.LIBTORCH);
    if (!fs.existsSync(path.join(dir, 'include', 'ATen', 'ATen.h'))) skip(`LIBTORCH=${dir} has no include/ATen/ATen.h`);
    const libDir = path.join(dir, 'lib');
    return { name: `LIBTORCH=${dir}`, includes: [path.join(dir, 'include'), path.join(dir, 'include', 'torch', 'csrc', 'api', 'include')], libDir, cuda: fs.existsSync(path.join(libDir, 'libtorch_cuda.so')) };
  }
  if (fs.existsSync('/usr/include/ATen/ATen.h') && fs.existsSync('/usr/include/torch/csrc/api/include/torch/version.h')) {
    return { name: 'Debian libtorch-dev', includes: ['/usr/include/torch/csrc/api/include'], cuda: false };
  }
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import torch, os; print(os.path.dirname(torch.__file__)); print(int(torch._C._GLIBCXX_USE_CXX11_ABI))'], { encoding: 'utf8' });
    if (probe.status !== 0) continue;
    const [dir, abi] = probe.stdout.trim().split('\n');
    if (!fs.existsSync(path.join(dir, 'include', 'ATen', 'ATen.h'))) continue;
    const libDir = path.join(dir, 'lib');
    return { name: `Python torch at ${dir}`, includes: [path.join(dir, 'include'), path.join(dir, 'include', 'torch', 'csrc', 'api', 'include')], libDir, abi, cuda: fs.existsSync(path.join(libDir, 'libtorch_cuda.so')) };
  }
  return undefined;
}

function findNodeHeaders() {
  const candidates = [process.env.NODE_API_HEADERS, path.join(path.dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'];
  return candidates.find((d) => d && fs.existsSync(path.join(d, 'node_api.h')));
}

const upToDate = fs.existsSync(out) && sources.every((s) => fs.statSync(s).mtimeMs < fs.statSync(out).mtimeMs);
if (upToDate && !force) {
  console.log('native: torch addon up to date');
  process.exit(0);
}
const torch = findLibtorch();
if (!torch) skip('no libtorch: apt-get install libtorch-dev g++, or set LIBTORCH=/path/to/libtorch');
const nodeHeaders = findNodeHeaders();
if (!nodeHeaders) skip('no Node-API headers: set NODE_API_HEADERS to a folder holding node_api.h');
const cxx = process.env.CXX ?? 'g++';
const args = ['-O3', '-shared', '-fPIC', '-std=c++17', `-I${nodeHeaders}`, ...torch.includes.map((d) => `-I${d}`),
  ...(torch.abi !== undefined ? [`-D_GLIBCXX_USE_CXX11_ABI=${torch.abi}`] : []),
  sources[0], sources[1], '-o', out,
  ...(torch.libDir ? [`-L${torch.libDir}`, `-Wl,-rpath,${torch.libDir}`] : []),
  '-ltorch', '-ltorch_cpu', '-lc10', ...(torch.cuda ? ['-ltorch_cuda', '-lc10_cuda'] : [])];
fs.mkdirSync(outDir, { recursive: true });
const started = Date.now();
try {
  execFileSync(cxx, args, { stdio: ['ignore', 'ignore', 'pipe'] });
} catch (err) {
  const detail = (err.stderr?.toString() ?? String(err)).split('\n').find((l) => /error/.test(l)) ?? String(err.message).split('\n')[0];
  skip(`${cxx} failed against ${torch.name}: ${detail.trim()}`);
}
fs.writeFileSync(path.join(outDir, 'build-info.json'), JSON.stringify({ libtorch: torch.name, cuda: torch.cuda, compiler: cxx, builtAt: new Date().toISOString() }, null, 2) + '\n');
console.log(`native: torch addon built against ${torch.name}${torch.cuda ? ' (CUDA)' : ''} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
