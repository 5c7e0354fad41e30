#!/usr/bin/env bash
# Benchmarks sustained writes of larger values: whether the cluster slows
# down smoothly or fails once LevelDB's compactions fall behind.
#
# Not a test and not run by CI: it prints numbers for a human to read.
#
# Cluster (127.0.0.1, free ports, data in a temp folder): 3 leaderless-replica
# and 1 leaderless-proxy, N=3 W=2 R=2, appendfsync no (--fsync to change),
# request-timeout-ms 1000; beside it a redis-server without persistence.
#
#  1. Prefills --keys keys (default 1000000) through the proxy, and the same
#     into redis-server: key:000000000000 .., redis-benchmark's own key
#     names, values of 64 bytes (processes.sh's prefill).
#  2. redis-benchmark -t set -d <--value-size, 4096> -r <keys> -c 50 (P1)
#     -n <--requests> against redis-server, then the same against the proxy.
#     Progress lines (every 250 ms) are kept to count the intervals in which
#     no request completed.
#  3. Prints, per target: requests/s, p99, errors, zero-throughput intervals,
#     and for each replica its LevelDB compaction count and level sizes
#     (INFO's leveldb_* lines) and the write-stall counters.
#
# Usage: tests/bench/sustained_write_bench.sh [--keys N] [--requests N]
#            [--value-size N] [--fsync MODE] [--build-dir DIR] [--keep-tmp]
#   --keys N         keys prefilled and the benchmark's -r (default 1000000)
#   --requests N     -n of the SET run (default 660000, ~60 s at 11,000/s)
#   --value-size N   -d of the SET run (default 4096)
#   --fsync MODE     appendfsync of the replicas (default no)
#   --build-dir DIR  use binaries already built in DIR (skips scripts/build.sh)
#   --keep-tmp       keep the temp folder (configs, logs, raw outputs)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)

keys=1000000
requests=660000
value_size=4096
fsync=no
build_dir=""
keep_tmp=0

# shellcheck source=tests/bench/processes.sh
. "$repo/tests/bench/processes.sh"

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --keys) keys=${2:?--keys needs a value}; shift 2 ;;
      --requests) requests=${2:?--requests needs a value}; shift 2 ;;
      --value-size) value_size=${2:?--value-size needs a value}; shift 2 ;;
      --fsync) fsync=${2:?--fsync needs a value}; shift 2 ;;
      --build-dir) build_dir=${2:?--build-dir needs a value}; shift 2 ;;
      --keep-tmp) keep_tmp=1; shift ;;
      -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
      *) die "unknown option '$1' (see --help)" ;;
    esac
  done
  local v
  for v in "$keys" "$requests" "$value_size"; do
    [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "numbers must be positive integers"
  done
}

replica_ports=()

start_cluster() {
  local dir="$tmp/leaderless" conf p1 p2 p3 pp i
  read -r p1 p2 p3 pp < <(free_ports 4)
  mkdir -p "$dir"
  conf="$dir/cluster.conf"
  write_cluster_conf "$conf" "$fsync" "$p1" "$p2" "$p3" "$pp"
  replica_ports=("$p1" "$p2" "$p3")
  for i in 1 2 3; do
    start "replica r$i" "$dir/r$i.log" \
      "$build_dir/replica/leaderless-replica" "$conf" \
      --replica-id "r$i" --dir "$dir/r$i" --logfile "$dir/r$i.log"
    wait_ping "replica r$i" "$last_pid" "${replica_ports[$((i - 1))]}" "$dir/r$i.log"
  done
  start "leaderless-proxy" "$dir/proxy.log" \
    "$build_dir/proxy/leaderless-proxy" "$conf" --logfile "$dir/proxy.log"
  wait_ping "leaderless-proxy" "$last_pid" "$pp" "$dir/proxy.log"
  proxy_port=$pp
}

start_redis() {
  read -r redis_port < <(free_ports 1)
  start "redis-server" "$tmp/redis.log" redis-server --port "$redis_port" \
    --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp"
  wait_ping "redis-server" "$last_pid" "$redis_port" "$tmp/redis.log"
}

# run NAME PORT: the SET run; prints one result line.
run() {
  local name=$1 port=$2 out="$tmp/bench-$1.out" t0 t1
  t0=$(date +%s.%N)
  redis-benchmark -p "$port" -t set -d "$value_size" -r "$keys" -c 50 \
    -n "$requests" >"$out" 2>&1 || true
  t1=$(date +%s.%N)
  # Progress lines are \r-separated "SET: rps=R (overall: O) avg_msec=A".
  tr '\r' '\n' <"$out" | awk -v name="$name" -v t0="$t0" -v t1="$t1" -v n="$requests" '
    /^SET: rps=/ { split($2, a, "="); samples++; if (a[2] + 0 == 0) zero++
                   overall = $4 + 0 }
    /Error|error|ERR|NOQUORUM|UNAVAILABLE/ { errors++; if (!first) first = $0 }
    /requests completed in/ { done = $1; secs = $5 }
    /^ *[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ *$/ { p99 = $5 }
    END {
      # Stopped on an error: no summary; the last progress line tells.
      if (!done) { secs = t1 - t0; done = int(overall * secs); p99 = "?" }
      printf "%-12s completed %d of %d in %.1f s: %.0f req/s, p99 %s ms, " \
             "zero-throughput 250 ms intervals %d of %d, error lines %d%s\n",
             name, done, n, secs, done / secs, p99,
             zero, samples, errors, (first ? " (first: " first ")" : "")
    }'
}

replica_report() {
  local i
  for i in 1 2 3; do
    echo "replica r$i:"
    redis-cli -p "${replica_ports[$((i - 1))]}" INFO 2>/dev/null |
      tr -d '\r' | grep -E '^(leveldb_|batches_behind|batches_paced|writes_pending)' | sed 's/^/  /' || true
    echo "  LevelDB compactions: $(grep -c 'Compacting' "$tmp/leaderless/r$i"/LOG* 2>/dev/null | paste -sd+ | bc)"
  done
}

main() {
  parse_args "$@"
  command -v redis-benchmark >/dev/null || die "redis-benchmark not found"
  find_build
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/leaderless-sustained.XXXXXX")
  trap cleanup EXIT
  trap 'log interrupted; exit 130' INT
  trap 'log terminated; exit 143' TERM

  start_redis
  start_cluster
  log "prefilling $keys keys into redis-server and the cluster"
  # processes.sh's loader: SETs answered with an error are sent again.
  echo "prefill retries (redis-server): $(prefill redis-server "$redis_port" "$keys" 64)"
  echo "prefill retries (proxy): $(prefill proxy "$proxy_port" "$keys" 64)"
  check_alive "during the prefill"
  log "prefilled; SET runs of -n $requests -d $value_size -c 50"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  run redis-server "$redis_port"
  redis-cli -p "$redis_port" FLUSHALL >/dev/null  # frees its memory
  run leaderless "$proxy_port"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  check_alive "during the SET runs"
  replica_report
  du -sh "$tmp/leaderless"/r? | sed 's/^/data: /'
}

main "$@"
