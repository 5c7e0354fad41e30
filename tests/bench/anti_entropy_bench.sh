#!/usr/bin/env bash
# Benchmarks anti-entropy: how long a wiped replica takes to get its data
# back from its peers, and what that costs clients meanwhile.
#
# Not a test and not run by CI: it prints numbers for a human to read.
#
# Cluster (127.0.0.1, free ports, data in a temp folder): 3 leaderless-replica
# and 1 leaderless-proxy, N=3 R=2 W=2, appendfsync no, hinted-handoff no,
# read-repair off (so anti-entropy alone repairs), anti-entropy-rate,
# anti-entropy-max-rate and gc-grace-ms at their defaults (an adaptive rate
# of 2000 to 50000 records/s, 10 days) unless --rate / --max-rate are
# given, anti-entropy-interval-ms 1000 (the default is 10000) unless
# --interval-ms is given.
#
#  1. Loads --keys keys (default 100000) through the proxy: key:000000000000 ..,
#     redis-benchmark's own key names, values of 64 bytes.
#  2. Baseline: --runs runs (default 3) of
#       redis-benchmark -t set,get -P 16 -c 50 -d 64 -r <keys> -n <requests>
#     with every replica in sync (no convergence going on).
#  3. Convergence, quiet: stops r3 (SIGTERM), deletes its data folder, starts
#     it empty, and measures the convergence time (defined below) with no
#     client traffic.
#  4. Convergence under load: wipes r3 again the same way and runs the same
#     redis-benchmark back to back until r3 has converged. Only runs that
#     finished before convergence count as "during". (Their SETs also reach
#     r3 directly, so this convergence time is shorter than step 3's.)
#  5. Baseline again, for the noise between steps 2 and 5.
#
# Convergence time: from the moment the restarted, empty r3 answers PING to
# the first poll (every 0.25 s) at which r3's INFO shows, for each of its two
# peers, a completed sync round that found no differing Merkle leaf
# (sync_with_<peer>: rounds >= 1, leaves_differing=0), i.e. its trees equal
# its peers' trees over all keys; confirmed right after by reading every
# key's record with LL.GET on all three replicas and comparing them (a poll
# whose confirmation fails does not count; polling goes on). Under load the
# benchmark's SETs make replicas differ for a moment without anything
# missing (every key is written again within seconds, faster than 300,000
# records can be read): there r3 is read after its peers, and a key counts
# as differing only if r3 holds nothing, or a version older than each
# peer's, in two reads 0.5 s apart.
#
# Usage: tests/bench/anti_entropy_bench.sh [--keys N] [--requests N] [--runs N]
#            [--rate N] [--max-rate N] [--interval-ms N] [--timeout S] [--build-dir DIR]
#            [--keep-tmp]
#   --keys N         keys loaded and the benchmark's -r (default 100000)
#   --requests N     -n of each redis-benchmark run (default 200000)
#   --runs N         baseline runs before and after (default 3)
#   --rate N         anti-entropy-rate, records/s (default: the default, 2000)
#   --max-rate N     anti-entropy-max-rate, records/s (default: the default,
#                    50000; give --rate's value for a fixed rate)
#   --interval-ms N  anti-entropy-interval-ms (default 1000)
#   --timeout S      give up on a convergence after S seconds (default 900)
#   --build-dir DIR  use binaries already built in DIR (skips scripts/build.sh)
#   --keep-tmp       keep the temp folder (configs, logs, raw outputs)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)

keys=100000
requests=200000
runs=3
rate=""
max_rate=""
interval_ms=1000
timeout_s=900
build_dir=""
keep_tmp=0

