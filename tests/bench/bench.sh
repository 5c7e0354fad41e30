#!/usr/bin/env bash
# Benchmarks leaderless-proxy beside redis-server and twemproxy.
#
# Not a test and not run by CI: it prints numbers for a human to read.
#
# Targets (all on 127.0.0.1, free ports, data in a temp folder):
#   A  redis-server               (no persistence)
#   B  nutcracker (twemproxy)     in front of A
#   C  leaderless-proxy over 3 leaderless-replica, N=3 W=2 R=2, appendfsync no
#   D  the same with appendfsync always
#
# Workloads: redis-benchmark -t set,get -c 50 -d 64 -r 100000 at -P 1 and -P 16.
# Rounds are interleaved (round 1: P1 on A B C D, P16 on A B C D; round 2: ...)
# so that noise from the rest of the machine hits every target alike; the
# table shows medians over rounds.
# Then a long SET run against C shows whether the proxy's memory stays flat,
# and last, E: C again with one of its 3 replicas killed (kill -9), P16 only,
# compared with C all up (the quorums still hold with 2 of 3).
#
# Usage: tests/bench/bench.sh [--rounds N] [--requests N] [--memory-requests N]
#                             [--quick] [--build-dir DIR] [--keep-tmp]
#   --rounds N           interleaved rounds (default 5); the table shows medians
#   --requests N         requests per test at -P 16 (default 200000); -P 1 runs
#                        use N/2 because unpipelined requests are much slower
#   --memory-requests N  length of the memory run (default 2000000)
#   --quick              smoke run: 2 rounds, 20000 requests, 200000 for memory
#   --build-dir DIR      use binaries already built in DIR (skips scripts/build.sh)
#   --keep-tmp           keep the temp folder (configs, logs, raw outputs)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)

rounds=5
requests=200000
memory_requests=2000000
build_dir=""
keep_tmp=0

# Every benchmark uses the same client shape; only -P and -n vary.
bench_args=(-c 50 -d 64 -r 100000)

