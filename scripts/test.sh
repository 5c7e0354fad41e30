#!/usr/bin/env bash
# Sets everything up and runs every test: installs the Debian packages,
# builds with warnings as errors, runs the unit and integration tests, then
# builds again with AddressSanitizer + UndefinedBehaviorSanitizer and runs
# them all again, then runs each libFuzzer target for a bounded time
# (scripts/fuzz.sh: clang, about 75 s).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# Layering first: it takes a second and names the rule a change broke.
scripts/check-layering.sh
# The Node.js clients the integration tests drive (never committed). Without
# them only that test fails, and says so.
npm ci --prefix tests/integration/clients --no-audit --no-fund \
  --loglevel=error || echo "warning: npm ci failed" >&2

run_tests() {
  local dir
  dir=$(scripts/build.sh "$@" | tail -n 1)
  (cd "$dir" && ctest --output-on-failure -j "$(nproc)" --timeout 600)
}

echo "== plain build =="
run_tests
echo "== ASan + UBSan build =="
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_tests --sanitize
echo "== fuzzers =="
scripts/fuzz.sh
echo "all tests passed"