# shellcheck source=tests/bench/processes.sh
. "$repo/tests/bench/processes.sh"

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --keys) keys=${2:?--keys needs a value}; shift 2 ;;
      --requests) requests=${2:?--requests needs a value}; shift 2 ;;
      --runs) runs=${2:?--runs needs a value}; shift 2 ;;
      --rate) rate=${2:?--rate needs a value}; shift 2 ;;
      --max-rate) max_rate=${2:?--max-rate needs a value}; shift 2 ;;
      --interval-ms) interval_ms=${2:?--interval-ms needs a value}; shift 2 ;;
      --timeout) timeout_s=${2:?--timeout needs a value}; shift 2 ;;
      --build-dir) build_dir=${2:?--build-dir needs a value}; shift 2 ;;
      --keep-tmp) keep_tmp=1; shift ;;
      -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
      *) die "unknown option '$1' (see --help)" ;;
    esac
  done
  local v
  for v in keys requests runs interval_ms timeout_s; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "--${v//_/-} must be a positive integer"
  done
  [ -z "$rate" ] || [[ "$rate" =~ ^[1-9][0-9]*$ ]] || die "--rate must be a positive integer"
  [ -z "$max_rate" ] || [[ "$max_rate" =~ ^[1-9][0-9]*$ ]] || die "--max-rate must be a positive integer"
}

check_tools() {
  local t
  for t in redis-cli redis-benchmark; do
    command -v "$t" >/dev/null || die "'$t' not found (Debian: redis-tools)"
  done
  command -v "$python" >/dev/null || die "python3 not found"
}

# ---------------------------------------------------------------- processes

bench_pid=""   # a redis-benchmark running in the background
poller_pid=""  # the convergence poller running in the background

stop_background() {
  local p
  for p in $bench_pid $poller_pid; do kill -TERM "$p" 2>/dev/null; done
}

# ---------------------------------------------------------------- cluster

declare -a rport rpid
proxy_port=""
conf=""

start_replica() {  # start_replica I
  local i=$1
  start "replica r$i" "$tmp/r$i.log" \
    "$build_dir/replica/leaderless-replica" "$conf" \
    --replica-id "r$i" --dir "$tmp/r$i" --logfile "$tmp/r$i.log"
  rpid[i]=$last_pid
  wait_ping "replica r$i" "$last_pid" "${rport[$i]}" "$tmp/r$i.log"
}

start_cluster() {
  local pp
  read -r "rport[1]" "rport[2]" "rport[3]" pp < <(free_ports 4)
  proxy_port=$pp
  conf="$tmp/cluster.conf"
  {
    echo "replica r1 127.0.0.1:${rport[1]}"
    echo "replica r2 127.0.0.1:${rport[2]}"
    echo "replica r3 127.0.0.1:${rport[3]}"
    echo "replication-factor 3"
    echo "read-quorum 2"
    echo "write-quorum 2"
    echo "tokens-per-replica 128"
    echo "request-timeout-ms 1000"
    echo "bind 127.0.0.1"
    echo "port $pp"
    echo "proxy-id 1"
    echo "appendfsync no"
    echo "hinted-handoff no"
    echo "read-repair off"
    echo "anti-entropy-interval-ms $interval_ms"
    [ -n "$rate" ] && echo "anti-entropy-rate $rate"
    [ -n "$max_rate" ] && echo "anti-entropy-max-rate $max_rate"
  } >"$conf"
  local i
  for i in 1 2 3; do start_replica "$i"; done
  start proxy "$tmp/proxy.log" "$build_dir/proxy/leaderless-proxy" "$conf" \
    --logfile "$tmp/proxy.log"
  wait_ping proxy "$last_pid" "$pp" "$tmp/proxy.log"
  # The proxy counts a replica up once it answered a probe.
  local deadline=$((SECONDS + 20))
  until [ "$(redis-cli -p "$pp" INFO 2>/dev/null | grep -c ',state=up,')" -eq 3 ]; do
    [ $SECONDS -lt $deadline ] || die "the proxy does not see 3 replicas up"
    sleep 0.1
  done
}

# wipe_r3: SIGTERM, wait for the exit, delete its data folder, start it
# empty. Prints the time it answered PING (seconds since the epoch).
wipe_r3() {
  local pid=${rpid[3]}
  kill -TERM "$pid"
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || die "r3 (pid $pid) still runs 30 s after SIGTERM"
    sleep 0.05
  done
  wait "$pid" 2>/dev/null || true
  forget "$pid"
  rm -rf "$tmp/r3"
  mkdir -p "$tmp/r3"
  start_replica 3
  date +%s.%N >"$tmp/restarted_at"
}

# ---------------------------------------------------------------- python

