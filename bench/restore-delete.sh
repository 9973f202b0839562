#!/usr/bin/env bash
# What `restore --delete` costs: a table of N rows (default 1,000,000) referring to a parent table is
# backed up, then the application's life since is played on the same database: 1% of the rows
# updated, 10% more rows added (and a new parent with them). The snapshot is then restored over it
# without --delete (an upsert: the added rows stay) and, from the same state, with --delete (the
# added rows go, children first). Each restore runs against the database as the backup left it plus
# the same changes (made again from a template database). The result is checked: after --delete the
# tables hold exactly the backed-up rows (md5 of their text).
#
#   bench/restore-delete.sh [N]
#
# BENCH_PORT: the server (default 5432).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
port=${BENCH_PORT:-5432}
export PGPORT=$port CUTOVER_PASSWORD=bench-passphrase
pg="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt"
work=$(mktemp -d)
trap 'rm -rf "$work"; for db in bench_delete_src bench_delete_changed bench_delete_run; do $pg -d postgres -c "drop database if exists $db with (force)" >/dev/null; done' EXIT
seconds_since() { echo "$(date +%s.%N) - $1" | bc; }
url() { echo "postgresql://postgres@127.0.0.1:$port/$1"; }
digest="select count(*) || ' ' || md5(coalesce(string_agg(m::text, '|' order by id), '')) from members m"
for db in bench_delete_src bench_delete_changed bench_delete_run; do $pg -d postgres -c "drop database if exists $db with (force)" >/dev/null; done
$pg -d postgres -c "create database bench_delete_src"
$pg -d bench_delete_src -c "create table teams (id int primary key, name text)" \
  -c "create table members (id int primary key, team int not null references teams, email text not null, age int not null)" \
  -c "insert into teams select g, 'team ' || g from generate_series(1, 1000) g" \
  -c "insert into members select g, 1 + g % 1000, 'm' || g || '@example.com', 20 + g % 50 from generate_series(1, $n) g" \
  -c "vacuum analyze"
at_backup=$($pg -d bench_delete_src -c "$digest")
./cutover backup init --repo "$work/repo" --quiet
./cutover backup "$(url bench_delete_src)" --repo "$work/repo" --quiet
# the application's life since, kept as a template to restore over again
$pg -d postgres -c "create database bench_delete_changed template bench_delete_src"
$pg -d bench_delete_changed -c "update members set age = age + 1 where id % 100 = 3" -c "insert into teams values (1001, 'new')" \
  -c "insert into members select $n + g, 1 + g % 1001, 'n' || g || '@example.com', 30 from generate_series(1, $n / 10) g" -c "vacuum analyze"

restore_run() { # $1: label, then options; prints the seconds and the summary's counts
  $pg -d postgres -c "drop database if exists bench_delete_run with (force)" -c "create database bench_delete_run template bench_delete_changed"
  local s; s=$(date +%s.%N)
  local out; out=$(./cutover restore --repo "$work/repo" latest "$(url bench_delete_run)" --json --state "$work/state-$1" "${@:2}")
  local t; t=$(seconds_since "$s")
  echo "$1: $t s, $(echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("written", d["written"], "deleted", d.get("deleted", "-"), "in", d.get("deleteMillis", "-"), "ms")'),"\
    "members now $($pg -d bench_delete_run -c "select count(*) from members")"
}
restore_run upsert
restore_run delete --delete
[ "$($pg -d bench_delete_run -c "$digest")" = "$at_backup" ] || { echo "after --delete the table is not as backed up"; exit 1; }
echo "after --delete: members as backed up ($at_backup)"
