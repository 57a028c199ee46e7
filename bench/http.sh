#!/usr/bin/env bash
# HTTP benchmark of `fupin serve` on loopback with wrk, against a ceiling: the
# bare Beast server (bench/bare_server.cc: same threading model, no worker
# pool, no routing, no database, one fixed body) measured in the same run at
# the same connection counts, so the ratios mean something on a noisy machine.
#
# Builds a scale-0.1 demo database in a temporary folder, signs in as the demo
# official, and runs each endpoint with keep-alive connections. Prints a
# Markdown section for docs/BENCHMARKS.md (bench/http.sh > bench/out/http.md).
#
# Environment: BUILD_DIR (default build), DURATION, THREADS, CONNECTIONS, DATABASE (sqlite, the
# default, or postgres: a throwaway PostgreSQL 15 started by scripts/pg-scratch).
# DB_URL: a demo database already built (any scale; bench/reports.sh passes its
# own), used instead of building one; DATABASE then only names it in the title.
# ENDPOINTS: "name|path" entries separated by spaces, instead of the default list.
set -euo pipefail
cd "$(dirname "$0")/.."

USERNAME=${USERNAME:-official}
PASSWORD=${PASSWORD:-fupin-demo}
BUILD_DIR=${BUILD_DIR:-build}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}                  # wrk threads
SERVER_THREADS=${SERVER_THREADS:-2}    # I/O threads of both servers
CONNECTIONS=${CONNECTIONS:-"64 1000"}
SCALE=${SCALE:-0.1}
DATABASE=${DATABASE:-sqlite}
BARE_PORT=${BARE_PORT:-18181}
PORT=${PORT:-18180}
DB_URL=${DB_URL:-}
if [ -n "${ENDPOINTS:-}" ]; then
  read -r -a ENDPOINTS <<<"$ENDPOINTS"
else
  ENDPOINTS=(
    "region|/api/v1/regions/622901000000"
    "indicators|/api/v1/indicators?region=622921000000&year=2016"
    "indicator-report|/api/v1/reports/indicator?indicator=poverty_incidence&year=2018"
  )
fi

FUPIN=$BUILD_DIR/fupin
BARE=$BUILD_DIR/fupin_bare_server
for bin in "$FUPIN" "$BARE"; do
  [ -x "$bin" ] || { echo "http.sh: $bin is missing; run BUILD_DIR=$BUILD_DIR scripts/build" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "http.sh: wrk is missing; run scripts/setup" >&2; exit 1; }
command -v curl >/dev/null || { echo "http.sh: curl is missing; run scripts/setup" >&2; exit 1; }
# 1,000 connections need more descriptors than the usual soft limit of 1,024.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

work=$(mktemp -d /tmp/fupin-http-bench.XXXXXX)
pids=()
pg_dir=""
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$pg_dir" ]; then scripts/pg-scratch stop "$pg_dir" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Waits until something answers HTTP on the port (up to 30 s).
wait_for() {
  local url=$1 pid=$2
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || { echo "http.sh: the server for $url exited; its log:" >&2; cat "$work"/*.log >&2; exit 1; }
    if curl -s -o /dev/null --max-time 1 "$url"; then return 0; fi
    sleep 0.1
  done
  echo "http.sh: nothing answers at $url" >&2
  exit 1
}

case "$DATABASE" in
  sqlite) db="sqlite:$work/demo.db"; database_name=SQLite ;;
  postgres)
    database_name="PostgreSQL 15"
    if [ -z "$DB_URL" ]; then
      eval "$(scripts/pg-scratch)"
      pg_dir=$PG_DIR
      export FUPIN_REGISTRY_KEY_FILE=$work/registry.key
      db="postgresql://postgres@/postgres?host=$PG_HOST&port=$PG_PORT"
    fi
    ;;
  *) echo "http.sh: DATABASE must be sqlite or postgres" >&2; exit 2 ;;
esac
if [ -n "$DB_URL" ]; then
  db=$DB_URL
else
  "$FUPIN" demo --db "$db" --scale "$SCALE" --quiet >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; exit 1; }
fi

"$BARE" --listen "127.0.0.1:$BARE_PORT" --threads "$SERVER_THREADS" >"$work/bare.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$BARE_PORT/" "${pids[-1]}"

"$FUPIN" serve --db "$db" --listen "127.0.0.1:$PORT" --threads "$SERVER_THREADS" >"$work/serve.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$PORT/healthz" "${pids[-1]}"

# Sign in; the session cookie goes on every benchmarked request.
curl -s -c "$work/cookies" -o "$work/session.json" -H 'Content-Type: application/json' \
  -d "{\"username\":\"$USERNAME\",\"password\":\"$PASSWORD\"}" "http://127.0.0.1:$PORT/api/v1/session"
TOKEN=$(awk '$6 == "fupin_session" { print $7 }' "$work/cookies")
if [ -z "$TOKEN" ]; then
  echo "http.sh: signing in as $USERNAME gave no fupin_session cookie: $(cat "$work/session.json")" >&2
  exit 1
fi
COOKIE="Cookie: fupin_session=$TOKEN"
for entry in "${ENDPOINTS[@]}"; do
  path=${entry#*|}
  code=$(curl -s -o "$work/check.out" -w '%{http_code}' -H "$COOKIE" "http://127.0.0.1:$PORT$path")
  if [ "$code" != 200 ]; then
    echo "http.sh: GET $path answered $code: $(head -c 300 "$work/check.out")" >&2
    exit 1
  fi
done

# Runs wrk and prints "requests/s|p50|p99|non-2xx".
run_wrk() {
  local connections=$1 url=$2 out=$work/wrk.out
  shift 2
  wrk -t"$THREADS" -c"$connections" -d"$DURATION" --latency "$@" "$url" >"$out" 2>&1 || { cat "$out" >&2; exit 1; }
  awk '
    /Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = $2 }
    /^ +99%/ { p99 = $2 }
    /Non-2xx or 3xx responses:/ { bad = $5 }
    END { printf "%.0f|%s|%s|%d\n", rps, p50, p99, bad }' "$out"
}

echo "## HTTP benchmarks ($database_name)"
echo
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1). Date: $(date -u +%Y-%m-%d)."
echo "Command: \`bench/http.sh\` — wrk $THREADS threads, $DURATION per row, keep-alive, loopback; servers with"
echo "$SERVER_THREADS I/O threads; demo database at scale $SCALE on $database_name; signed in as \`$USERNAME\`."
echo "Ceiling: \`fupin_bare_server\` (Beast, same threading, no worker pool, fixed body)."
echo
echo "| endpoint | connections | requests/s | p50 | p99 | ratio to ceiling | non-2xx |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for connections in $CONNECTIONS; do
  IFS='|' read -r ceiling p50 p99 bad <<<"$(run_wrk "$connections" "http://127.0.0.1:$BARE_PORT/")"
  echo "| ceiling (bare server) | $connections | $ceiling | $p50 | $p99 | 1.00 | $bad |"
  for entry in "${ENDPOINTS[@]}"; do
    name=${entry%%|*}
    path=${entry#*|}
    IFS='|' read -r rps p50 p99 bad <<<"$(run_wrk "$connections" "http://127.0.0.1:$PORT$path" -H "$COOKIE")"
    ratio=$(awk -v a="$rps" -v b="$ceiling" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    echo "| $name \`GET $path\` | $connections | $rps | $p50 | $p99 | $ratio | $bad |"
  done
done
