#!/bin/bash
# What the HTTP front door (GuardedServer) costs on the keep-alive fast path, against bare
# cpp-httplib serving the same routes with the same number of workers (docs/PERFORMANCE.md,
# "HTTP front door"). Runs wrk against both, alternating, ROUNDS times per path, and prints
# requests/s, latency percentiles and the server's CPU time per request (user + system, from
# /proc/PID/stat) of every run; compare the medians. CPU per request is the steadier figure on a
# shared machine.
# Usage: bench/front_door_wrk.sh [NET_TEST_SERVER] [DURATION]   (env: ROUNDS, CONNECTIONS, THREADS)
set -euo pipefail
SERVER=${1:-build/default/tests/server_net/net_test_server}
DURATION=${2:-5s}
ROUNDS=${ROUNDS:-5}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-8}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null && wait "$pid" || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

cat > "$tmp/echo.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"license_key":"APP-0000-0000-0000-0000-0","device_id":"bench-device"}'
wrk.headers["Content-Type"] = "application/json"
LUA

start() {  # start MODE: sets pid and url
  local extra=()
  [ "$1" = plain ] && extra=(--plain)
  "$SERVER" --threads "$THREADS" --no-access-log "${extra[@]}" >"$tmp/out" 2>/dev/null &
  pid=$!
  for _ in $(seq 100); do grep -q listening "$tmp/out" 2>/dev/null && break; sleep 0.1; done
  url=$(sed -n 's/.*listening on //p' "$tmp/out")
  [ -n "$url" ] || { echo "server did not start" >&2; exit 1; }
}
stop() { kill -TERM "$pid"; wait "$pid" || true; pid=""; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)

printf '%-6s %-16s %11s %9s %9s %9s %12s\n' round "server path" "requests/s" p50 p90 p99 "CPU us/req"
for round in $(seq "$ROUNDS"); do
  for mode in plain guarded; do
    start "$mode"
    for path in healthz echo; do
      if [ "$path" = echo ]; then script=(-s "$tmp/echo.lua"); else script=(); fi
      before=$(cpu_ticks)
      wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "${script[@]}" "$url/$path" >"$tmp/wrk" 2>&1
      after=$(cpu_ticks)
      requests=$(awk '/requests in/ {print $1}' "$tmp/wrk")
      cpu=$(awk -v a="$after" -v b="$before" -v hz="$hz" -v n="$requests" \
        'BEGIN { printf "%.1f", (a - b) * 1e6 / hz / n }')
      rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk")
      p50=$(awk '$1 == "50%" {print $2}' "$tmp/wrk")
      p90=$(awk '$1 == "90%" {print $2}' "$tmp/wrk")
      p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk")
      printf '%-6s %-16s %11s %9s %9s %9s %12s\n' "$round" "$mode $path" "$rps" "$p50" "$p90" "$p99" "$cpu"
    done
    stop
  done
done
