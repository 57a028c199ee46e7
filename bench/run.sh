#!/usr/bin/env bash
# Benchmarks of the foundation: the demo at scale 1 on SQLite and PostgreSQL,
# importing a registry folder of about 1,000,000 households, and the poverty
# report for the whole prefecture. Prints a Markdown section for
# docs/BENCHMARKS.md (bench/run.sh > bench/out/latest.md).
#
# Ceilings measured in the same run, on the same machine and files, so the
# ratios mean something on a noisy machine: the sqlite3 shell's .import and
# psql's \copy of the same household_years.csv into a bare table (no
# validation, no indexes).
set -euo pipefail
cd "$(dirname "$0")/.."
FUPIN=${FUPIN:-build/fupin}
SCALE_IMPORT=${SCALE_IMPORT:-2.54}  # about 1,000,000 households
OUT=${OUT:-bench/out}
mkdir -p "$OUT"
work=$(mktemp -d /tmp/fupin-bench.XXXXXX)
eval "$(scripts/pg-scratch)"
export FUPIN_REGISTRY_KEY_FILE=$work/registry.key
cleanup() { scripts/pg-scratch stop "$PG_DIR"; rm -rf "$work"; }
trap cleanup EXIT
PGURL() { echo "postgresql://postgres@/$1?host=$PG_HOST&port=$PG_PORT"; }
psql_() { runuser -u postgres -- psql -h "$PG_HOST" -p "$PG_PORT" -qAt "$@"; }

# seconds and max RSS (MiB) of one command
measure() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r secs kib <"$work/time"
  echo "$label|$secs|$((kib / 1024))"
}

echo "## Foundation benchmarks"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p' | head -1)."
echo "Date: $(date -u +%Y-%m-%d). Command: \`bench/run.sh\` (build type $(grep -m1 CMAKE_BUILD_TYPE build/CMakeCache.txt | cut -d= -f2))."
echo
echo "| what | seconds | max RSS MiB |"
echo "|---|---:|---:|"

rm -f "$work/demo.db"*
r=$(measure "fupin demo --scale 1, SQLite" "$FUPIN" demo --db "sqlite:$work/demo.db" --quiet); echo "| ${r//|/ | } |"
psql_ -c "CREATE DATABASE demo"
r=$(measure "fupin demo --scale 1, PostgreSQL" "$FUPIN" demo --db "$(PGURL demo)" --quiet); echo "| ${r//|/ | } |"

for year in 2016 2020; do
  r=$(measure "fupin report poverty --year $year (prefecture), SQLite" "$FUPIN" report poverty --db "sqlite:$work/demo.db" --year $year); echo "| ${r//|/ | } |"
  r=$(measure "fupin report poverty --year $year (prefecture), PostgreSQL" "$FUPIN" report poverty --db "$(PGURL demo)" --year $year); echo "| ${r//|/ | } |"
done
r=$(measure "fupin report paper-check, SQLite" "$FUPIN" report paper-check --db "sqlite:$work/demo.db"); echo "| ${r//|/ | } |"

# A registry folder of about a million households.
rm -f "$work/big.db"*
"$FUPIN" demo --db "sqlite:$work/big.db" --scale "$SCALE_IMPORT" --quiet
"$FUPIN" export registry --db "sqlite:$work/big.db" --out "$work/folder" >/dev/null
rows=0
for f in "$work"/folder/*.csv; do rows=$((rows + $(wc -l <"$f") - 1)); done
households=$(($(wc -l <"$work/folder/households.csv") - 1))
hy=$(($(wc -l <"$work/folder/household_years.csv") - 1))
r=$(measure "fupin export registry ($households households, $rows rows), SQLite" "$FUPIN" export registry --db "sqlite:$work/big.db" --out "$work/folder2"); echo "| ${r//|/ | } |"
rm -f "$work/imp.db"*
r=$(measure "fupin import registry ($households households, $rows rows), SQLite" "$FUPIN" import registry --db "sqlite:$work/imp.db" "$work/folder")
echo "| ${r//|/ | } |"; imp_sqlite=$(echo "$r" | cut -d'|' -f2)
psql_ -c "CREATE DATABASE imp"
r=$(measure "fupin import registry ($households households, $rows rows), PostgreSQL" "$FUPIN" import registry --db "$(PGURL imp)" "$work/folder")
echo "| ${r//|/ | } |"; imp_pg=$(echo "$r" | cut -d'|' -f2)

# Ceilings: the databases' own loaders on the largest file, no checks, no indexes.
cols=$(head -1 "$work/folder/household_years.csv")
sqlite3 "$work/ceiling.db" "CREATE TABLE t ($(echo "$cols" | sed 's/,/ TEXT,/g') TEXT)"
r=$(measure "ceiling: sqlite3 .import household_years.csv ($hy rows)" sqlite3 "$work/ceiling.db" ".mode csv" ".import --skip 1 $work/folder/household_years.csv t"); echo "| ${r//|/ | } |"
ceil_sqlite=$(echo "$r" | cut -d'|' -f2)
psql_ -c "CREATE DATABASE ceiling"
psql_ -d ceiling -c "CREATE TABLE t ($(echo "$cols" | sed 's/,/ TEXT,/g') TEXT)"
chmod 755 "$work"; chmod 644 "$work/folder/household_years.csv"
r=$(measure "ceiling: psql \\copy household_years.csv ($hy rows)" runuser -u postgres -- psql -h "$PG_HOST" -p "$PG_PORT" -d ceiling -c "\\copy t FROM '$work/folder/household_years.csv' WITH (FORMAT csv, HEADER true)"); echo "| ${r//|/ | } |"
ceil_pg=$(echo "$r" | cut -d'|' -f2)

echo
awk -v rows="$rows" -v hy="$hy" -v s="$imp_sqlite" -v p="$imp_pg" -v cs="$ceil_sqlite" -v cp="$ceil_pg" 'BEGIN {
  printf "Import throughput: %.0f rows/s on SQLite, %.0f rows/s on PostgreSQL (all %d rows of the folder, validated, in one transaction).\n", rows / s, rows / p, rows;
  printf "Against the ceilings (bare loaders, %d rows of one file): SQLite %.0f rows/s, PostgreSQL %.0f rows/s; fupin imports at %.2f× and %.2f× those rates.\n", hy, hy / cs, hy / cp, (rows / s) / (hy / cs), (rows / p) / (hy / cp);
}'

echo
echo "Micro-benchmarks (\`build/fupin_bench\`, Google Benchmark, linked against the library):"
echo
echo '```'
build/fupin_bench --benchmark_min_time=0.5 2>/dev/null | sed -n '/^Benchmark/,$p'
echo '```'
