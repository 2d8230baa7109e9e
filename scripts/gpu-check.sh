#!/usr/bin/env bash
# GPU readiness of the torch backend, for a short loan of a CUDA machine (< 8 minutes with the build):
# builds the addon against the CUDA libtorch inside Python's torch, runs the kernel-parity tests with every
# tensor on the GPU, then `mat bench` on torch-cuda. Such machines may lack Node and its headers: carry them
#   mkdir -p .gpu && xz -T2 -c "$(command -v node)" > .gpu/node.xz && cp -r /usr/include/node .gpu/node-include
# (about 30 MB; .gpu/ is git-ignored) and the built dist/ (npm run build). Usage: bash scripts/gpu-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
NODE=$(command -v node || true)
if [[ -f .gpu/node.xz ]] && { [[ -z "$NODE" ]] || ! "$NODE" --version >/dev/null 2>&1; }; then
  xz -dc .gpu/node.xz > /tmp/mat-node && chmod +x /tmp/mat-node && NODE=/tmp/mat-node
fi
[[ -n "$NODE" ]] || { echo "gpu-check: no node (carry .gpu/node.xz)"; exit 1; }
[[ -d .gpu/node-include ]] && export NODE_API_HEADERS=$PWD/.gpu/node-include
[[ -d dist ]] || { echo "gpu-check: dist/ missing (run npm run build here and carry dist)"; exit 1; }
TORCH_DIR=$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))')
python3 -c 'import torch; print("gpu-check: python torch", torch.__version__, "cuda", torch.version.cuda, "device", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none")'
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
LIBTORCH=$TORCH_DIR "$NODE" scripts/build-native.mjs --force --require
echo "gpu-check: build done after $(( $(date +%s) - start )) s"
MAT_TEST_BACKEND=torch-cuda MAT_REQUIRE_TORCH=1 "$NODE" --test dist/test/backend/torch-kernels.test.js
echo "gpu-check: parity done after $(( $(date +%s) - start )) s"
"$NODE" dist/src/cli/main.js bench --backends torch-cuda,torch --threads 1 --samples 3 --iterations 10 --wrn --no-torch
echo "gpu-check: finished in $(( $(date +%s) - start )) s"
