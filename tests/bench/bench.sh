#!/usr/bin/env bash
# Benchmarks leaderless-proxy beside redis-server, twemproxy and a redis
# primary with two replicas.
#
# Not a test and not run by CI: it prints numbers for a human to read.
#
# Targets (all on 127.0.0.1, free ports, data in a temp folder):
#   A  redis-server               (no persistence)
#   B  nutcracker (twemproxy)     in front of A
#   P  redis primary + 2 redis replicas (REPLICAOF, asynchronous replication,
#      no persistence); clients talk to the primary
#   C  leaderless-proxy over 3 leaderless-replica, N=3 W=2 R=2, appendfsync no
#   D  the same with appendfsync always
#
# Before any benchmark, every target holds --keys keys key:000000000000 ..
# (the names redis-benchmark -r draws from) with values of 64 bytes, loaded
# through its client port (for C and D: through the proxy), so that GETs hit
# real keys; P's replicas have caught up before the first run.
#
# Workloads: redis-benchmark -t set, then -t get, -c 50 -d 64 -r <keys>, at
# -P 1 and -P 16. Rounds are interleaved (round 1: P1 on A B P C D, P16 on
# A B P C D; round 2: ...) so that noise from the rest of the machine hits
# every target alike; the tables show medians over rounds: req/s, p50 and
# p99 latency, throughput ratios to A, p99 at P1 beside A's, and the CPU
# time each process class spent per request (utime + stime from
# /proc/<pid>/stat around each run, summed over rounds, divided by the
# requests; the client's from the redis-benchmark processes this script
# waited for). Each run's CPU is read once the target is idle again (P: its
# replicas have acknowledged every write; all: after 0.5 s).
# Then a long SET run against C shows whether the proxy's memory stays flat,
# and last, E: C again with one of its 3 replicas killed (kill -9), P16 only,
# compared with C all up (the quorums still hold with 2 of 3).
# redis-benchmark stops at its first error reply (e.g. NOQUORUM, a write
# that missed its quorum in time): such a run gives no figures, the tables
# leave it out (see the runs count) and the report lists it.
#
# --large replaces all of the above with the sustained write load of larger
# values: A and C, each prefilled with --keys keys (default 1000000 there)
# of 64 bytes, then redis-benchmark -t set -d 4096 -r <keys> -c 50 (-P 1)
# for --seconds against A, then against C, as back-to-back runs of about
# 5 s each (a redis-benchmark stopped early reports nothing, so each run
# reports its own p99; the worst run's p99 bounds the whole load's).
# redis-benchmark stops at the first error reply (e.g. NOQUORUM): the load
# stops there and the error is reported.
#
# Usage: tests/bench/bench.sh [--rounds N] [--requests N] [--memory-requests N]
#                             [--keys N] [--quick] [--build-dir DIR] [--keep-tmp]
#        tests/bench/bench.sh --large [--keys N] [--seconds S] [--build-dir DIR]
#                             [--keep-tmp]
#   --rounds N           interleaved rounds (default 5); the table shows medians
#   --requests N         requests per test at -P 16 (default 200000); -P 1 runs
#                        use N/2 because unpipelined requests are much slower
#   --memory-requests N  length of the memory run (default 2000000)
#   --keys N             keys prefilled and redis-benchmark's -r (default
#                        100000; 1000000 with --large)
#   --quick              smoke run: 2 rounds, 20000 requests, 200000 for
#                        memory; with --large: 10 s loads
#   --large              the sustained write load above instead of the rounds
#   --seconds S          length of each sustained load (default 60)
#   --build-dir DIR      use binaries already built in DIR (skips scripts/build.sh)
#   --keep-tmp           keep the temp folder (configs, logs, raw outputs)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)

rounds=5
requests=200000
memory_requests=2000000
keys=""
large=0
seconds=60
quick=0
build_dir=""
keep_tmp=0

value_size=64     # of the prefilled values and of the rounds' SETs
large_size=4096   # of the sustained load's SETs
bench_args=()     # the client shape of every round: set once --keys is known

