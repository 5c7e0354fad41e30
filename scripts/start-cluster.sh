#!/usr/bin/env bash
# Sets everything up and runs a local cluster in the foreground: installs
# the Debian packages, builds, then starts 3 replicas (ports 7001-7003) and
# one proxy on 127.0.0.1:6379 with N=3 W=2 R=2 (redis-conf/*.conf).
# Data lives under ./data (override with LEADERLESS_DATA=folder).
# Ctrl-C (or SIGTERM to this script) stops every process it started.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
build=$(scripts/build.sh | tail -n 1)
data=${LEADERLESS_DATA:-data}
mkdir -p "$data"

pids=()
stop() {
  trap - INT TERM EXIT
  echo "stopping leaderless (pids ${pids[*]:-none})"
  [ ${#pids[@]} -gt 0 ] && kill -TERM "${pids[@]}" 2>/dev/null
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

wait_for() {  # port: poll until it answers PING, up to 20 s
  for _ in $(seq 200); do
    redis-cli -p "$1" PING >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "nothing answers on port $1; see $data/*.log" >&2
  exit 1
}

for id in r1 r2 r3; do
  "$build/replica/leaderless-replica" redis-conf/replica.conf \
    --replica-id "$id" --dir "$data/$id" --logfile "$data/$id.log" &
  pids+=($!)
done
for port in 7001 7002 7003; do wait_for "$port"; done

"$build/proxy/leaderless-proxy" redis-conf/proxy.conf --logfile "$data/proxy.log" &
pids+=($!)
wait_for 6379

echo "leaderless is up: redis-cli -p 6379 (N=3 W=2 R=2, data and logs in $data/)"
echo "press Ctrl-C to stop"
wait
