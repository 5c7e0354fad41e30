# Process plumbing, CPU accounting and the key loader shared by the
# benchmark scripts (sourced, not run).
# shellcheck shell=bash
# The script sets `keep_tmp` (1: keep the temp folder) and `tmp` (its temp
# folder), may define `stop_background` (kills its own background jobs),
# and installs `cleanup` as its EXIT trap.

python=/usr/bin/python3
[ -x "$python" ] || python=python3

die() { echo "$(basename "$0" .sh): $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# Sets build_dir (--build-dir, or built by scripts/build.sh) to a build
# holding both executables.
find_build() {
  if [ -z "$build_dir" ]; then
    log "building (scripts/build.sh)"
    local built
    # shellcheck disable=SC2154 # repo: set by the sourcing script
    built=$("$repo/scripts/build.sh" | tail -n 1) ||
      die "scripts/build.sh failed (see above); --build-dir DIR benchmarks an existing build"
    build_dir="$repo/$built"
  fi
  build_dir=$(cd "$build_dir" && pwd)
  local b
  for b in proxy/leaderless-proxy replica/leaderless-replica; do
    [ -x "$build_dir/$b" ] || die "$build_dir/$b not found"
  done
}

# write_cluster_conf FILE APPENDFSYNC P1 P2 P3 PROXY_PORT: the whole cluster
# in one file (both executables ignore directives that are not theirs), N=3
# W=2 R=2, values as redis-conf/*.conf apart from ports and fsync.
write_cluster_conf() {
  cat >"$1" <<EOF
replica r1 127.0.0.1:$3
replica r2 127.0.0.1:$4
replica r3 127.0.0.1:$5
replication-factor 3
read-quorum 2
write-quorum 2
tokens-per-replica 128
request-timeout-ms 1000
bind 127.0.0.1
port $6
proxy-id 1
appendfsync $2
EOF
}

tmp=""
pids=()   # every process we started and that may still run
names=()  # parallel to pids: a label for messages

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e  # a failing kill must not cut the cleanup short
  # A background job ignores Ctrl-C (non-interactive bash): stop it here.
  declare -F stop_background >/dev/null && stop_background
  if [ ${#pids[@]} -gt 0 ]; then
    log "stopping ${#pids[@]} processes (pids ${pids[*]})"
    kill -TERM "${pids[@]}" 2>/dev/null
    # A few seconds to exit cleanly, then insist.
    local _ p alive
    for _ in $(seq 50); do
      alive=0
      for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
      [ $alive -eq 0 ] && break
      sleep 0.1
    done
    for p in "${pids[@]}"; do
      kill -0 "$p" 2>/dev/null && { log "pid $p ignored SIGTERM; sending SIGKILL"; kill -KILL "$p"; }
    done
  fi
  wait 2>/dev/null
  if [ -n "$tmp" ] && [ -d "$tmp" ]; then
    # shellcheck disable=SC2154 # keep_tmp: set by the sourcing script
    if [ "$keep_tmp" -eq 1 ] || [ $rc -ne 0 ]; then
      log "temp folder kept: $tmp"
    else
      rm -rf "$tmp"
    fi
  fi
  exit $rc
}

# Prints N distinct free TCP ports on 127.0.0.1. The sockets are held open
# until all are chosen so that the N ports differ.
free_ports() {
  "$python" - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

# start NAME LOGFILE CMD...: runs CMD in the background, records its PID
# (also in last_pid).
start() {
  local name=$1 logfile=$2; shift 2
  "$@" >>"$logfile" 2>&1 &
  last_pid=$!
  pids+=("$last_pid")
  names+=("$name")
}

# forget PID: it exited (or was killed on purpose); stop tracking it.
forget() {
  local i
  for i in "${!pids[@]}"; do
    if [ "${pids[$i]}" = "$1" ]; then unset 'pids[i]' 'names[i]'; fi
  done
  pids=("${pids[@]}")
  names=("${names[@]}")
}

# wait_ping NAME PID PORT LOGFILE: polls PING until it answers PONG (20 s
# deadline), failing at once if the process has died.
wait_ping() {
  local name=$1 pid=$2 port=$3 logfile=$4 deadline=$((SECONDS + 20))
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$logfile" >&2 || true
      die "$name (pid $pid) exited during startup; log: $logfile"
    fi
    [ "$(redis-cli -p "$port" PING 2>/dev/null)" = PONG ] && return 0
    sleep 0.05
  done
  tail -n 20 "$logfile" >&2 || true
  die "$name (pid $pid) does not answer PING on port $port after 20 s; log: $logfile"
}

# Fails if any process we started has died (e.g. crashed under load).
check_alive() {
  local i
  for i in "${!pids[@]}"; do
    kill -0 "${pids[$i]}" 2>/dev/null ||
      die "${names[$i]} (pid ${pids[$i]}) died ${1:-}; logs in $tmp"
  done
}

# ---------------------------------------------------------------- CPU time

# stat_fields PID: sets the array stat_f to the fields of /proc/PID/stat
# after the command name, so stat_f[0] is field 3 (state) and field K is
# stat_f[K-3] whatever the name holds. Uses builtins only: it starts no
# process, so the figures of the shell's own children stay exact.
stat_fields() {
  local line
  read -r line <"/proc/$1/stat"
  read -ra stat_f <<<"${line##*) }"
}

# CPU time (user + system, fields 14 and 15) of PID in clock ticks.
cpu_ticks() {
  stat_fields "$1"
  echo $((stat_f[11] + stat_f[12]))
}

# Sets children_ticks to the CPU time (fields 16 and 17) of the children
# this shell ($$) has waited for: around a foreground command with nothing
# else in between, the difference is that command's CPU time.
children_ticks_now() {
  stat_fields "$$"
  # shellcheck disable=SC2034 # read by the sourcing script
  children_ticks=$((stat_f[13] + stat_f[14]))
}

# ---------------------------------------------------------------- data

# prefill NAME PORT COUNT SIZE: SETs key:000000000000 .. key:<COUNT-1>, the
# names redis-benchmark -r COUNT draws from ("key:" and 12 digits of
# 0..COUNT-1), each to a value of SIZE bytes, so that its GETs hit real
# keys. One connection, pipelined, at most 1000 SETs in flight: a proxy
# that queues more than it can serve within its request timeout answers
# the rest with errors. A SET answered with an error is sent again (the
# same value: nothing changes but the count), up to 10 times for a key.
# Prints "<retried> <first error>" (0 and nothing if none was); fails
# unless every key was SET.
prefill() {
  local name=$1 port=$2 count=$3 size=$4
  "$python" - "$port" "$count" "$size" <<'PY' || die "$name: prefill of $count keys failed"
import socket, sys, time

port, count, size = map(int, sys.argv[1:])
WINDOW, TRIES = 1000, 10
value = b"x" * size
conn = socket.create_connection(("127.0.0.1", port))
conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
pending = b""

def replies(n):
    """The next n replies; each is one line (+OK or -error)."""
    global pending
    while pending.count(b"\r\n") < n:
        chunk = conn.recv(1 << 20)
        if not chunk:
            sys.exit("connection closed")
        pending += chunk
    lines = pending.split(b"\r\n", n)
    pending = lines.pop()
    return lines

todo, retried, first_error = list(range(count)), 0, b""
for _ in range(TRIES):
    failed = []
    for start in range(0, len(todo), WINDOW):
        batch = todo[start:start + WINDOW]
        conn.sendall(b"".join(
            b"*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$%d\r\n%s\r\n" % (i, size, value)
            for i in batch))
        for i, reply in zip(batch, replies(len(batch))):
            if reply != b"+OK":
                failed.append(i)
                first_error = first_error or reply
    if not failed:
        print(retried, first_error.decode(errors="replace"))
        sys.exit(0)
    retried += len(failed)
    todo = failed
    time.sleep(1)
sys.exit("%d keys still failing after %d tries, e.g. %s" %
         (len(todo), TRIES, first_error.decode(errors="replace")))
PY
}
