#!/usr/bin/env bash
# Benchmark of the spine (issue 3): `cutover migrate` of a generated FlutterFlow-style export into
# PostgreSQL, against a plain `psql \copy` of the very same rows prepared as CSV (the physical
# limit of loading them). Cutover runs with -Xmx256m; its peak RSS comes from GNU time and its heap
# after each collection from the GC log. Both loads run ROUNDS times, alternating, each after a
# CHECKPOINT on a fresh database, and the median of each is compared (this machine is noisy).
#
#   bench/migrate-vs-copy.sh [USERS] [ROUNDS]   # default 160000 users = about 2.1M documents, 3 rounds
#
# Needs PostgreSQL on 127.0.0.1:5432 (scripts/test-servers.sh postgres) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-160000}
rounds=${2:-3}
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
docs=$(./cutover analyze "firestore-export:$export" --json --quiet --state "$work/state" | python3 -c 'import json,sys; print(sum(e["count"] for e in json.load(sys.stdin)["entities"]))')
echo "== export: $docs documents, $(du -h "$export" | cut -f1)"

fresh() { $pg -d postgres -c "drop database if exists $1 with (force)" -c "create database $1"; }
fresh bench_cutover
./cutover plan "firestore-export:$export" postgresql://postgres@127.0.0.1:5432/bench_cutover -o "$work/plan.yaml" --force --quiet

cutover_once() { # $1 = round; prints seconds
  fresh bench_cutover
  rm -rf "$work/state-run"
  $pg -d postgres -c "checkpoint"
  local start end
  start=$(date +%s.%N)
  CUTOVER_JAVA_OPTS="-Xmx256m -Xlog:gc:file=$work/gc-$1.log" /usr/bin/time -v -o "$work/time-$1.txt" \
    ./cutover migrate "$work/plan.yaml" --no-backup --state "$work/state-run" --json --quiet > "$work/migrate-$1.json" || true
  end=$(date +%s.%N)
  python3 -c "print($end-$start)"
}

# The raw load's input: the rows Cutover wrote, as CSV, into the same tables (no row level security;
# foreign keys dropped so that load order does not matter, as Cutover adds them after loading).
cutover_once 0 > /dev/null
$pg -d bench_cutover -Atc "select table_name from information_schema.tables where table_schema='public' order by 1" > "$work/tables.txt"
rows=0
while read -r t; do
  $pg -d bench_cutover -c "\\copy public.\"$t\" to '$work/$t.csv' csv"
  rows=$((rows + $($pg -d bench_cutover -Atc "select count(*) from public.\"$t\"")))
done < "$work/tables.txt"
pg_dump -h 127.0.0.1 -U postgres -s -n public --no-owner bench_cutover \
  | grep -v -E "^CREATE SCHEMA public;|^COMMENT ON SCHEMA public|ROW LEVEL SECURITY" > "$work/schema.sql"

copy_once() {
  fresh bench_copy
  $pg -d bench_copy -f "$work/schema.sql" >/dev/null
  $pg -d bench_copy -Atc "select 'alter table '||conrelid::regclass||' drop constraint '||quote_ident(conname)||';' from pg_constraint where contype='f'" | $pg -d bench_copy >/dev/null
  $pg -d postgres -c "checkpoint"
  local start end
  start=$(date +%s.%N)
  while read -r t; do
    $pg -d bench_copy -c "\\copy public.\"$t\" from '$work/$t.csv' csv"
  done < "$work/tables.txt"
  end=$(date +%s.%N)
  python3 -c "print($end-$start)"
}

results=()
for r in $(seq 1 "$rounds"); do
  c=$(cutover_once "$r")
  p=$(copy_once)
  echo "round $r: cutover ${c}s, psql \\copy ${p}s"
  results+=("$c $p $(grep 'Maximum resident' "$work/time-$r.txt" | awk '{print $NF}')")
done

python3 - "$docs" "$rows" "$work" "${results[@]}" <<'PY'
import json, re, statistics, sys
docs, rows, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
runs = [tuple(float(x) for x in r.split()) for r in sys.argv[4:]]
cs = statistics.median(r[0] for r in runs); ps = statistics.median(r[1] for r in runs)
rss = max(r[2] for r in runs)
m = json.load(open(f"{work}/migrate-1.json"))
t = m["totals"]
print(f"documents in the export    : {docs}")
print(f"cutover totals (round 1)   : read {t['read']} = written {t['written']} + dead-lettered {t['deadLettered']} + skipped {t['skipped']}")
print(f"rows in the target         : {rows}")
print(f"cutover migrate, median    : {cs:8.1f} s  {rows/cs:10.0f} rows/s  (rounds: {', '.join(f'{r[0]:.1f}' for r in runs)}; JVM start, plan check, foreign keys included)")
print(f"psql \\copy of CSV, median  : {ps:8.1f} s  {rows/ps:10.0f} rows/s  (rounds: {', '.join(f'{r[1]:.1f}' for r in runs)})")
print(f"cutover / raw COPY         : {100*ps/cs:8.1f} %")
print(f"peak RSS (max of rounds)   : {rss/1024:8.0f} MiB with -Xmx256m")
# heap after each collection, by fifths of round 1: flat means no growth with the data
after = []
for line in open(f"{work}/gc-1.log"):
    g = re.search(r"\[(\d+\.\d+)s\].*Pause.*->(\d+)M\(", line)
    if g: after.append((float(g.group(1)), int(g.group(2))))
if after:
    end = after[-1][0]
    fifths = []
    for i in range(5):
        part = [h for (s, h) in after if i * end / 5 <= s <= (i + 1) * end / 5]
        fifths.append(f"{max(part) if part else 0}")
    print(f"heap after GC, max by fifth: {' / '.join(fifths)} MiB over {len(after)} collections (round 1)")
PY
