#!/bin/bash
# Load test of `licet serve` on loopback with wrk (docs/PERFORMANCE.md "Activation server"):
# idempotent activations (the same device again and again), fresh activations (a new device
# each request, round-robin over 1000 licenses of 10 seats) and the revocation feed.
# Usage: bench/server_wrk.sh [LICET_BINARY] [DURATION]   (env: THREADS, CONNECTIONS, SERVER_THREADS)
set -euo pipefail
LICET=${1:-build/default/issuer/licet}
DURATION=${2:-5s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
SERVER_THREADS=${SERVER_THREADS:-16}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null && wait "$pid" || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
export LICET_PASSPHRASE=bench LICET_KDF_COST=minimal
L() { "$LICET" --data-dir "$tmp/data" "$@"; }

L init --vendor bench >/dev/null
# An activation license (no --out, no --device): devices take seats by activating.
key=$(L issue --product app --customer bench --seats 10 --json |
      sed -n 's/.*"license_key":"\([^"]*\)".*/\1/p')
{
  echo "product,customer,seats"
  for i in $(seq 5000); do echo "app,customer-$i,10"; done
} > "$tmp/orders.csv"
L issue --batch "$tmp/orders.csv" --out-dir "$tmp/batch" >/dev/null
tail -n +2 "$tmp/batch/manifest.csv" | cut -d, -f2 > "$tmp/keys.txt"

# Started directly (not through L): $! must be the server itself, so cleanup stops it.
"$LICET" --data-dir "$tmp/data" serve --listen 127.0.0.1:0 --threads "$SERVER_THREADS" \
  --no-access-log >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do grep -q listening "$tmp/out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/.*listening on //p' "$tmp/out")
[ -n "$url" ] || { echo "licet serve did not start:" >&2; cat "$tmp/err" >&2; exit 1; }

# Devices send their device key (any k4.public serves the load test: the vendor's own).
dkey=$(L key export-public | head -n 1)
body="{\"license_key\":\"$key\",\"device_id\":\"bench-device\",\"device_key\":\"$dkey\",\"product\":\"app\"}"
curl -sf -H 'Content-Type: application/json' -d "$body" "$url/v1/activate" >/dev/null

cat > "$tmp/same.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
LUA
cat > "$tmp/fresh.lua" <<LUA
local keys = {}
for line in io.lines("$tmp/keys.txt") do keys[#keys + 1] = line end
local thread_no = 0
function setup(thread)
  thread_no = thread_no + 1
  thread:set("tid", thread_no)
end
local n = 0
function request()
  n = n + 1
  local key = keys[(n % #keys) + 1]
  local body = string.format('{"license_key":"%s","device_id":"fresh-%d-%d","device_key":"$dkey","product":"app"}', key, tid, n)
  return wrk.format("POST", "/v1/activate", {["Content-Type"] = "application/json"}, body)
end
LUA

run() {
  echo "== $1"
  shift
  echo "\$ wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency $*"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@"
  echo
}
run "idempotent activation (already_active)" -s "$tmp/same.lua" "$url/v1/activate"
run "fresh activations (new device each request)" -s "$tmp/fresh.lua" "$url/v1/activate"
run "revocation feed" "$url/v1/revocations"
curl -s "$url/metrics" | grep '^licet_activations_total'
