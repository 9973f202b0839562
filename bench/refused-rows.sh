#!/usr/bin/env bash
# How long a migration takes when the target's own CHECK constraint refuses some of the rows, which
# are then found one record at a time and set aside (docs/connectors/postgresql.md, "Rows the table
# refuses"): a PostgreSQL table of ROWS rows into a table that refuses none, 30%, or all of them.
#
#   bench/refused-rows.sh [ROWS] [ROUNDS]   # default 20000 rows, 3 rounds
#
# Needs PostgreSQL on 127.0.0.1:${BENCH_PORT:-5432}.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-20000}
rounds=${2:-3}
work=${BENCH_DIR:-/tmp/cutover-bench-refused}
. bench/two-databases.sh

recreate bench_refused_src bench_refused_dst
$pg -d bench_refused_src -c "create table items (id int primary key, n int not null, note text)" \
    -c "insert into items select g, case when g % 10 < 3 then -g else g end, 'note ' || g from generate_series(1, $rows) g"
$pg -d bench_refused_dst -c "create table items (id int primary key, n int not null, note text)"
./cutover plan "$base/bench_refused_src" "$base/bench_refused_dst" -o "$work/plan.yaml" --force --quiet
sed -i 's/deadLetterLimit: "[^"]*"/deadLetterLimit: "none"/' "$work/plan.yaml"

for check in "n > -2147483648" "n >= 0" "n < -2147483647"; do
  $pg -d bench_refused_dst -c "alter table items drop constraint if exists items_n_check" -c "alter table items add constraint items_n_check check ($check) not valid"
  for round in $(seq 1 "$rounds"); do
    $pg -d bench_refused_dst -c "truncate items"
    start=$(date +%s.%N)
    set +e
    ./cutover migrate "$work/plan.yaml" --no-backup --restart --quiet --state "$work/state" >/dev/null
    code=$?
    set -e
    elapsed=$(seconds_since "$start")
    written=$($pg -At -d bench_refused_dst -c "select count(*) from items")
    aside=$(wc -l < "$(ls -d "$work"/state/runs/m-*/ | head -1)dead-letter.ndjson" 2>/dev/null || echo 0)
    printf 'check (%s): %d rows, %d written, %d set aside, exit %d, %.2f s\n' "$check" "$rows" "$written" "$aside" "$code" "$elapsed"
  done
done