# The helper for what bash does badly: a pipelined RESP client that polls
# INFO for convergence and compares records on all replicas.
write_helper() {
  cat >"$tmp/ae_helper.py" <<'EOF'
import socket, sys, time

class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.pos = 0

    def send(self, cmds):
        out = []
        for argv in cmds:
            out.append(b"*%d\r\n" % len(argv))
            for a in argv:
                a = a if isinstance(a, bytes) else str(a).encode()
                out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.s.sendall(b"".join(out))

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n", self.pos)
            if i >= 0:
                line = self.buf[self.pos:i]
                self.pos = i + 2
                return line
            self._more()

    def _more(self):
        self.buf = self.buf[self.pos:]
        self.pos = 0
        chunk = self.s.recv(1 << 20)
        if not chunk:
            raise EOFError("connection closed")
        self.buf += chunk

    def read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return Exception(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) - self.pos < n + 2:
                self._more()
            v = self.buf[self.pos:self.pos + n]
            self.pos += n + 2
            return v
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise ValueError("bad reply %r" % line)

    def pipeline(self, cmds, depth=1000):
        replies = []
        for i in range(0, len(cmds), depth):
            chunk = cmds[i:i + depth]
            self.send(chunk)
            replies.extend(self.read() for _ in chunk)
        return replies

def key(i):
    return "key:%012d" % i

def info(port):
    text = Conn(port).pipeline([["INFO"]])[0].decode()
    out = {}
    for line in text.split("\r\n"):
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            out[k] = v
    return out

def fields(v):
    return dict(f.split("=", 1) for f in v.split(","))

def records(port, count):
    return Conn(port).pipeline([["LL.GET", key(i)] for i in range(count)])

def version(record):
    # Encoded versions (after the format and kind bytes) compare as bytes
    # in version order.
    return record[2:18]

def compare(ports, count, loaded):
    """Keys whose records differ between the replicas (none held counts).
    With `loaded`, keys the wiped replica (ports[0]) lacks: it holds nothing
    or a version older than every peer's, reading it after its peers."""
    if not loaded:
        held = [records(p, count) for p in ports]
        return [i for i in range(count)
                if held[0][i] is None or
                any(h[i] != held[0][i] for h in held[1:])]
    peers = [records(p, count) for p in ports[1:]]
    wiped = records(ports[0], count)
    return [i for i in range(count)
            if any(h[i] is not None for h in peers) and
            (wiped[i] is None or
             all(h[i] is not None and version(wiped[i]) < version(h[i])
                 for h in peers))]

def converge(wiped, peers, count, restarted_at, timeout, out_path, loaded):
    """Polls the wiped replica until it has converged; see the script's
    header for the definition."""
    ports = [wiped] + peers
    last_progress = 0.0
    while True:
        now = time.time()
        elapsed = now - restarted_at
        if elapsed > timeout:
            sys.exit("converge: not converged after %.0f s" % elapsed)
        i = info(wiped)
        syncs = [fields(v) for k, v in i.items() if k.startswith("sync_with_")]
        if elapsed - last_progress >= 5:
            last_progress = elapsed
            print("  t=%5.1fs r3: records_pulled=%s leaves_fetched=%s "
                  "keys_exchanged=%s; %s" % (
                      elapsed, i.get("records_pulled"), i.get("leaves_fetched"),
                      i.get("keys_exchanged"),
                      " ".join("%s:rounds=%s,leaves_differing=%s" %
                               (k[10:], fields(v)["rounds"],
                                fields(v)["leaves_differing"])
                               for k, v in sorted(i.items())
                               if k.startswith("sync_with_"))),
                  file=sys.stderr, flush=True)
        if syncs and all(int(s["rounds"]) >= 1 and s["leaves_differing"] == "0"
                         for s in syncs):
            # Writes of a running benchmark may be in flight: a key that
            # differs must still differ a moment later to count.
            diff = compare(ports, count, loaded)
            if diff:
                time.sleep(0.5)
                before = set(diff)
                diff = [k for k in compare(ports, count, loaded)
                        if k in before]
            if not diff:
                with open(out_path, "w") as f:
                    f.write("%.3f %.3f\n" % (now, elapsed))
                print("  converged after %.2f s (trees equal; %d records "
                      "compared on 3 replicas)" % (elapsed, count),
                      file=sys.stderr, flush=True)
                return
            print("  t=%5.1fs trees equal but %d keys differ, e.g. %s; "
                  "polling on" % (elapsed, len(diff), key(diff[0])),
                  file=sys.stderr, flush=True)
        time.sleep(0.25)

def counters(port):
    i = info(port)
    return " ".join("%s=%s" % (k, i.get(k)) for k in
                    ("records_pulled", "records_pushed", "leaves_fetched",
                     "keys_exchanged", "tree_nodes_compared", "live_keys"))

cmd = sys.argv[1]
if cmd == "converge":
    converge(int(sys.argv[2]), [int(p) for p in sys.argv[3].split(",")],
             int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]),
             sys.argv[7], sys.argv[8] == "loaded")
