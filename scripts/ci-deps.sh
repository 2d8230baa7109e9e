#!/usr/bin/env bash
# Idempotent installer of the Debian packages that the notebook tests need:
#   - headless execution (npm run notebooks): jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel
#   - browser end-to-end (npm run test:browser): jupyter-notebook (classic, 6.4 on Debian 12) chromium
#   - real data for notebooks: dataset-fashion-mnist
#   - the torch backend (its addon is compiled at npm install; the suite runs on it too): libtorch-dev g++
#   - the SLURM integration test (scripts/slurm-local.sh runs a one-node cluster): slurm-wlm munge
# python3-torch is NOT needed. Only missing packages are installed; `apt-get update` runs only if
# something is missing. Quiet: prints one line per package it installs, or that nothing was needed.
# Usage: bash scripts/ci-deps.sh [--check]   (--check: only report, exit 1 if something is missing)
set -euo pipefail

PKGS=(jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel jupyter-notebook chromium dataset-fashion-mnist libtorch-dev g++ slurm-wlm munge)

missing=()
for p in "${PKGS[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "ci-deps: all ${#PKGS[@]} Debian packages already installed"
  exit 0
fi
if [[ "${1:-}" == "--check" ]]; then
  echo "ci-deps: missing: ${missing[*]}"
  exit 1
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "ci-deps: not root and no sudo; install manually: apt-get install ${missing[*]}" >&2; exit 1
  fi
fi

echo "ci-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
# another apt (an unattended upgrade, a second install) may hold the dpkg lock: wait for it, do not fail
LOCK=(-o DPkg::Lock::Timeout=600)
if ! { $SUDO apt-get "${LOCK[@]}" update -qq && \
       $SUDO apt-get "${LOCK[@]}" install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  echo "ci-deps: apt-get failed; last lines:" >&2
  tail -n 30 "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
for p in "${missing[@]}"; do
  echo "ci-deps: installed $p $(dpkg-query -W -f='${Version}' "$p")"
done
