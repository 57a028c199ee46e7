#!/usr/bin/env bash
# Every named report for the whole prefecture, on the demo at SCALE (default 1)
# with one planned day, on SQLite and on PostgreSQL: wall seconds and max RSS of
# `fupin report NAME` (the whole command: start, schema check, region tree,
# queries, rendering). The ceiling, measured in the same run on the same
# database: the bare aggregate of household_years by year and status (households
# and members), run by the sqlite3 shell and by psql: what every year of the
# trend of poverty_incidence would cost without household_year_counts.
# Prints a Markdown section for docs/BENCHMARKS.md.
#
#   bench/reports.sh [SCALE]        DATABASES="sqlite postgres" (default both)
#
# Then the indicator and trend endpoints under load (bench/http.sh on the same
# databases, against the bare server).
#
# A demo at scale 10 takes many minutes to build (most of an hour on
# PostgreSQL); to time databases built beforehand with `fupin demo` and
# `fupin plan routes --date 2020-12-28`, give SQLITE_DB=FILE and/or
# PG_ENV=FILE (the output of scripts/pg-scratch for a server holding the demo in
# database "demo"), with FUPIN_REGISTRY_KEY_FILE set to their key.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-1}
DATABASES=${DATABASES:-sqlite postgres}
FUPIN=${FUPIN:-build/fupin}
[ -x "$FUPIN" ] || { echo "bench/reports.sh: $FUPIN not found: run make build first" >&2; exit 1; }
work=$(mktemp -d /tmp/fupin-reports.XXXXXX)
SQLITE_DB=${SQLITE_DB:-}
PG_ENV=${PG_ENV:-}
if [ -z "$SQLITE_DB$PG_ENV" ]; then export FUPIN_REGISTRY_KEY_FILE=$work/registry.key; fi
pg_dir=""
cleanup() {
  if [ -n "$pg_dir" ]; then scripts/pg-scratch stop "$pg_dir"; fi
  rm -rf "$work"
}
trap cleanup EXIT

# seconds and max RSS (MiB) of one command: "secs|MiB"
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r secs kib <"$work/time"
  echo "$secs|$((kib / 1024))"
}

reports=(
  "poverty"
  "paper-check"
  "benefit"
  "institutions"
  "indicators"
  "indicator --indicator poverty_incidence"
  "trend --indicator poverty_incidence"
  "trend --indicator ecommerce_volume"
  "trend --indicator poor_mean_gain"
  "coverage"
  "logistics --year 2020"
  "ecommerce-scale"
)
ceiling_sql="SELECT year, status, COUNT(*), SUM(members) FROM household_years GROUP BY year, status"

echo "### Reports at scale $SCALE"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p' | head -1)."
echo "Date: $(date -u +%Y-%m-%d). Command: \`bench/reports.sh $SCALE\` (build type $(grep -m1 CMAKE_BUILD_TYPE build/CMakeCache.txt | cut -d= -f2))."
echo

declare -A url
for db in $DATABASES; do
  built=""
  case $db in
    sqlite)
      if [ -n "$SQLITE_DB" ]; then built=yes; fi
      url[$db]="sqlite:${SQLITE_DB:-$work/demo.db}"
      sqlite_file=${SQLITE_DB:-$work/demo.db}
      ;;
    postgres)
      if [ -n "$PG_ENV" ]; then
        built=yes
        eval "$(cat "$PG_ENV")"
      else
        eval "$(scripts/pg-scratch)"
        pg_dir=$PG_DIR
        runuser -u postgres -- psql -h "$PG_HOST" -p "$PG_PORT" -qAt -c "CREATE DATABASE demo"
      fi
      url[$db]="postgresql://postgres@/demo?host=$PG_HOST&port=$PG_PORT"
      ;;
    *) echo "bench/reports.sh: unknown database '$db' (sqlite, postgres)" >&2; exit 2 ;;
  esac
  demo="built before|" plan="built before|"
  if [ -z "$built" ]; then
    demo=$(measure "$FUPIN" demo --db "${url[$db]}" --scale "$SCALE" --quiet)
    plan=$(measure "$FUPIN" plan routes --db "${url[$db]}" --date 2020-12-28)
  fi
  households=$("$FUPIN" report indicators --db "${url[$db]}" --year 2018 --format csv |
    awk -F, '$1 == "rural_population" {print $6}')
  echo "$db: demo ${demo%%|*} s, plan routes ${plan%%|*} s, $households registered people in 2018" >&2
done

printf '| report (the prefecture) |'
for db in $DATABASES; do printf ' %s: s | %s: MiB |' "$db" "$db"; done
printf '\n|---|'
for db in $DATABASES; do printf -- '---:|---:|'; done
printf '\n'
for r in "${reports[@]}"; do
  printf '| `fupin report %s` |' "$r"
  for db in $DATABASES; do
    # shellcheck disable=SC2086
    m=$(measure "$FUPIN" report $r --db "${url[$db]}")
    printf ' %s | %s |' "${m%%|*}" "${m##*|}"
  done
  printf '\n'
done
printf '| ceiling: `%s` |' "$ceiling_sql"
for db in $DATABASES; do
  case $db in
    sqlite) m=$(measure sqlite3 "$sqlite_file" "$ceiling_sql") ;;
    postgres) m=$(measure runuser -u postgres -- psql -h "$PG_HOST" -p "$PG_PORT" -d demo -qAt -c "$ceiling_sql") ;;
  esac
  printf ' %s | %s |' "${m%%|*}" "${m##*|}"
done
printf '\n'

# The indicator endpoint under load, on the same databases: `fupin serve`
# against the bare server, by bench/http.sh (HTTP_CONNECTIONS, HTTP_DURATION).
for db in $DATABASES; do
  echo
  DB_URL="${url[$db]}" DATABASE=$db SCALE=$SCALE CONNECTIONS="${HTTP_CONNECTIONS:-64}" \
    DURATION="${HTTP_DURATION:-10s}" BUILD_DIR="$(dirname "$FUPIN")" \
    ENDPOINTS="indicator|/api/v1/reports/indicator?indicator=poverty_incidence&year=2018 trend|/api/v1/reports/trend?indicator=poverty_incidence" \
    bench/http.sh
done
