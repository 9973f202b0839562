#!/usr/bin/env bash
# Benchmark of the spine (issue 3): `cutover migrate` of a generated FlutterFlow-style export into
# PostgreSQL, against a plain `psql \copy` of the very same rows prepared as CSV (the physical
# limit of loading them). Cutover runs with -Xmx256m; peak RSS is read from /usr/bin/time.
#
#   bench/migrate-vs-copy.sh [USERS]      # default 160000 users = about 2M documents
#
# Needs PostgreSQL on 127.0.0.1:5432 (scripts/test-servers.sh postgres) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-160000}
work=${BENCH_DIR:-/tmp/cutover-bench}
pg="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q"
mkdir -p "$work"
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }

./cutover --version >/dev/null
export="$work/export-$users.json"
if [ ! -f "$export" ]; then
  echo "== generating $users users"
  ./cutover demo --generate-only "$export" --users "$users"
fi
docs=$(./cutover analyze "firestore-export:$export" --json --quiet | python3 -c 'import json,sys; print(sum(e["count"] for e in json.load(sys.stdin)["entities"]))')
echo "== export: $docs documents, $(du -h "$export" | cut -f1)"

$pg -d postgres -c "drop database if exists bench_cutover" -c "drop database if exists bench_copy" -c "create database bench_cutover" -c "create database bench_copy"
./cutover plan "firestore-export:$export" postgresql://postgres@127.0.0.1:5432/bench_cutover -o "$work/plan.yaml" --force --quiet
rm -rf "$work/state"

echo "== cutover migrate (-Xmx256m)"
start=$(date +%s.%N)
CUTOVER_JAVA_OPTS="-Xmx256m" /usr/bin/time -v -o "$work/time.txt" ./cutover migrate "$work/plan.yaml" --state "$work/state" --json --quiet > "$work/migrate.json" || true
end=$(date +%s.%N)
cutover_s=$(python3 -c "print($end-$start)")
rss_kb=$(grep "Maximum resident" "$work/time.txt" | awk '{print $NF}')
written=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["read"])' "$work/migrate.json")

echo "== the same rows as CSV, loaded by psql \\copy"
$pg -d bench_cutover -Atc "select table_name from information_schema.tables where table_schema='public' order by 1" > "$work/tables.txt"
pg_dump -h 127.0.0.1 -U postgres -s -n public --no-owner bench_cutover | grep -v "ROW LEVEL SECURITY" | $pg -d bench_copy >/dev/null
rows=0
while read -r t; do
  $pg -d bench_cutover -c "\\copy public.\"$t\" to '$work/$t.csv' csv"
  rows=$((rows + $($pg -d bench_cutover -Atc "select count(*) from public.\"$t\"")))
done < "$work/tables.txt"
# foreign keys are checked by the raw load too; drop them so \copy order does not matter, as Cutover adds them after loading
$pg -d bench_copy -Atc "select 'alter table '||conrelid::regclass||' drop constraint '||quote_ident(conname)||';' from pg_constraint where contype='f'" | $pg -d bench_copy >/dev/null
start=$(date +%s.%N)
while read -r t; do
  $pg -d bench_copy -c "\\copy public.\"$t\" from '$work/$t.csv' csv"
done < "$work/tables.txt"
end=$(date +%s.%N)
copy_s=$(python3 -c "print($end-$start)")

python3 - "$written" "$rows" "$cutover_s" "$copy_s" "$rss_kb" <<'PY'
import sys
docs, rows, cs, ps, rss = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
print(f"documents read by cutover : {docs}")
print(f"rows in the target        : {rows}")
print(f"cutover migrate           : {cs:8.1f} s  {rows/cs:10.0f} rows/s  (peak RSS {rss/1024:.0f} MiB, -Xmx256m, JVM start and plan check included)")
print(f"psql \\copy of CSV         : {ps:8.1f} s  {rows/ps:10.0f} rows/s")
print(f"cutover / raw COPY        : {100*ps/cs:8.1f} %")
PY
