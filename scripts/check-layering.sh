#!/usr/bin/env bash
# Fails when an #include crosses a layer it must not (README, "Layout").
# The layers, and why:
#
#   protocol/resp     RESP only: nothing of ours, so any process or tool can
#                     parse and write Redis's protocol without the cluster.
#   protocol/cluster  pure code every process must agree on (config, ring,
#                     versions, records, the internal commands): resp only,
#                     no I/O, so it is unit-testable and deterministic.
#   protocol/net      the only place that knows libuv, and only in its .cc
#                     files: proxy and replica include its headers, which
#                     name libuv's structs by forward declaration only.
#                     hiredis only in peer_link.cc, the one client of
#                     replicas, so the 0.14-era API and its callback rules
#                     live in one file.
#   proxy, replica    the two programs, over the three libraries; nothing
#                     includes them. LevelDB only in replica/record_store.cc,
#                     so the storage engine can change in one file.
#
# Usage: scripts/check-layering.sh   (run by scripts/test.sh, hence by CI)
set -uo pipefail
cd "$(dirname "$0")/.."

failed=0

# forbid <what> <pattern> <files...>: every #include matching <pattern>
# (an extended regex on the included name) in <files> is a violation.
forbid() {
  local what=$1 pattern=$2
  shift 2
  local hits
  hits=$(grep -HnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($pattern)" \
    "$@" 2>/dev/null)
  if [ -n "$hits" ]; then
    echo "layering: $what:" >&2
    echo "$hits" >&2
    failed=1
  fi
}

# Our C++ sources in the given folders, minus the named exceptions.
sources() {
  local exceptions=$1
  shift
  find "$@" -name '*.h' -o -name '*.cc' | grep -vxE "${exceptions:-^$}" | sort
}

mapfile -t resp < <(sources '' protocol/resp)
mapfile -t cluster < <(sources '' protocol/cluster)
mapfile -t protocol < <(sources '' protocol)
mapfile -t not_net < <(sources '' protocol/resp protocol/cluster proxy replica)
mapfile -t net_headers < <(find protocol/net -name '*.h' | sort)
mapfile -t not_peer_link < <(sources 'protocol/net/peer_link\.cc' \
  protocol proxy replica)
mapfile -t not_record_store < <(sources 'replica/record_store\.cc' \
  protocol proxy replica)

forbid "protocol/resp includes nothing of ours but itself" \
  'protocol/(cluster|net)/|proxy/|replica/' "${resp[@]}"
forbid "protocol/cluster is pure: resp and itself only" \
  'protocol/net/|proxy/|replica/' "${cluster[@]}"
forbid "nothing under protocol/ includes proxy/ or replica/" \
  'proxy/|replica/' "${protocol[@]}"
forbid "libuv only under protocol/net" 'uv\.h|uv/' "${not_net[@]}"
forbid "libuv only in protocol/net's .cc files, not its headers" 'uv\.h|uv/' \
  "${net_headers[@]}"
forbid "hiredis only in protocol/net/peer_link.cc" 'hiredis/' \
  "${not_peer_link[@]}"
forbid "LevelDB only in replica/record_store.cc" 'leveldb/' \
  "${not_record_store[@]}"
forbid "proxy and replica never include each other" 'replica/' \
  $(sources '' proxy)
forbid "proxy and replica never include each other" 'proxy/' \
  $(sources '' replica)

# A uv_ name would mean the header came in through another one.
hits=$(grep -HnwE 'uv_[a-z0-9_]+' $(sources '' proxy replica))
if [ -n "$hits" ]; then
  echo "layering: libuv names only under protocol/net:" >&2
  echo "$hits" >&2
  failed=1
fi

if [ "$failed" -ne 0 ]; then
  echo "layering: rules broken (see scripts/check-layering.sh)" >&2
  exit 1
fi
echo "layering: ok"
