#!/usr/bin/env bash
# HTTP benchmark of the order path: how many durable orders per second
# `fupin serve` places, and how fast it reads the catalogue, on loopback with
# wrk. The catalogue is measured against a ceiling, the bare Beast server
# (bench/bare_server.cc), in the same run at the same connection counts; the
# orders against the disk's own bound, the synchronous writes per second
# measured here too (an order is acknowledged only once its commit is durable).
#
# Builds a scale-0.1 demo database in a temporary folder, adds (with plain
# SQL) an approved cooperative, its outlet and SPREAD products, each with one
# lot of 1,000,000,000 units so that stock never runs out, signs in as the demo
# buyer, and runs wrk with bench/orders.lua, which gives every request an
# Idempotency-Key of its own: first all orders on one product (every order
# locks and updates the same lot row), then orders spread over the products.
# After each run the orders in the database are counted: every 201 must be
# there. The catalogue is read before the orders and once after them. Prints
# a Markdown section for docs/BENCHMARKS.md (bench/orders.sh > bench/out/orders.md).
#
# Environment: BUILD_DIR (default build), DURATION, THREADS, ORDER_CONNECTIONS,
# SPREAD, SPREAD_CONNECTIONS, READ_CONNECTIONS, DATABASE (sqlite, the default,
# or postgres: a throwaway PostgreSQL 15 started by scripts/pg-scratch).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}                  # wrk threads (1 for a single connection)
SERVER_THREADS=${SERVER_THREADS:-2}    # I/O threads of both servers
ORDER_CONNECTIONS=${ORDER_CONNECTIONS:-"1 16 64"}   # orders of one product
SPREAD_CONNECTIONS=${SPREAD_CONNECTIONS:-"16 64"}   # orders spread over SPREAD products
SPREAD=${SPREAD:-64}
READ_CONNECTIONS=${READ_CONNECTIONS:-"64 1000"}
SCALE=${SCALE:-0.1}
DATABASE=${DATABASE:-sqlite}
BARE_PORT=${BARE_PORT:-18183}
PORT=${PORT:-18182}
CATALOGUE=/api/v1/products?limit=20

FUPIN=$BUILD_DIR/fupin
BARE=$BUILD_DIR/fupin_bare_server
for bin in "$FUPIN" "$BARE"; do
  [ -x "$bin" ] || { echo "orders.sh: $bin is missing; run BUILD_DIR=$BUILD_DIR scripts/build" >&2; exit 1; }
done
for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "orders.sh: $tool is missing; run scripts/setup" >&2; exit 1; }
done
# 1,000 connections need more descriptors than the usual soft limit of 1,024.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

