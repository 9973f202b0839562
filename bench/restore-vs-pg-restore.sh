#!/usr/bin/env bash
# Restore into an empty PostgreSQL database (issue 5): `cutover restore` of a full backup against
# `pg_restore` of a `pg_dump -Fc` of the same database, both making the tables as defined (indexes,
# constraints, sequences). Uses the table bench/backup-vs-restic.sh loads (events in
# bench_backup_src, ROWS rows), copied as a template into bench_defs with two secondary indexes and a
# check; each round restores both databases into fresh ones, alternating which goes first, prints
# each time and checks afterwards that `pg_dump --schema-only` of the two restored databases is the same.
#
#   bench/restore-vs-pg-restore.sh [ROUNDS]     # default 3; port BENCH_PORT (5432)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
port=${BENCH_PORT:-5432}
work=${BENCH_DIR:-/tmp/cutover-bench-restore}
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres CUTOVER_PASSWORD=bench-passphrase CUTOVER_CACHE_DIR=off
pg="psql -v ON_ERROR_STOP=1 -q"
ms() { echo $(( ($2 - $1) / 1000000 )); }
[ "$($pg -d postgres -Atc "select count(*) from pg_database where datname = 'bench_backup_src'")" = 1 ] \
  || { echo "no database bench_backup_src: run bench/backup-vs-restic.sh first" >&2; exit 2; }
rm -rf "$work"; mkdir -p "$work"
./cutover --version >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs) model $(grep -m1 '^model' /proc/cpuinfo | cut -d: -f2 | xargs)"
$pg -d postgres -c "drop database if exists bench_defs" -c "create database bench_defs template bench_backup_src"
$pg -d bench_defs -c "create index events_account on events (account)" -c "create index events_created on events (created)" \
    -c "alter table events add constraint amount_known check (amount > -1e9)" -c "analyze events"
echo "database: bench_defs, $($pg -d bench_defs -Atc "select count(*) from events") rows, $($pg -d bench_defs -Atc "select pg_size_pretty(pg_database_size('bench_defs'))")"
pg_dump -Fc -d bench_defs -f "$work/bench_defs.dump"
./cutover backup init --repo "$work/repo" >/dev/null
./cutover backup postgresql://postgres@127.0.0.1:$port/bench_defs --repo "$work/repo" --quiet --state "$work/state"
restore_pg() {
  $pg -d postgres -c "drop database if exists r_pg" -c "create database r_pg"
  local s e; s=$(date +%s%N); pg_restore -d r_pg "$work/bench_defs.dump"; e=$(date +%s%N); pg_ms=$(ms $s $e)
}
restore_cutover() {
  $pg -d postgres -c "drop database if exists r_cut" -c "create database r_cut"
  local s e; s=$(date +%s%N)
  ./cutover restore --repo "$work/repo" latest postgresql://postgres@127.0.0.1:$port/r_cut --quiet --state "$work/state-$1"
  e=$(date +%s%N); cut_ms=$(ms $s $e)
}
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then restore_pg; restore_cutover $round; else restore_cutover $round; restore_pg; fi
  echo "round $round: pg_restore $pg_ms ms | cutover restore $cut_ms ms | pg_restore's time / Cutover's $(echo "scale=2; $pg_ms / $cut_ms" | bc)"
done
if diff <(pg_dump -s r_pg | grep -v '^--\|restrict') <(pg_dump -s -N cutover r_cut | grep -v '^--\|restrict') >/dev/null; then
  echo "pg_dump --schema-only of both restored databases: the same"
else
  echo "pg_dump --schema-only of the restored databases differ" >&2; exit 1
fi
$pg -d postgres -c "drop database r_pg" -c "drop database r_cut" -c "drop database bench_defs"
