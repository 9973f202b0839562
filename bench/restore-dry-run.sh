#!/usr/bin/env bash
# What a restore's dry run into an empty database costs: N small tables (a row each, an index, a
# citext column of an extension kept in schema extensions, as on Supabase), backed up, then
# `restore --dry-run` timed R times. The dry run makes the tables it would make in a transaction it
# rolls back, and reads how each would differ from its definition (Sink.rehearsePrepare).
#
#   bench/restore-dry-run.sh [N] [R]     # default 1,000 tables, 3 rounds
#
# BENCH_PORT: the server (default 5432). CUTOVER: the launcher (default ./cutover), to compare builds.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
rounds=${2:-3}
port=${BENCH_PORT:-5432}
cutover=${CUTOVER:-./cutover}
export PGPORT=$port CUTOVER_PASSWORD=bench-passphrase
pg="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt"
src=bench_dryrun_src dst=bench_dryrun_dst
work=$(mktemp -d)
cleanup() {
  rm -rf "$work"
  $pg -d postgres -c "drop database if exists $src with (force)" -c "drop database if exists $dst with (force)" >/dev/null
}
trap cleanup EXIT
cleanup; work=$(mktemp -d)
$pg -d postgres -c "create database $src" -c "create database $dst"
$pg -d $src -c "create schema extensions" -c "create extension citext schema extensions" -c "do \$\$ begin for i in 1..$n loop
    execute format('create table t%s (id int primary key, v text, e extensions.citext)', i);
    execute format('insert into t%s values (1, ''x'', ''Y'')', i);
    execute format('create index on t%s (v)', i);
  end loop; end \$\$"
$cutover backup init --repo "$work/repo" --quiet
$cutover backup "postgresql://postgres@127.0.0.1:$port/$src" --repo "$work/repo" --quiet
for r in $(seq 1 "$rounds"); do
  s=$(date +%s.%N)
  $cutover restore --repo "$work/repo" latest "postgresql://postgres@127.0.0.1:$port/$dst" --dry-run --quiet --state "$work/state"
  printf 'round %d: %6.2f s\n' "$r" "$(echo "$(date +%s.%N) - $s" | bc)"
done
echo "tables in $dst after the dry runs: $($pg -d $dst -c "select count(*) from pg_tables where schemaname = 'public'")"