work=$(mktemp -d /tmp/fupin-orders-bench.XXXXXX)
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
    kill -0 "$pid" 2>/dev/null || { echo "orders.sh: the server for $url exited; its log:" >&2; cat "$work"/*.log >&2; exit 1; }
    if curl -s -o /dev/null --max-time 1 "$url"; then return 0; fi
    sleep 0.1
  done
  echo "orders.sh: nothing answers at $url" >&2
  exit 1
}

case "$DATABASE" in
  sqlite)
    command -v sqlite3 >/dev/null || { echo "orders.sh: sqlite3 is missing; run scripts/setup" >&2; exit 1; }
    db="sqlite:$work/demo.db"
    database_name=SQLite
    durability="WAL, \`synchronous=FULL\`, one writer at a time; orders go through the group committer (src/db/group_commit.h): the orders queued meanwhile share one commit and one fsync"
    sql() { sqlite3 -cmd ".timeout 10000" "$work/demo.db" "$1"; }
    ;;
  postgres)
    command -v psql >/dev/null || { echo "orders.sh: psql is missing; run scripts/setup" >&2; exit 1; }
    eval "$(scripts/pg-scratch)"
    pg_dir=$PG_DIR
    export FUPIN_REGISTRY_KEY_FILE=$work/registry.key
    db="postgresql://postgres@/postgres?host=$PG_HOST&port=$PG_PORT"
    database_name="PostgreSQL 15"
    durability="default settings (\`fsync=on\`, \`synchronous_commit=on\`): the WAL is flushed at each commit, and commits of concurrent clients share a flush"
    sql() { psql -X -qAt -v ON_ERROR_STOP=1 -U postgres -h "$PG_HOST" -p "$PG_PORT" -d postgres -c "$1"; }
    ;;
  *) echo "orders.sh: DATABASE must be sqlite or postgres" >&2; exit 2 ;;
esac
"$FUPIN" demo --db "$db" --scale "$SCALE" --quiet >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; exit 1; }

# The stock, with plain SQL that runs on both databases: a cooperative in a
# village without an outlet, linked to one of its households, the village's
# outlet, and SPREAD products at 10 yuan, each with one lot of 10^9 units.
# The first product alone is the "hot" one (every order on the same lot row).
sql "
INSERT INTO suppliers (name, kind, village_code, county_code, state, applied_at, decided_at)
  SELECT 'bench cooperative', 'cooperative', h.village_code, h.county_code, 'approved', '2016-01-01T00:00:00Z',
         '2016-02-01T00:00:00Z'
  FROM households h WHERE NOT EXISTS (SELECT 1 FROM outlets o WHERE o.village_code = h.village_code)
  ORDER BY h.village_code LIMIT 1;
INSERT INTO supplier_links (supplier_id, household_id, county_code, channel, evidence, state, declared_at, decided_at)
  SELECT s.supplier_id, h.household_id, h.county_code, 'purchase', 'bench contract', 'verified',
         '2016-01-01T00:00:00Z', '2016-02-01T00:00:00Z'
  FROM suppliers s JOIN households h ON h.village_code = s.village_code
  WHERE s.name = 'bench cooperative' ORDER BY h.household_id LIMIT 1;
INSERT INTO products (supplier_id, county_code, name, category, unit, price_fen, origin_village_code, grades, created_at)
  SELECT s.supplier_id, s.county_code, '花椒 (bench ' || n.i || ')', 'spice', 'kg', 1000, s.village_code, '一级',
         '2016-01-01T00:00:00Z'
  FROM suppliers s,
       (WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $SPREAD) SELECT i FROM k) n
  WHERE s.name = 'bench cooperative' ORDER BY n.i;
INSERT INTO outlets (village_code, county_code, name, created_at)
  SELECT village_code, county_code, 'bench outlet', '2016-01-01T00:00:00Z' FROM suppliers WHERE name = 'bench cooperative';
INSERT INTO lots (trace_code, product_id, outlet_id, supplier_id, county_code, quantity, on_hand, allocated, grade,
                  intake_date, inspection_test, inspection_result, inspector, created_at)
  SELECT 'LXBENCH' || p.product_id, p.product_id, o.outlet_id, s.supplier_id, s.county_code, 1000000000, 1000000000,
         0, '一级', '2017-08-01', 'pesticide residue rapid test', 'pass', 'bench', '2017-08-01T08:00:00Z'
  FROM suppliers s JOIN products p ON p.supplier_id = s.supplier_id JOIN outlets o ON o.village_code = s.village_code
  WHERE s.name = 'bench cooperative';
INSERT INTO lot_households (lot_id, household_id, county_code, link_id, channel, quantity, paid_fen)
  SELECT l.lot_id, k.household_id, k.county_code, k.link_id, 'purchase', l.quantity, 300 * l.quantity
  FROM lots l JOIN supplier_links k ON k.supplier_id = l.supplier_id JOIN suppliers s ON s.supplier_id = l.supplier_id
  WHERE s.name = 'bench cooperative';
" >/dev/null
products=$(sql "SELECT p.product_id FROM products p JOIN suppliers s ON s.supplier_id = p.supplier_id
                WHERE s.name = 'bench cooperative' ORDER BY p.product_id" | paste -sd, -)
hot=${products%%,*}
[ -n "$hot" ] || { echo "orders.sh: seeding the products failed" >&2; exit 1; }
# A database just loaded has not been vacuumed or analysed yet; autovacuum
# would do it within a minute or two. Measure that steady state.
if [ "$DATABASE" = postgres ]; then sql "VACUUM ANALYZE" >/dev/null; else sql "ANALYZE" >/dev/null; fi

# The disk's bound: synchronous 4 KiB writes per second in the same folder as
# the databases (dd with O_DSYNC: each write returns once it is on disk), both
# appending to a new file (each write also commits the file's new size) and
# overwriting a file in place, as a database log mostly does (SQLite reuses
# its WAL after a checkpoint; PostgreSQL's WAL segments are written ahead of
# use). Three runs of 500 writes each; the median, since a shared disk varies.
dsync_rate() {  # dd arguments → writes per second
  dd if=/dev/zero bs=4k count=500 oflag=dsync "$@" 2>"$work/dd.out"
  awk '/copied/ { for (i = 1; i <= NF; i++) if ($i ~ /^s,?$/) secs = $(i - 1); printf "%.0f\n", 500 / secs }' "$work/dd.out"
}
median3() { sort -n | sed -n 2p; }
append_rate=$(for _ in 1 2 3; do rm -f "$work/dsync.test"; dsync_rate of="$work/dsync.test"; done | median3)
dd if=/dev/zero of="$work/dsync.test" bs=4k count=500 2>/dev/null
sync
overwrite_rate=$(for _ in 1 2 3; do dsync_rate of="$work/dsync.test" conv=notrunc; done | median3)
rm -f "$work/dsync.test"

"$BARE" --listen "127.0.0.1:$BARE_PORT" --threads "$SERVER_THREADS" >"$work/bare.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$BARE_PORT/" "${pids[-1]}"

"$FUPIN" serve --db "$db" --listen "127.0.0.1:$PORT" --threads "$SERVER_THREADS" >"$work/serve.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$PORT/healthz" "${pids[-1]}"

# Sign in as the buyer: the cookie and the CSRF token go on every order.
curl -s -c "$work/cookies" -o "$work/session.json" -H 'Content-Type: application/json' \
  -d '{"username":"buyer","password":"fupin-demo"}' "http://127.0.0.1:$PORT/api/v1/session"
TOKEN=$(awk '$6 == "fupin_session" { print $7 }' "$work/cookies")
CSRF=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' "$work/session.json")
if [ -z "$TOKEN" ] || [ -z "$CSRF" ]; then
  echo "orders.sh: signing in as buyer gave no session: $(cat "$work/session.json")" >&2
  exit 1
fi
export ORDER_COOKIE="fupin_session=$TOKEN" ORDER_CSRF=$CSRF
body="{\"lines\":[{\"product_id\":$hot,\"quantity\":2}],\"ship_to\":{\"name\":\"马老师\",\"phone\":\"13800000000\",\"address\":\"临夏市 红园路 1 号\"}}"
code=$(curl -s -o "$work/check.out" -w '%{http_code}' -H "Cookie: $ORDER_COOKIE" -H "X-CSRF-Token: $CSRF" \
  -H 'Content-Type: application/json' -H 'Idempotency-Key: check-1' -d "$body" "http://127.0.0.1:$PORT/api/v1/orders")
[ "$code" = 201 ] || { echo "orders.sh: POST /api/v1/orders answered $code: $(head -c 300 "$work/check.out")" >&2; exit 1; }
code=$(curl -s -o "$work/check.out" -w '%{http_code}' "http://127.0.0.1:$PORT$CATALOGUE")
[ "$code" = 200 ] || { echo "orders.sh: GET $CATALOGUE answered $code: $(head -c 300 "$work/check.out")" >&2; exit 1; }

# Runs wrk and prints "requests/s|p50|p99|non-2xx|seconds".
run_wrk() {
  local threads=$1 connections=$2 url=$3 out=$work/wrk.out
  shift 3
  wrk -t"$threads" -c"$connections" -d"$DURATION" --latency "$@" "$url" >"$out" 2>&1 || { cat "$out" >&2; exit 1; }
  awk '
    /requests in/ { secs = $4; sub(/s,?$/, "", secs) }
    /Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = $2 }
    /^ +99%/ { p99 = $2 }
    /Non-2xx or 3xx responses:/ { bad = $5 }
    END { printf "%.0f|%s|%s|%d|%s\n", rps, p50, p99, bad, secs }' "$out"
}

# One row of orders: "label" "connections" "products".
order_row() {
  local label=$1 connections=$2 list=$3 threads=$THREADS before after created stored durable
  [ "$connections" -lt "$threads" ] && threads=$connections
  before=$(sql "SELECT COUNT(*) FROM orders")
  IFS='|' read -r rps p50 p99 bad secs <<<"$(ORDER_RUN="$label-c$connections" ORDER_PRODUCTS=$list \
    run_wrk "$threads" "$connections" "http://127.0.0.1:$PORT/api/v1/orders" -s bench/orders.lua)"
  created=$(awk '/^created / { print $2 }' "$work/wrk.out")
  after=$(sql "SELECT COUNT(*) FROM orders")
  stored=$((after - before))
  # Every 201 must be in the database. There may be a few more orders than
  # 201s: requests still in flight when wrk stopped committed, unanswered.
  if [ "$stored" -lt "$created" ]; then
    echo "orders.sh: $created orders were acknowledged with 201 but only $stored are in the database" >&2
    exit 1
  fi
  durable=$(awk -v n="$created" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
  echo "| $label | $connections | $rps | $durable | $p50 | $p99 | $created | $stored | $bad |"
}

# One row of catalogue reads against the ceiling measured just before it.
read_rows() {
  local connections=$1 label=$2 ceiling p50 p99 bad rps ratio
  IFS='|' read -r ceiling p50 p99 bad _ <<<"$(run_wrk "$THREADS" "$connections" "http://127.0.0.1:$BARE_PORT/")"
  echo "| ceiling (bare server) | $connections | $ceiling | $p50 | $p99 | 1.00 | $bad |"
  IFS='|' read -r rps p50 p99 bad _ <<<"$(run_wrk "$THREADS" "$connections" "http://127.0.0.1:$PORT$CATALOGUE")"
  ratio=$(awk -v a="$rps" -v b="$ceiling" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  echo "| \`GET $CATALOGUE\`$label | $connections | $rps | $p50 | $p99 | $ratio | $bad |"
}

echo "## Marketplace: placing orders and reading the catalogue ($database_name)"
echo
echo "Machine: $(nproc) cores, $(sed -n 's/^model name\t*: *//p' /proc/cpuinfo | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg) at the start. Date: $(date -u +%Y-%m-%d)."
echo "Command: \`DATABASE=$DATABASE bench/orders.sh\` — wrk $THREADS threads (1 for one connection), $DURATION per row,"
echo "keep-alive, loopback; servers with $SERVER_THREADS I/O threads; demo database at scale $SCALE on $database_name,"
echo "$durability. Synchronous 4 KiB writes on this disk (\`dd oflag=dsync\`, same folder, median of three): $overwrite_rate/s overwriting in place, $append_rate/s appending."
echo
echo "| endpoint | connections | requests/s | p50 | p99 | ratio to ceiling | non-2xx |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for connections in $READ_CONNECTIONS; do read_rows "$connections" ""; done
echo
echo "| \`POST /api/v1/orders\`, 1 line, a new key each | connections | requests/s | durable orders/s | p50 | p99 | 201 | in the database | non-2xx |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for connections in $ORDER_CONNECTIONS; do order_row "one product (one lot)" "$connections" "$hot"; done
for connections in $SPREAD_CONNECTIONS; do order_row "$SPREAD products (one lot each)" "$connections" "$products"; done
echo
echo "| after the orders, before any vacuum | connections | requests/s | p50 | p99 | ratio to ceiling | non-2xx |"
echo "|---|---:|---:|---:|---:|---:|---:|"
read_rows 64 " (after the orders)"