elif cmd == "counters":
    print(counters(int(sys.argv[2])))
elif cmd == "compare":
    d = compare([int(p) for p in sys.argv[2].split(",")], int(sys.argv[3]), False)
    print(len(d))
EOF
}

helper() { "$python" "$tmp/ae_helper.py" "$@"; }

# ---------------------------------------------------------------- benchmark

results=""  # TSV: phase run test rps p50 p99 end_time

# bench PHASE RUN: one redis-benchmark run; appends SET and GET lines.
bench() {
  local phase=$1 run=$2 out="$tmp/raw/$1-$2.csv"
  redis-benchmark -p "$proxy_port" -t set,get -P 16 -c 50 -d 64 -r "$keys" \
    -n "$requests" --csv >"$out" 2>&1 ||
    echo "redis-benchmark exited with status $?" >>"$out"
  local end
  end=$(date +%s.%N)
  local got
  got=$(grep -c '^"\(SET\|GET\)"' "$out" || true)
  [ "$got" -eq 2 ] || { cat "$out" >&2; die "$phase run $run: redis-benchmark gave $got of 2 results"; }
  grep -v '^"' "$out" | grep -v 'Could not fetch server CONFIG' | grep . |
    sed "s/^/$phase run $run: /" >&2 || true
  awk -F'"' -v p="$phase" -v r="$run" -v e="$end" '
    $2 == "SET" || $2 == "GET" {
      split($0, f, ","); for (i in f) gsub(/"/, "", f[i])
      print p "\t" r "\t" f[1] "\t" f[2] "\t" f[5] "\t" f[7] "\t" e }
  ' "$out" >>"$results"
  check_alive "during $phase run $run"
}

baseline() {  # baseline PHASE
  local r
  for r in $(seq "$runs"); do
    log "$1: redis-benchmark run $r/$runs"
    bench "$1" "$r"
  done
}

peer_ports() { echo "${rport[1]},${rport[2]}"; }

converge_quiet() {
  log "wiping r3 (no client traffic)"
  wipe_r3
  helper converge "${rport[3]}" "$(peer_ports)" "$keys" \
    "$(cat "$tmp/restarted_at")" "$timeout_s" "$tmp/converged_quiet" quiet
  note_counters "after the quiet convergence (r3's since its restart)"
}

note_counters() {  # note_counters WHEN: every replica's anti-entropy counters
  local i
  echo "$1:" >>"$tmp/notes"
  for i in 1 2 3; do
    echo "  r$i $(helper counters "${rport[$i]}")" >>"$tmp/notes"
  done
}

converge_loaded() {
  log "wiping r3 again (redis-benchmark back to back until it converged)"
  wipe_r3
  helper converge "${rport[3]}" "$(peer_ports)" "$keys" \
    "$(cat "$tmp/restarted_at")" "$timeout_s" "$tmp/converged_loaded" loaded &
  poller_pid=$!
  local r=0
  while kill -0 "$poller_pid" 2>/dev/null; do
    r=$((r + 1))
    log "during convergence: redis-benchmark run $r"
    bench during "$r"
  done
  wait "$poller_pid" || die "the convergence poller failed"
  poller_pid=""
  note_counters "after the convergence under load (r3's since its restart)"
}

report() {
  "$python" - "$results" "$tmp/converged_quiet" "$tmp/converged_loaded" \
    "$tmp/restarted_at" <<'EOF'
import collections, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    phase, run, test, rps, p50, p99, end = line.rstrip("\n").split("\t")
    rows[(phase, test)].append((float(rps), float(p50), float(p99), float(end)))
quiet = float(open(sys.argv[2]).read().split()[1])
conv_at, loaded = map(float, open(sys.argv[3]).read().split())

# A "during" run counts only if it ended before convergence was seen.
during = {t: [r for r in rows[("during", t)] if r[3] <= conv_at]
          for t in ("SET", "GET")}
print(f"convergence time, no client traffic:        {quiet:8.2f} s")
print(f"convergence time, under redis-benchmark:    {loaded:8.2f} s"
      f"  ({len(rows[('during', 'SET')])} runs, "
      f"{len(during['SET'])} of them entirely during convergence)")
print()
print(f"{'phase':<28}{'test':<6}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}"
      f"   req/s min..max (runs)")
med = {}
for label, phase in (("before (in sync)", "before"),
                     ("during convergence", "during"),
                     ("after (in sync)", "after")):
    for t in ("SET", "GET"):
        rs = during[t] if phase == "during" else rows[(phase, t)]
        if not rs:
            print(f"{label:<28}{t:<6}{'no run':>10}")
            continue
        m = tuple(statistics.median(r[i] for r in rs) for i in range(3))
        med[(phase, t)] = m
        print(f"{label:<28}{t:<6}{m[0]:>10.0f}{m[1]:>9.3f}{m[2]:>9.3f}"
              f"   {min(r[0] for r in rs):.0f}..{max(r[0] for r in rs):.0f}"
              f" ({len(rs)})")
print()
for t in ("SET", "GET"):
    d = med.get(("during", t))
    for ref in ("before", "after"):
        b = med.get((ref, t))
        if d and b:
            print(f"{t} throughput during convergence / {ref}: "
                  f"{d[0] / b[0]:.2f}   (p99 latency x{d[2] / b[2]:.2f})")
EOF
}

# ---------------------------------------------------------------- main

main() {
  parse_args "$@"
  check_tools
  find_build

  tmp=$(mktemp -d "${TMPDIR:-/tmp}/leaderless-ae-bench.XXXXXX")
  mkdir -p "$tmp/raw"
  results="$tmp/results.tsv"; : >"$results"
  : >"$tmp/notes"
  trap cleanup EXIT
  trap 'log interrupted; exit 130' INT
  trap 'log terminated; exit 143' TERM

  write_helper
  log "starting 3 replicas and a proxy in $tmp"
  start_cluster
  log "ports: r1=${rport[1]} r2=${rport[2]} r3=${rport[3]} proxy=$proxy_port"
  local t0=$SECONDS load_start
  load_start=$(cut -d' ' -f1-3 /proc/loadavg)

  log "loading $keys keys"
  local retried
  retried=$(prefill proxy "$proxy_port" "$keys" 64)
  [ "${retried%% *}" -eq 0 ] || log "  $retried (SETs sent again, the first error)"
  local differ
  differ=$(helper compare "${rport[1]},${rport[2]},${rport[3]}" "$keys")
  [ "$differ" -eq 0 ] || die "after loading, $differ keys differ between replicas"
  note_counters "after loading"

  baseline before
  converge_quiet
  converge_loaded
  baseline after

  echo
  echo "== anti-entropy benchmark: $keys keys of 64 bytes, 3 replicas N=3 R=2 W=2," \
       "appendfsync no, hinted-handoff no, read-repair off"
  echo "anti-entropy-interval-ms $interval_ms, anti-entropy-rate ${rate:-2000 (default)} to ${max_rate:-50000 (default)}," \
       "gc-grace-ms default; $(nproc) CPUs"
  echo "client load: redis-benchmark -t set,get -P 16 -c 50 -d 64 -r $keys -n $requests"
  echo "load average at start: $load_start, at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  report
  echo
  cat "$tmp/notes"
  echo "total time: $((SECONDS - t0)) s"
}

main "$@"
