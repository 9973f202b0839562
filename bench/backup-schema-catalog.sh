#!/usr/bin/env bash
# What reading a schema's objects costs a backup that finds nothing changed: N small tables (an enum
# column each, a function taking an enum no column uses, the tables in a publication as Supabase's
# supabase_realtime), backed up once, then `backup` run again R times, each a command, timed whole.
# Each run reads the tables' definitions and the schema's objects (functions, types no column uses,
# publications...) and copies the unchanged tables from the snapshot before.
#
#   bench/backup-schema-catalog.sh [N] [R]     # default 1,000 tables, 5 rounds
#
# BENCH_PORT: the server (default 5432). CUTOVER: the launcher (default ./cutover), to compare builds.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
rounds=${2:-5}
port=${BENCH_PORT:-5432}
cutover=${CUTOVER:-./cutover}
export PGPORT=$port CUTOVER_PASSWORD=bench-passphrase
pg="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt"
src=bench_catalog_src
work=$(mktemp -d)
cleanup() {
  rm -rf "$work"
  $pg -d postgres -c "drop database if exists $src with (force)" >/dev/null
}
trap cleanup EXIT
cleanup; work=$(mktemp -d)
$pg -d postgres -c "create database $src"
$pg -d $src -c "create type mood as enum ('ok', 'meh')" -c "create type app_role as enum ('admin', 'member')" \
  -c "create function has_role(r app_role) returns boolean language sql as \$\$ select r = 'admin' \$\$" \
  -c "create publication supabase_realtime" -c "do \$\$ begin for i in 1..$n loop
    execute format('create table t%s (id int primary key, v text, m mood)', i);
    execute format('insert into t%s values (1, ''x'', ''ok'')', i);
    execute format('alter publication supabase_realtime add table t%s', i);
  end loop; end \$\$"
$cutover backup init --repo "$work/repo" --quiet
$cutover backup "postgresql://postgres@127.0.0.1:$port/$src" --repo "$work/repo" --quiet --state "$work/state"
for r in $(seq 1 "$rounds"); do
  s=$(date +%s.%N)
  $cutover backup "postgresql://postgres@127.0.0.1:$port/$src" --repo "$work/repo" --quiet --state "$work/state"
  printf 'round %d: %6.2f s\n' "$r" "$(echo "$(date +%s.%N) - $s" | bc)"
done
