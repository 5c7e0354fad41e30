#!/usr/bin/env bash
# Builds leaderless into build/ (or build-sanitize/ with --sanitize).
# Warnings are errors. Prints the build folder on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=build
flags=(-DLEADERLESS_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-sanitize
  flags+=(-DLEADERLESS_SANITIZE=ON)
fi
cmake -S . -B "$dir" "${flags[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)" >&2
echo "$dir"
