# Process plumbing shared by the benchmark scripts (sourced, not run).
# The script sets `keep_tmp` (1: keep the temp folder) and `tmp` (its temp
# folder), may define `stop_background` (kills its own background jobs),
# and installs `cleanup` as its EXIT trap.

python=/usr/bin/python3
[ -x "$python" ] || python=python3

die() { echo "$(basename "$0" .sh): $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

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
