#!/usr/bin/env bash
# Benchmark of verify (issue 4): two PostgreSQL tables of 5,000,000 orders in two databases of the
# local server, with 50 scattered differences (17 missing, 17 extra, 16 changed), compared
#   (a) by the pushdown engine (cutover.verify.RangeBisection over PostgreSQL's Digests), driven by
#       cutover.postgres.VerifyBench from the postgres module's test classes until `cutover verify`
#       lands, and
#   (a2) by the command a user runs, `cutover verify A B --tables orders --method pushdown --json`,
#       timed whole (JVM start, connecting and the dialect probe included), and
#   (b) by a plain full scan (bench/FullScanDiff.java: both sides streamed in key order over JDBC,
#       hashed in Java, merged).
# Both run with -Xmx256m under GNU time (peak RSS), ROUNDS times, alternating; medians are compared.
# Each must name all 50 differences, or the script fails.
#
#   bench/verify-vs-fullscan.sh [ROUNDS]     # default 3
#
# The two databases (cutover_bench_verify_a / _b) are built once, from bench/verify-orders.sql and
# bench/verify-differences.sql, and reused; drop them to rebuild. Needs PostgreSQL on 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
work=${BENCH_DIR:-/tmp/cutover-bench-verify}
pg="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q"
mkdir -p "$work"
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }

exists() { [ "$($pg -d postgres -Atc "select count(*) from pg_database where datname = '$1'")" = 1 ]; }
if ! exists cutover_bench_verify_a || ! exists cutover_bench_verify_b; then
  echo "== building the 5M-row tables (once)"
  $pg -d postgres -c "drop database if exists cutover_bench_verify_a" -c "drop database if exists cutover_bench_verify_b" \
    -c "create database cutover_bench_verify_a"
  $pg -d cutover_bench_verify_a -f bench/verify-orders.sql
  $pg -d postgres -c "create database cutover_bench_verify_b template cutover_bench_verify_a"
  $pg -d cutover_bench_verify_b -f bench/verify-differences.sql
fi
echo "== rows: A $($pg -d cutover_bench_verify_a -Atc 'select count(*) from orders'), B $($pg -d cutover_bench_verify_b -Atc 'select count(*) from orders')"

echo "== building"
./cutover --version >/dev/null
./mvnw -B -ntp -q -pl connectors/cutover-connector-postgres -am install -DskipTests -DskipITs
./mvnw -B -ntp -q -pl connectors/cutover-connector-postgres dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt"
mod=connectors/cutover-connector-postgres
# this worktree's own cutover-core first: ~/.m2 holds whichever SNAPSHOT was installed last, by anyone
cp="$mod/target/test-classes:$mod/target/classes:cutover-core/target/classes:$(cat "$work/cp.txt")"
pgjar=$(tr ':' '\n' < "$work/cp.txt" | grep '/postgresql-[0-9]')

a=postgresql://postgres@127.0.0.1:5432/cutover_bench_verify_a
b=postgresql://postgres@127.0.0.1:5432/cutover_bench_verify_b
# Reads both tables once so that neither contender pays for the disk: other work on this machine
# can push them out of the page cache between rounds.
warm() { for db in cutover_bench_verify_a cutover_bench_verify_b; do $pg -d $db -Atc "select count(*) from orders" >/dev/null; done; }
pushdown_once() {
  warm
  /usr/bin/time -v -o "$work/time-pushdown-$1.txt" java -Xmx256m -cp "$cp" cutover.postgres.VerifyBench "$a" "$b" orders > "$work/pushdown-$1.txt"
}
cli_once() {
  warm
  local start end
  start=$(date +%s.%N)
  CUTOVER_JAVA_OPTS="-Xmx256m" /usr/bin/time -v -o "$work/time-cli-$1.txt" ./cutover verify "$a" "$b" --tables orders --method pushdown \
    --json --quiet --state "$work/state" > "$work/cli-$1.json" || [ $? = 1 ]
  end=$(date +%s.%N)
  python3 -c "import json,sys; d=json.load(open('$work/cli-$1.json')); n=len(d['differenceList']); print(f'cli: compared in {$end-$start:.2f} s = {int(5_000_000/($end-$start))} rows/s, {n} differences named')" > "$work/cli-$1.txt"
}
fullscan_once() {
  warm
  /usr/bin/time -v -o "$work/time-fullscan-$1.txt" java -Xmx256m -cp "$pgjar" bench/FullScanDiff.java \
    "jdbc:postgresql://127.0.0.1:5432/cutover_bench_verify_a?user=postgres" "jdbc:postgresql://127.0.0.1:5432/cutover_bench_verify_b?user=postgres" \
    orders id > "$work/fullscan-$1.txt"
}

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p; s/^CPU family: *\(.*\)/family \1/p; s/^Model: *\(.*\)/model \1/p' | paste -sd' ')
echo "== machine: $(nproc) cores (${cpu:-cpu unknown}), $(java -version 2>&1 | head -1), $($pg -d postgres -Atc 'show server_version')"
for r in $(seq 1 "$rounds"); do
  echo "== round $r (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  pushdown_once "$r"
  cli_once "$r"
  fullscan_once "$r"
  grep -E '^(round|pushdown:)' "$work/pushdown-$r.txt"
  cat "$work/cli-$r.txt"
  grep -q ', 50 differences named' "$work/cli-$r.txt" || { echo "cutover verify did not name 50 differences"; exit 1; }
  grep -E '^full scan:' "$work/fullscan-$r.txt"
  named=$(grep -cE '^(Missing|Extra|Changed)\[' "$work/pushdown-$r.txt" || true)
  [ "$named" = 50 ] || { echo "pushdown named $named differences, not 50"; exit 1; }
  named=$(grep -cE '^(missing|extra|changed) ' "$work/fullscan-$r.txt" || true)
  [ "$named" = 50 ] || { echo "full scan named $named differences, not 50"; exit 1; }
  echo "   peak RSS: pushdown $(grep 'Maximum resident' "$work/time-pushdown-$r.txt" | awk '{print int($6/1024)}') MiB, cli $(grep 'Maximum resident' "$work/time-cli-$r.txt" | awk '{print int($6/1024)}') MiB, full scan $(grep 'Maximum resident' "$work/time-fullscan-$r.txt" | awk '{print int($6/1024)}') MiB"
done

python3 - "$work" "$rounds" <<'PY'
import re, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def rate(kind, r):
    text = open(f"{work}/{kind}-{r}.txt").read()
    m = re.search(r"compared in ([0-9.]+) s = ([0-9]+) rows/s", text)
    return float(m.group(1)), int(m.group(2))
def rss(kind, r):
    return max(int(l.split()[-1]) for l in open(f"{work}/time-{kind}-{r}.txt") if "Maximum resident" in l) // 1024
for kind in ("pushdown", "cli", "fullscan"):
    runs = [rate(kind, r) for r in range(1, rounds + 1)]
    secs = [s for s, _ in runs]
    print(f"{kind:9s} median {statistics.median(secs):.2f} s = {5_000_000 / statistics.median(secs):,.0f} rows/s; "
          f"rounds {', '.join(f'{s:.2f}' for s in secs)} s; peak RSS max {max(rss(kind, r) for r in range(1, rounds + 1))} MiB")
PY
