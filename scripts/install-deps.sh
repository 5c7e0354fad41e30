#!/usr/bin/env bash
# Installs the Debian 12 packages leaderless needs to build, test and
# benchmark. Runs apt-get only for what is missing; uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libuv1-dev libhiredis-dev libleveldb-dev libsnappy-dev
  libgtest-dev
  redis-tools redis-server nutcracker python3-redis
  # libfaketime: the clock tests move one process's wall clock with it.
  libfaketime
  # scripts/fuzz.sh: clang with libFuzzer and the sanitizer runtimes
  # (libclang-rt is only a recommendation of clang), and llvm's symbolizer
  # for readable stack traces of what a fuzzer finds.
  clang libclang-rt-14-dev llvm
)
# Node.js runs the npm clients of the integration tests. The machine image
# may bring its own node and npm, so Debian's are installed only when one of
# them is missing.
command -v node >/dev/null && command -v npm >/dev/null ||
  packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
