#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) into
# build-fuzz/ and runs each for a bounded time, starting from a copy of its
# seed corpus (tests/fuzz/corpus/<target>/, never modified) and its
# dictionary. Fails if any target finds a crash, a leak, a timeout or an
# out-of-memory; the input that did it is kept under build-fuzz/fuzz-runs/.
# Prints, per target, executions per second, total executions and the size
# the corpus reached.
#
# Usage: scripts/fuzz.sh [seconds per target]   (default 15; run by
# scripts/test.sh). Replay a saved input: build-fuzz/tests/fuzz/<target>_fuzzer
# <file>.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-15}
targets=(request_parser record config replica_requests replica_replies)
dir=build-fuzz

cmake -S . -B "$dir" -DCMAKE_CXX_COMPILER=clang++ -DLEADERLESS_FUZZ=ON \
  -DLEADERLESS_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$dir" -j "$(nproc)" --target fuzzers >&2

# The value after `key` in libFuzzer's final stats (-print_final_stats=1).
final_stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }

failed=()
for t in "${targets[@]}"; do
  run="$dir/fuzz-runs/$t"
  rm -rf "$run"
  mkdir -p "$run/corpus"
  cp tests/fuzz/corpus/"$t"/* "$run/corpus/"
  dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  # -timeout: one input running this long is a hang; -rss_limit_mb bounds
  # memory (one allocation past it fails too).
  status=0
  "$dir/tests/fuzz/${t}_fuzzer" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$run/" \
    "${dict[@]}" "$run/corpus" >"$run/log" 2>&1 || status=$?
  inputs=$(find "$run/corpus" -type f | wc -l)
  bytes=$(du -sb "$run/corpus" | cut -f1)
  printf 'fuzz %-17s %7s exec/s %10s execs  corpus %5s inputs %8s bytes\n' \
    "$t" "$(final_stat average_exec_per_sec "$run/log")" \
    "$(final_stat number_of_executed_units "$run/log")" "$inputs" "$bytes"
  if [ "$status" -ne 0 ]; then
    echo "fuzz $t FAILED (exit $status); last lines of $run/log:" >&2
    tail -n 40 "$run/log" >&2
    failed+=("$t")
  fi
done

echo "fuzz: $((${#targets[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: failed: ${failed[*]} (inputs in $dir/fuzz-runs/<target>/)" >&2
  exit 1
fi