# shellcheck source=tests/bench/processes.sh
. "$repo/tests/bench/processes.sh"

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --rounds) rounds=${2:?--rounds needs a value}; shift 2 ;;
      --requests) requests=${2:?--requests needs a value}; shift 2 ;;
      --memory-requests) memory_requests=${2:?--memory-requests needs a value}; shift 2 ;;
      --keys) keys=${2:?--keys needs a value}; shift 2 ;;
      --quick) quick=1; shift ;;
      --large) large=1; shift ;;
      --seconds) seconds=${2:?--seconds needs a value}; shift 2 ;;
      --build-dir) build_dir=${2:?--build-dir needs a value}; shift 2 ;;
      --keep-tmp) keep_tmp=1; shift ;;
      -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
      *) die "unknown option '$1' (see --help)" ;;
    esac
  done
  if [ "$quick" -eq 1 ]; then
    rounds=2; requests=20000; memory_requests=200000; seconds=10
  fi
  if [ -z "$keys" ]; then
    keys=100000
    [ "$large" -eq 1 ] && keys=1000000
  fi
  local v
  for v in rounds requests memory_requests keys seconds; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "--${v//_/-} must be a positive integer"
  done
  bench_args=(-c 50 -d "$value_size" -r "$keys")
}

check_tools() {
  local t
  for t in redis-server redis-cli redis-benchmark nutcracker timeout; do
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
declare -A watch_of   # target letter -> "label:pid ..." of the processes that
                      # serve it, whose CPU time each run reports
proxy_pid=""          # leaderless-proxy of target C, for the memory run
c_replica_pids=()     # its replicas, for the CPU split of the memory run

# redis_server NAME DIR [ARG...]: a redis-server without persistence on a
# free port, data folder DIR; sets last_port (and last_pid).
redis_server() {
  local name=$1 dir=$2 port
  shift 2
  port=$(free_ports 1)
  mkdir -p "$dir"
  # --dir keeps any stray file out of the caller's folder.
  start "$name" "$dir/redis.log" \
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$dir" "$@"
  wait_ping "$name" "$last_pid" "$port" "$dir/redis.log"
  last_port=$port
}

start_redis() {
  redis_server redis-server "$tmp/redis"
  port_of[A]=$last_port
  watch_of[A]="redis:$last_pid"
}

start_twemproxy() {
  local port stats
  read -r port stats < <(free_ports 2)
  mkdir -p "$tmp/twemproxy"
  cat >"$tmp/twemproxy/nutcracker.yml" <<EOF2
bench:
  listen: 127.0.0.1:$port
  hash: fnv1a_64
  distribution: ketama
  redis: true
  auto_eject_hosts: false
  servers:
    - 127.0.0.1:${port_of[A]}:1
EOF2
  # -s: its stats port defaults to 22222, which may be taken.
  start twemproxy "$tmp/twemproxy/nutcracker.log" \
    nutcracker -c "$tmp/twemproxy/nutcracker.yml" -s "$stats" -a 127.0.0.1 \
    -o "$tmp/twemproxy/nutcracker.log"
  wait_ping twemproxy "$last_pid" "$port" "$tmp/twemproxy/nutcracker.log"
  port_of[B]=$port
  watch_of[B]="proxy:$last_pid ${watch_of[A]}"
}

# Target P: a primary and two replicas of it. The replicas are in sync once
# sync_replicas has returned (after the prefill and after each run).
start_primary_replicas() {
  local primary i
  # No delay before a full sync: nothing is gained by waiting for more
  # replicas here.
  redis_server "redis primary" "$tmp/primary" --repl-diskless-sync-delay 0
  primary=$last_port
  port_of[P]=$primary
  watch_of[P]="primary:$last_pid"
  for i in 1 2; do
    redis_server "redis replica $i" "$tmp/replica$i" --replicaof 127.0.0.1 "$primary"
    watch_of[P]+=" replica$i:$last_pid"
  done
}

# sync_replicas: returns once both replicas of target P hold every write the
# primary took (WAIT, after a write on the same connection, answers how many
# replicas acknowledged it).
sync_replicas() {
  local got
  got=$(printf 'SET bench:sync %s\nWAIT 2 60000\n' "$RANDOM" |
    redis-cli -p "${port_of[P]}" 2>&1 | tail -n 1)
  [ "$got" = 2 ] || die "target P: its replicas did not catch up within 60 s (WAIT answered '$got')"
}

# start_leaderless LETTER APPENDFSYNC: 3 replicas and a proxy, N=3 W=2 R=2.
start_leaderless() {
  local letter=$1 fsync=$2 dir="$tmp/leaderless-$2" conf p1 p2 p3 pp i
  read -r p1 p2 p3 pp < <(free_ports 4)
  mkdir -p "$dir"
  conf="$dir/cluster.conf"
  write_cluster_conf "$conf" "$fsync" "$p1" "$p2" "$p3" "$pp"
  local ports=("$p1" "$p2" "$p3") replicas=""
  for i in 1 2 3; do
    start "replica r$i ($fsync)" "$dir/r$i.log" \
      "$build_dir/replica/leaderless-replica" "$conf" \
      --replica-id "r$i" --dir "$dir/r$i" --logfile "$dir/r$i.log"
    wait_ping "replica r$i ($fsync)" "$last_pid" "${ports[$((i - 1))]}" "$dir/r$i.log"
    [ "$letter" = C ] && c_replica_pids+=("$last_pid")
    replicas+=" r$i:$last_pid"
  done
  start "leaderless-proxy ($fsync)" "$dir/proxy.log" \
    "$build_dir/proxy/leaderless-proxy" "$conf" --logfile "$dir/proxy.log"
  wait_ping "leaderless-proxy ($fsync)" "$last_pid" "$pp" "$dir/proxy.log"
  port_of[$letter]=$pp
  watch_of[$letter]="proxy:$last_pid$replicas"
  [ "$letter" = C ] && proxy_pid=$last_pid
  return 0
}

# prefill_targets LETTER...: loads the keys into each target (B shares A's).
prefill_targets() {
  local t t0 size retried error
  for t in "$@"; do
    t0=$SECONDS
    log "prefilling target $t: $keys keys of $value_size bytes"
    retried=$(prefill "target $t" "${port_of[$t]}" "$keys" "$value_size")
    read -r retried error <<<"$retried"
    [ "$retried" -eq 0 ] || echo "target $t prefill: $retried SETs answered an error and" \
      "were sent again, the first: $error" >>"$anomalies"
    [ "$t" = P ] && sync_replicas
    size=$(redis-cli -p "${port_of[$t]}" DBSIZE)
    [ "$size" -ge "$keys" ] 2>/dev/null ||
      die "target $t: DBSIZE answered '$size' after the prefill of $keys keys"
    log "  target $t prefilled in $((SECONDS - t0)) s (DBSIZE $size)"
  done
}

# ---------------------------------------------------------------- CPU time

# servers_ticks_now TARGET: sets servers_ticks to the CPU ticks used so far
# by each process of TARGET, in watch_of's order.
servers_ticks_now() {
  local entry
  servers_ticks=()
  for entry in ${watch_of[$1]}; do
    stat_fields "${entry#*:}"
    servers_ticks+=("$((stat_f[11] + stat_f[12]))")
  done
}

# cpu_used TARGET CLIENT_TICKS BEFORE...: prints "client=T,label=T,..." with
# the ticks each process of TARGET used from BEFORE to servers_ticks (two
# readings of servers_ticks_now).
cpu_used() {
  local target=$1 out="client=$2" i=0 entry
  shift 2
  for entry in ${watch_of[$target]}; do
    out+=",${entry%%:*}=$((servers_ticks[i] - $1))"
    i=$((i + 1))
    shift
  done
  echo "$out"
}

# settle TARGET: waits until TARGET has done the work a run left behind, so
# that its CPU time is counted for that run: P's replicas apply the writes
# after the primary answered; a leaderless replica beyond the write quorum
# may still be writing.
settle() {
  [ "$1" = P ] && sync_replicas
  sleep 0.5
}

# ---------------------------------------------------------------- benchmarks

results=""   # TSV: round target workload test rps p50_ms p99_ms requests cpu
anomalies="" # lines redis-benchmark printed besides the CSV (errors, warnings)
failed=""    # runs that gave no result, and why

# first_error OUT: the first line of a redis-benchmark output that is
# neither CSV nor the expected CONFIG warning ("no result" if none).
first_error() {
  local line
  line=$(grep -v '^"' "$1" | grep -v 'Could not fetch server CONFIG' | grep . | head -n 1 || true)
  echo "${line:-no result}"
}

# no_result WHAT OUT: notes that the run WHAT (output OUT) gave no result.
# redis-benchmark stops at its first error reply (e.g. a write that missed
# its quorum): the other runs go on, the report lists it.
no_result() {
  echo "$1: $(first_error "$2")" >>"$failed"
  log "$1 gave no result: $(first_error "$2")"
}

# run_bench ROUND TARGET PIPELINE TEST N: one redis-benchmark run of TEST
# (set or get), appending its results line. Runs in the main shell: the
# client's CPU time is that of the children $$ waited for.
run_bench() {
  local round=$1 target=$2 pipeline=$3 test=$4 n=$5 out client0 before
  out="$tmp/raw/r$round-$target-P$pipeline-$test.csv"
  servers_ticks_now "$target"
  before=("${servers_ticks[@]}")
  children_ticks_now
  client0=$children_ticks
  # redis-benchmark's exit code says little (it exits 0 after some errors),
  # so its output is checked line by line below.
  redis-benchmark -p "${port_of[$target]}" -t "$test" "${bench_args[@]}" \
    -P "$pipeline" -n "$n" --csv >"$out" 2>&1 ||
    echo "redis-benchmark exited with status $?" >>"$out"
  children_ticks_now
  settle "$target"
  servers_ticks_now "$target"
  local cpu
  cpu=$(cpu_used "$target" $((children_ticks - client0)) "${before[@]}")
  # --csv gives: "test","rps","avg","min","p50","p95","p99","max" (ms).
  awk -F'"' -v r="$round" -v t="$target" -v w="P$pipeline" -v n="$n" -v cpu="$cpu" '
    $2 == "SET" || $2 == "GET" {
      split($0, f, ","); for (i in f) gsub(/"/, "", f[i])
      print r "\t" t "\t" w "\t" f[1] "\t" f[2] "\t" f[5] "\t" f[7] "\t" n "\t" cpu; next }
    $2 == "test" { next }
    NF > 0 { print "target " t " " w ": " $0 > "/dev/stderr" }
  ' "$out" >>"$results" 2>>"$anomalies"
  # The test must have produced its line; anything else is a failed run.
  grep -q '^"\(SET\|GET\)"' "$out" ||
    no_result "target $target P$pipeline $test round $round" "$out"
  check_alive "during target $target P$pipeline round $round"
}

run_rounds() {
  local round pipeline n target test
  for round in $(seq "$rounds"); do
    for pipeline in 1 16; do
      n=$requests
      [ "$pipeline" -eq 1 ] && n=$((requests / 2))
      for target in A B P C D; do
        log "round $round/$rounds  P$pipeline  target $target  ($n requests per test)"
        for test in set get; do
          run_bench "$round" "$target" "$pipeline" "$test" "$n"
        done
      done
    done
  done
}

# The names the tables give the targets, for print_table.
target_names() {
  cat <<'EOF2'
A	redis-server (no persistence)
B	twemproxy -> A
P	redis primary + 2 replicas
C	leaderless, appendfsync no
D	leaderless, appendfsync always
E	C with 1 of 3 replicas down
EOF2
}

# Prints medians per target and workload, the throughput ratios to A, p99
# at P1 beside A's, and CPU time per request per process.
print_table() {
  target_names >"$tmp/names.tsv"
  "$python" - "$results" "$tmp/names.tsv" "$(getconf CLK_TCK)" <<'EOF2'
import collections, statistics, sys

names = dict(line.rstrip("\n").split("\t") for line in open(sys.argv[2]))
hz = float(sys.argv[3])
order = [t for t in "ABPCDE"]
rows = collections.defaultdict(list)     # (target, workload) -> [(rps, p50, p99)]
requests = collections.Counter()         # (target, workload) -> requests
ticks = collections.defaultdict(collections.Counter)  # ... -> label -> ticks
labels = {}                              # target -> its processes' labels
for line in open(sys.argv[1]):
    rnd, target, pipe, test, rps, p50, p99, n, cpu = line.rstrip("\n").split("\t")
    key = (target, f"{test} {pipe}")
    rows[key].append((float(rps), float(p50), float(p99)))
    requests[key] += int(n)
    pairs = [item.split("=") for item in cpu.split(",")]
    for label, t in pairs:
        ticks[key][label] += int(t)
    labels.setdefault(target, [label for label, _ in pairs])

workloads = ["SET P1", "GET P1", "SET P16", "GET P16"]
def label(t):
    return f"{t} {names[t]}"

med = {}
print(f"{'target':<34}{'workload':<10}{'req/s':>11}{'p50 ms':>9}{'p99 ms':>9}"
      f"   req/s min..max (runs)")
for t in order:
    for w in workloads:
        runs = rows.get((t, w))
        if not runs:
            continue
        m = tuple(statistics.median(r[i] for r in runs) for i in range(3))
        med[(t, w)] = m
        lo, hi = min(r[0] for r in runs), max(r[0] for r in runs)
        print(f"{label(t):<34}{w:<10}{m[0]:>11.0f}{m[1]:>9.3f}"
              f"{m[2]:>9.3f}   {lo:.0f}..{hi:.0f} ({len(runs)})")
    if any((t, w) in med for w in workloads):
        print()

def cell(a, b, w, i=0):
    x, y = med.get((a, w)), med.get((b, w))
    return "-" if not x or not y or not y[i] else f"{x[i] / y[i]:.2f}"

print("throughput: ratios of median req/s (to A's unless said)")
print(f"{'':<44}" + "".join(f"{w:>9}" for w in workloads))
lines = [(t, "A", label(t)) for t in order if any((t, w) in med for w in workloads)]
lines += [("C", "B", "leaderless no / twemproxy (C / B)"),
          ("D", "C", "appendfsync always / no (D / C)"),
          ("E", "C", "1 of 3 down / all up (E / C)")]
for a, b, text in lines:
    print(f"{text:<44}" + "".join(f"{cell(a, b, w):>9}" for w in workloads))
print(f"{'A redis-server req/s':<44}" + "".join(
    f"{med[('A', w)][0]:>9.0f}" if ("A", w) in med else f"{'-':>9}" for w in workloads))
print()

print("p99 latency at P1, ms (ratio to A's)")
print(f"{'':<44}" + "".join(f"{w:>16}" for w in workloads[:2]))
for t in order:
    cells = []
    for w in workloads[:2]:
        if (t, w) not in med:
            cells.append("-")
        elif t == "A":
            cells.append(f"{med[(t, w)][2]:.3f}")
        else:
            cells.append(f"{med[(t, w)][2]:.3f} ({cell(t, 'A', w, 2)}x)")
    if any(c != "-" for c in cells):
        print(f"{label(t):<44}" + "".join(f"{c:>16}" for c in cells))
print()

print("CPU time per request, us: user + system from /proc/<pid>/stat, summed over")
print(f"the rounds, / requests (1 tick = {1e6 / hz:.0f} us; resolution per line shown as +-)")
print(f"{'target':<34}{'workload':<10}{'client':>8}{'proxy':>8}   {'server processes':<44}{'all':>7}{'+-':>7}")
for t in order:
    for w in workloads:
        key = (t, w)
        if key not in requests:
            continue
        per = {l: ticks[key][l] / hz * 1e6 / requests[key] for l in labels[t]}
        servers = [l for l in labels[t] if l not in ("client", "proxy")]
        text = "  ".join(f"{l} {per[l]:.2f}" for l in servers)
        if len(servers) > 1:
            text += f"  (sum {sum(per[l] for l in servers):.2f})"
        proxy = f"{per['proxy']:.2f}" if "proxy" in per else "-"
        print(f"{label(t):<34}{w:<10}{per['client']:>8.2f}{proxy:>8}   {text:<44}"
              f"{sum(per.values()):>7.2f}{1e6 / hz / requests[key]:>7.2f}")
    if any((t, w) in requests for w in workloads):
        print()
EOF2
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
  if ! grep -q '^"SET"' "$out"; then
    no_result "memory run" "$out"
    echo "  the run stopped early: $(first_error "$out")"
  fi
}

# Target E: target C after kill -9 of its replica r3, once the proxy has
# marked it down; P16 rounds only.
degraded_run() {
  local victim=${c_replica_pids[2]} round test deadline=$((SECONDS + 10))
  log "degraded run: kill -9 replica r3 of target C (pid $victim)"
  kill -KILL "$victim"
  wait "$victim" 2>/dev/null || true
  forget "$victim"
  until redis-cli -p "${port_of[C]}" INFO cluster | grep -q '^replicas_up:2'; do
    [ $SECONDS -lt $deadline ] || die "target C's proxy did not mark r3 down in 10 s"
    sleep 0.1
  done
  port_of[E]=${port_of[C]}
  watch_of[E]=${watch_of[C]% r3:*}
  probe "target E" "${port_of[E]}"
  for round in $(seq "$rounds"); do
    log "round $round/$rounds  P16  target E  ($requests requests per test)"
    for test in set get; do
      run_bench "$round" E 16 "$test" "$requests"
    done
  done
}

# ---------------------------------------------------------------- sustained writes

large_runs=""   # TSV: target run end_ms requests rps p99_ms max_ms
large_totals="" # TSV: target requests end_ms cpu error error_ms

# sustained TARGET: the sustained write load against TARGET for --seconds
# (see the header): one large_runs line per run, one large_totals line.
# The CPU time counted is that of the runs that completed (a run stopped by
# an error does not tell how many requests it made).
sustained() {
  local target=$1 n=5000 run=0 out line rps p99 max client=0 client0 before completed
  local start_us now_us end_ms=0 total=0 error="" error_ms=""
  local guard=$((seconds * 4 + 60)) # a run that hangs ends there
  log "sustained writes against target $target for $seconds s"
  servers_ticks_now "$target"
  before=("${servers_ticks[@]}")
  start_us=${EPOCHREALTIME/./}
  now_us=$start_us
  while [ $((now_us - start_us)) -lt $((seconds * 1000000)) ]; do
    run=$((run + 1))
    out="$tmp/raw/large-$target-$run.csv"
    children_ticks_now
    client0=$children_ticks
    timeout "$guard" redis-benchmark -p "${port_of[$target]}" -t set -c 50 \
      -d "$large_size" -r "$keys" -n "$n" --csv >"$out" 2>&1 ||
      echo "redis-benchmark exited with status $?" >>"$out"
    children_ticks_now
    now_us=${EPOCHREALTIME/./}
    grep -v '^"' "$out" | grep . | sed "s/^/target $target sustained run $run: /" >>"$anomalies" || true
    # Fields between the quotes of "SET","rps","avg","min","p50","p95","p99","max".
    line=$(awk -F'"' '$2 == "SET" { print $4, $14, $16 }' "$out")
    if [ -z "$line" ]; then
      error=$(first_error "$out")
      error_ms=$(((now_us - start_us) / 1000))
      log "  run $run stopped at $((error_ms / 1000)) s: $error"
      break
    fi
    client=$((client + children_ticks - client0))
    read -r rps p99 max <<<"$line"
    servers_ticks_now "$target"
    completed=("${servers_ticks[@]}")
    total=$((total + n))
    end_ms=$(((now_us - start_us) / 1000))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$run" "$end_ms" "$n" "$rps" \
      "$p99" "$max" >>"$large_runs"
    log "  run $run: $n requests, $rps req/s, p99 $p99 ms, max $max ms"
    check_alive "during the sustained writes against target $target"
    # The next run lasts about 5 s at this run's rate, or what is left of
    # --seconds if less.
    n=$(awk -v r="$rps" -v left_us=$((seconds * 1000000 - (now_us - start_us))) '
          BEGIN { s = left_us / 1e6; if (s > 5) s = 5; n = int(r * s)
                  print (n < 1000 ? 1000 : n) }')
  done
  if [ -z "$error" ]; then
    settle "$target"
    servers_ticks_now "$target"
  elif [ "$total" -gt 0 ]; then
    servers_ticks=("${completed[@]}")
  else
    servers_ticks=("${before[@]}")
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$total" "$end_ms" \
    "$(cpu_used "$target" "$client" "${before[@]}")" "$error" "$error_ms" >>"$large_totals"
}

print_large() {
  target_names >"$tmp/names.tsv"
  "$python" - "$large_runs" "$large_totals" "$tmp/names.tsv" "$(getconf CLK_TCK)" <<'EOF2'
import collections, statistics, sys

names = dict(line.rstrip("\n").split("\t") for line in open(sys.argv[3]))
hz = float(sys.argv[4])
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    t, run, end_ms, n, rps, p99, mx = line.rstrip("\n").split("\t")
    runs[t].append((int(end_ms) / 1000, int(n), float(rps), float(p99), float(mx)))
totals = {}
for line in open(sys.argv[2]):
    t, n, end_ms, cpu, error, error_ms = line.rstrip("\n").split("\t")
    totals[t] = (int(n), int(end_ms) / 1000, cpu, error, error_ms)

def rate(t):
    n, s = totals[t][0], totals[t][1]
    return n / s if s else 0.0

print(f"{'target':<34}{'seconds':>8}{'requests':>10}{'req/s':>9}{'ratio':>7}"
      f"{'p99 ms median run / worst':>28}{'max ms':>9}   error")
for t, (n, s, cpu, error, error_ms) in totals.items():
    r = runs[t]
    p99 = (f"{statistics.median(x[3] for x in r):.2f} / {max(x[3] for x in r):.2f}"
           if r else "-")
    ratio = f"{rate(t) / rate('A'):.2f}" if rate("A") else "-"
    err = f"{error} (after {int(error_ms) / 1000:.1f} s)" if error else "none"
    print(f"{t + ' ' + names[t]:<34}{s:>8.1f}{n:>10}{rate(t):>9.0f}{ratio:>7}"
          f"{p99:>28}{max((x[4] for x in r), default=0):>9.1f}   {err}")
print("(seconds: up to the end of the last run that completed; the whole load's")
print(" p99 is at most the worst run's)")
print()
for t in totals:
    print(f"runs of {t} (end s: req/s, p99 ms, max ms):")
    cells = [f"{x[0]:.0f}s: {x[2]:.0f}, {x[3]:.1f}, {x[4]:.0f}" for x in runs[t]]
    for i in range(0, len(cells), 4):
        print("  " + " | ".join(cells[i:i + 4]))
print()
print("CPU time per request, us (user + system from /proc/<pid>/stat over the runs")
print("that completed / their requests):")
for t, (n, s, cpu, error, error_ms) in totals.items():
    if not n:
        continue
    per = "  ".join(f"{l} {int(v) / hz * 1e6 / n:.2f}"
                    for l, v in (item.split("=") for item in cpu.split(",")))
    print(f"  {t + ' ' + names[t]:<34}{per}")
EOF2
}

# ---------------------------------------------------------------- reports

# What redis-benchmark printed besides its CSV, and the prefill's resent
# SETs, counted per target and workload (one line per run would drown the
# table). Its CONFIG GET at start fails on twemproxy, which does not
# implement CONFIG; that warning is expected and only counted.
report_anomalies() {
  if [ -s "$failed" ]; then
    echo "runs that gave no result (redis-benchmark stops at its first error reply):"
    sed 's/^/  /' "$failed"
  fi
  local config_warnings
  config_warnings=$(grep -c 'Could not fetch server CONFIG' "$anomalies" || true)
  echo "expected 'WARNING: Could not fetch server CONFIG' lines (twemproxy): $config_warnings"
  if grep -qv 'Could not fetch server CONFIG' "$anomalies"; then
    echo "redis-benchmark or the prefill ALSO reported (count, where: what):"
    grep -v 'Could not fetch server CONFIG' "$anomalies" | sort | uniq -c | sort -rn | head -n 20
  else
    echo "redis-benchmark printed no errors."
  fi
}

# GETs that found no key on the redis-servers: 0 shows that the prefill
# wrote the keys redis-benchmark asks for.
report_misses() {
  local t misses
  for t in A P; do
    misses=$(redis-cli -p "${port_of[$t]}" INFO stats | tr -d '\r' |
      awk -F: '$1 == "keyspace_misses" { print $2 }')
    echo "GETs that found no key on target $t's redis-server (INFO keyspace_misses): $misses"
  done
}

# ---------------------------------------------------------------- main


# The rounds, the memory run and the degraded run.
main_rounds() {
  log "starting targets in $tmp"
  start_redis
  start_twemproxy
  start_primary_replicas
  start_leaderless C no
  start_leaderless D always
  local rss_start t
  rss_start=$(rss_kb "$proxy_pid")
  log "ports: A=${port_of[A]} B=${port_of[B]} P=${port_of[P]} C=${port_of[C]} D=${port_of[D]}"
  for t in A B P C D; do probe "target $t" "${port_of[$t]}"; done
  prefill_targets A P C D

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
  echo "== leaderless benchmark: $rounds rounds, redis-benchmark ${bench_args[*]} -t set, then -t get," \
       "-n $((requests / 2)) at -P 1, -n $requests at -P 16; $keys keys prefilled;" \
       "$(nproc) CPUs; medians over rounds"
  echo "load average before the rounds: $load_start, after: $load_after"
  echo
  print_table
  echo
  report_misses
  report_anomalies
  echo "total time: $((SECONDS - t0)) s"
}

# The sustained write load of --large.
main_large() {
  log "starting targets in $tmp"
  start_redis
  start_leaderless C no
  local t
  for t in A C; do probe "target $t" "${port_of[$t]}"; done
  prefill_targets A C
  large_runs="$tmp/large_runs.tsv"; : >"$large_runs"
  large_totals="$tmp/large_totals.tsv"; : >"$large_totals"
  local t0=$SECONDS load_start
  load_start=$(cut -d' ' -f1-3 /proc/loadavg)
  sustained A
  sustained C
  echo
  echo "== sustained writes: redis-benchmark -t set -c 50 -d $large_size -r $keys (-P 1)" \
       "for $seconds s per target, over $keys prefilled keys of $value_size bytes; $(nproc) CPUs"
  echo "load average before: $load_start, after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  print_large
  echo
  report_anomalies
  echo "total time: $((SECONDS - t0)) s"
}

main() {
  parse_args "$@"
  check_tools
  find_build

  tmp=$(mktemp -d "${TMPDIR:-/tmp}/leaderless-bench.XXXXXX")
  mkdir -p "$tmp/raw"
  results="$tmp/results.tsv"; : >"$results"
  anomalies="$tmp/anomalies.txt"; : >"$anomalies"
  failed="$tmp/failed.txt"; : >"$failed"
  trap cleanup EXIT
  # Exiting from the signal handlers runs cleanup through the EXIT trap.
  trap 'log interrupted; exit 130' INT
  trap 'log terminated; exit 143' TERM

  if [ "$large" -eq 1 ]; then
    main_large
  else
    main_rounds
  fi
}

main "$@"