# shellcheck source=tests/bench/processes.sh
. "$repo/tests/bench/processes.sh"

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --rounds) rounds=${2:?--rounds needs a value}; shift 2 ;;
      --requests) requests=${2:?--requests needs a value}; shift 2 ;;
      --memory-requests) memory_requests=${2:?--memory-requests needs a value}; shift 2 ;;
      --quick) rounds=2; requests=20000; memory_requests=200000; shift ;;
      --build-dir) build_dir=${2:?--build-dir needs a value}; shift 2 ;;
      --keep-tmp) keep_tmp=1; shift ;;
      -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
      *) die "unknown option '$1' (see --help)" ;;
    esac
  done
  [[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive integer"
  [[ "$requests" =~ ^[1-9][0-9]*$ ]] || die "--requests must be a positive integer"
  [[ "$memory_requests" =~ ^[1-9][0-9]*$ ]] || die "--memory-requests must be a positive integer"
}

check_tools() {
  local t
  for t in redis-server redis-cli redis-benchmark nutcracker; do
    command -v "$t" >/dev/null || die "'$t' not found (Debian: redis-server, redis-tools, nutcracker)"
  done
  command -v "$python" >/dev/null || die "python3 not found"
}

# ---------------------------------------------------------------- processes

memory_bench="" # the memory run's redis-benchmark while it runs in the background

stop_background() {
  [ -n "$memory_bench" ] && kill -TERM "$memory_bench" 2>/dev/null
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# CPU time (user + system) in clock ticks; the command name, field 2, has no
# spaces for our processes, so plain field numbers hold.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# probe NAME PORT: a SET and a GET must round-trip, so that the numbers below
# are not those of a target answering errors quickly.
probe() {
  local value="probe-$$-$RANDOM" got
  redis-cli -p "$2" SET bench:probe "$value" >/dev/null 2>&1 || true
  got=$(redis-cli -p "$2" GET bench:probe 2>&1 || true)
  [ "$got" = "$value" ] || die "$1 on port $2: SET then GET returned '$got', expected '$value'"
}

# ---------------------------------------------------------------- targets

declare -A port_of    # target letter -> port redis-benchmark talks to
proxy_pid=""          # leaderless-proxy of target C, for the memory run
c_replica_pids=()     # its replicas, for the CPU split of the memory run

start_redis() {
  local port
  port=$(free_ports 1)
  mkdir -p "$tmp/redis"
  # --dir keeps any stray file out of the caller's folder.
  start redis-server "$tmp/redis/redis.log" \
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp/redis"
  wait_ping redis-server "$last_pid" "$port" "$tmp/redis/redis.log"
  port_of[A]=$port
}

start_twemproxy() {
  local port stats
  read -r port stats < <(free_ports 2)
  mkdir -p "$tmp/twemproxy"
  cat >"$tmp/twemproxy/nutcracker.yml" <<EOF
bench:
  listen: 127.0.0.1:$port
  hash: fnv1a_64
  distribution: ketama
  redis: true
  auto_eject_hosts: false
  servers:
    - 127.0.0.1:${port_of[A]}:1
EOF
  # -s: its stats port defaults to 22222, which may be taken.
  start twemproxy "$tmp/twemproxy/nutcracker.log" \
    nutcracker -c "$tmp/twemproxy/nutcracker.yml" -s "$stats" -a 127.0.0.1 \
    -o "$tmp/twemproxy/nutcracker.log"
  wait_ping twemproxy "$last_pid" "$port" "$tmp/twemproxy/nutcracker.log"
  port_of[B]=$port
}

# start_leaderless LETTER APPENDFSYNC: 3 replicas and a proxy, N=3 W=2 R=2.
start_leaderless() {
  local letter=$1 fsync=$2 dir="$tmp/leaderless-$2" conf p1 p2 p3 pp i
  read -r p1 p2 p3 pp < <(free_ports 4)
  mkdir -p "$dir"
  conf="$dir/cluster.conf"
  # The whole cluster in one file (both executables ignore directives that
  # are not theirs); values as redis-conf/*.conf apart from ports and fsync.
  cat >"$conf" <<EOF
replica r1 127.0.0.1:$p1
replica r2 127.0.0.1:$p2
replica r3 127.0.0.1:$p3
replication-factor 3
read-quorum 2
write-quorum 2
tokens-per-replica 128
request-timeout-ms 1000
bind 127.0.0.1
port $pp
proxy-id 1
appendfsync $fsync
EOF
  local ports=("$p1" "$p2" "$p3")
  for i in 1 2 3; do
    start "replica r$i ($fsync)" "$dir/r$i.log" \
      "$build_dir/replica/leaderless-replica" "$conf" \
      --replica-id "r$i" --dir "$dir/r$i" --logfile "$dir/r$i.log"
    wait_ping "replica r$i ($fsync)" "$last_pid" "${ports[$((i - 1))]}" "$dir/r$i.log"
    [ "$letter" = C ] && c_replica_pids+=("$last_pid")
  done
  start "leaderless-proxy ($fsync)" "$dir/proxy.log" \
    "$build_dir/proxy/leaderless-proxy" "$conf" --logfile "$dir/proxy.log"
  wait_ping "leaderless-proxy ($fsync)" "$last_pid" "$pp" "$dir/proxy.log"
  port_of[$letter]=$pp
  [ "$letter" = C ] && proxy_pid=$last_pid
  return 0
}

# ---------------------------------------------------------------- benchmarks

results=""   # TSV: round target workload test rps p50_ms p99_ms
anomalies="" # lines redis-benchmark printed besides the CSV (errors, warnings)

# run_bench ROUND TARGET PIPELINE N: one redis-benchmark run (SET then GET),
# appending one results line per test.
run_bench() {
  local round=$1 target=$2 pipeline=$3 n=$4 out
  out="$tmp/raw/r$round-$target-P$pipeline.csv"
  # redis-benchmark's exit code says little (it exits 0 after server errors),
  # so its output is checked line by line below.
  redis-benchmark -p "${port_of[$target]}" -t set,get "${bench_args[@]}" \
    -P "$pipeline" -n "$n" --csv >"$out" 2>&1 ||
    echo "redis-benchmark exited with status $?" >>"$out"
  # --csv gives: "test","rps","avg","min","p50","p95","p99","max" (ms).
  awk -F'"' -v r="$round" -v t="$target" -v w="P$pipeline" '
    $2 == "SET" || $2 == "GET" {
      split($0, f, ","); for (i in f) gsub(/"/, "", f[i])
      print r "\t" t "\t" w "\t" f[1] "\t" f[2] "\t" f[5] "\t" f[7]; next }
    $2 == "test" { next }
    NF > 0 { print "target " t " " w ": " $0 > "/dev/stderr" }
  ' "$out" >>"$results" 2>>"$anomalies"
  # Both tests must have produced a line; anything else is a failed run.
  local got
  got=$(grep -c '^"\(SET\|GET\)"' "$out" || true)
  [ "$got" -eq 2 ] || { cat "$out" >&2; die "target $target P$pipeline round $round: redis-benchmark gave $got of 2 results"; }
  check_alive "during target $target P$pipeline round $round"
}

run_rounds() {
  local round pipeline n target
  for round in $(seq "$rounds"); do
    for pipeline in 1 16; do
      n=$requests
      [ "$pipeline" -eq 1 ] && n=$((requests / 2))
      for target in A B C D; do
        log "round $round/$rounds  P$pipeline  target $target  ($n requests per test)"
        run_bench "$round" "$target" "$pipeline" "$n"
      done
    done
  done
}

# Prints medians per target and workload, then the ratios of the proxy to
# the references.
print_table() {
  "$python" - "$results" <<'EOF'
import collections, statistics, sys

names = {"A": "redis-server", "B": "twemproxy", "C": "proxy (fsync no)",
         "D": "proxy (fsync always)", "E": "proxy, 1 of 3 down"}
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    rnd, target, pipe, test, rps, p50, p99 = line.split("\t")
    rows[(target, f"{test} {pipe}")].append((float(rps), float(p50), float(p99)))

workloads = ["SET P1", "GET P1", "SET P16", "GET P16"]
med = {}
print(f"{'target':<24}{'workload':<10}{'req/s':>11}{'p50 ms':>9}{'p99 ms':>9}"
      f"   req/s min..max (runs)")
for target in "ABCDE":
    for w in workloads:
        runs = rows.get((target, w))
        if not runs:
            continue
        m = tuple(statistics.median(r[i] for r in runs) for i in range(3))
        med[(target, w)] = m
        lo, hi = min(r[0] for r in runs), max(r[0] for r in runs)
        print(f"{target + ' ' + names[target]:<24}{w:<10}{m[0]:>11.0f}{m[1]:>9.3f}"
              f"{m[2]:>9.3f}   {lo:.0f}..{hi:.0f} ({len(runs)})")
    print()

def ratio(a, b, i):
    return f"{a[i] / b[i]:.2f}" if b[i] else "n/a"

print("ratios of medians (req/s ratio; p50 and p99 latency ratios, >1 = slower)")
pairs = [("C", "A", "proxy(no)/redis-server"), ("C", "B", "proxy(no)/twemproxy"),
         ("D", "A", "proxy(always)/redis-server"),
         ("E", "C", "1 down/all up")]
print(f"{'workload':<10}" + "".join(f"{p[2]:>30}" for p in pairs))
for w in workloads:
    cells = []
    for x, y, _ in pairs:
        a, b = med.get((x, w)), med.get((y, w))
        cells.append("n/a" if not a or not b else
                     f"{ratio(a, b, 0)} / {ratio(a, b, 1)} / {ratio(a, b, 2)}")
    print(f"{w:<10}" + "".join(f"{c:>30}" for c in cells))
print(f"{'':<10}" + "".join(f"{'req/s / p50 / p99':>30}" for _ in pairs))
EOF
}

# The proxy's resident memory before, during and after a long pipelined SET
# run: it should stay flat (bounded buffers, no leak per request). The CPU
# each process of target C used meanwhile shows where the time goes.
memory_run() {
  local out="$tmp/raw/memory.csv" start_s before rss max samples=()
  local watched=("$proxy_pid" "${c_replica_pids[@]}") cpu0=() p
  for p in "${watched[@]}"; do cpu0+=("$(cpu_ticks "$p")"); done
  before=$(rss_kb "$proxy_pid")
  max=$before
  log "memory run: $memory_requests SETs at -P 16 against target C"
  redis-benchmark -p "${port_of[C]}" -t set "${bench_args[@]}" -P 16 \
    -n "$memory_requests" --csv >"$out" 2>&1 &
  memory_bench=$!
  start_s=$SECONDS
  # Sample every 2 s while the run lasts.
  while kill -0 "$memory_bench" 2>/dev/null; do
    sleep 2
    kill -0 "$memory_bench" 2>/dev/null || break
    check_alive "during the memory run"
    rss=$(rss_kb "$proxy_pid")
    [ "$rss" -gt "$max" ] && max=$rss
    samples+=("t=$((SECONDS - start_s))s:$rss")
  done
  wait "$memory_bench" || echo "redis-benchmark exited with status $?" >>"$out"
  memory_bench=""
  local wall=$((SECONDS - start_s))
  check_alive "during the memory run"

  echo "leaderless-proxy (target C, pid $proxy_pid) VmRSS over $memory_requests SETs -P 16 (${wall} s):"
  printf '  %-18s %8s kB\n' "before" "$before"
  printf '  %-18s %8s kB\n' "after" "$(rss_kb "$proxy_pid")"
  printf '  %-18s %8s kB\n' "highest sample" "$max"
  echo "  samples every 2 s (kB):"
  echo "${samples[*]:-none}" | fold -s -w 76 | sed 's/^/    /'
  awk -F'"' '$2 == "SET" { split($0, f, ","); gsub(/"/, "", f[2]); gsub(/"/, "", f[5]); gsub(/"/, "", f[7]);
                           print "  throughput " f[2] " req/s, p50 " f[5] " ms, p99 " f[7] " ms" }' "$out"
  local hz i label
  hz=$(getconf CLK_TCK)
  printf '  CPU used during the run (of %s s wall, %s CPUs):' "$wall" "$(nproc)"
  for i in "${!watched[@]}"; do
    label=proxy; [ "$i" -gt 0 ] && label="r$i"
    printf ' %s %.1fs' "$label" "$(echo "$(cpu_ticks "${watched[$i]}") ${cpu0[$i]} $hz" |
      awk '{print ($1 - $2) / $3}')"
  done
  echo
  grep -v '^"' "$out" | grep . | sed 's/^/memory run: /' >>"$anomalies" || true
  grep -q '^"SET"' "$out" || { cat "$out" >&2; die "memory run gave no result"; }
}

# Target E: target C after kill -9 of its replica r3, once the proxy has
# marked it down; P16 rounds only.
degraded_run() {
  local victim=${c_replica_pids[2]} round deadline=$((SECONDS + 10))
  log "degraded run: kill -9 replica r3 of target C (pid $victim)"
  kill -KILL "$victim"
  wait "$victim" 2>/dev/null || true
  forget "$victim"
  until redis-cli -p "${port_of[C]}" INFO cluster | grep -q '^replicas_up:2'; do
    [ $SECONDS -lt $deadline ] || die "target C's proxy did not mark r3 down in 10 s"
    sleep 0.1
  done
  port_of[E]=${port_of[C]}
  probe "target E" "${port_of[E]}"
  for round in $(seq "$rounds"); do
    log "round $round/$rounds  P16  target E  ($requests requests per test)"
    run_bench "$round" E 16 "$requests"
  done
}

# What redis-benchmark printed besides its CSV, counted per target and
# workload (one line per run would drown the table). Its CONFIG GET at start
# fails on twemproxy and leaderless-proxy, which do not implement CONFIG;
# that warning is expected and only counted.
report_anomalies() {
  local config_warnings
  config_warnings=$(grep -c 'Could not fetch server CONFIG' "$anomalies" || true)
  echo "expected 'WARNING: Could not fetch server CONFIG' lines (targets B C D): $config_warnings"
  if grep -qv 'Could not fetch server CONFIG' "$anomalies"; then
    echo "redis-benchmark ALSO printed (count, where: what):"
    grep -v 'Could not fetch server CONFIG' "$anomalies" | sort | uniq -c | sort -rn | head -n 20
  else
    echo "redis-benchmark printed no errors."
  fi
}

# ---------------------------------------------------------------- main

main() {
  parse_args "$@"
  check_tools
  if [ -z "$build_dir" ]; then
    log "building (scripts/build.sh)"
    local built
    built=$("$repo/scripts/build.sh" | tail -n 1) ||
      die "scripts/build.sh failed (see above); --build-dir DIR benchmarks an existing build"
    build_dir="$repo/$built"
  fi
  build_dir=$(cd "$build_dir" && pwd)
  for b in proxy/leaderless-proxy replica/leaderless-replica; do
    [ -x "$build_dir/$b" ] || die "$build_dir/$b not found"
  done

  tmp=$(mktemp -d "${TMPDIR:-/tmp}/leaderless-bench.XXXXXX")
  mkdir -p "$tmp/raw"
  results="$tmp/results.tsv"; : >"$results"
  anomalies="$tmp/anomalies.txt"; : >"$anomalies"
  trap cleanup EXIT
  # Exiting from the signal handlers runs cleanup through the EXIT trap.
  trap 'log interrupted; exit 130' INT
  trap 'log terminated; exit 143' TERM

  log "starting targets in $tmp"
  start_redis
  start_twemproxy
  start_leaderless C no
  start_leaderless D always
  local rss_start
  rss_start=$(rss_kb "$proxy_pid")
  log "ports: A=${port_of[A]} B=${port_of[B]} C=${port_of[C]} D=${port_of[D]}"
  local t
  for t in A B C D; do probe "target $t" "${port_of[$t]}"; done

  # Other work on the machine skews the numbers; the load average tells.
  local t0=$SECONDS load_start
  load_start=$(cut -d' ' -f1-3 /proc/loadavg)
  run_rounds
  local load_after
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "leaderless-proxy (target C) resident memory right after startup: $rss_start kB"
  memory_run
  degraded_run

  echo
  echo "== leaderless benchmark: $rounds rounds, redis-benchmark ${bench_args[*]} -t set,get," \
       "-n $((requests / 2)) at -P 1, -n $requests at -P 16; $(nproc) CPUs; medians over rounds"
  echo "load average before the rounds: $load_start, after: $load_after"
  echo
  print_table
  echo
  report_anomalies
  echo "total time: $((SECONDS - t0)) s"
}

main "$@"
