#!/usr/bin/env bash
# What `restore --delete` costs when the rows to delete refer to each other across tables: N teams
# added since the backup, each made with its owner (teams.owner -> members, members.team -> teams:
# a cycle), the members in mentor chains of 100 (members.mentor -> members), and one member at
# depth 20 of one chain referred to by a row of a table the restore leaves (audit), which holds that
# member, the chain above it and their teams. The foreign key columns have indexes (without them
# PostgreSQL reads the referring table whole for each row deleted: the restore says so). Prints the
# dry run's and the restore's times and what they deleted and kept; checks the tables after.
#
#   bench/restore-delete-cycles.sh [N]     # default 100,000
#
# BENCH_PORT: the server (default 5432).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
port=${BENCH_PORT:-5432}
export PGPORT=$port CUTOVER_PASSWORD=bench-passphrase
pg="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt"
db=bench_delete_cycles
work=$(mktemp -d)
trap 'rm -rf "$work"; $pg -d postgres -c "drop database if exists $db with (force)" >/dev/null' EXIT
url="postgresql://postgres@127.0.0.1:$port/$db"
$pg -d postgres -c "drop database if exists $db with (force)" -c "create database $db"
$pg -d $db -c "create table teams (id int primary key, name text, owner int)" \
  -c "create table members (id int primary key, team int references teams, mentor int references members)" \
  -c "alter table teams add foreign key (owner) references members" \
  -c "create index on members (team)" -c "create index on members (mentor)" -c "create index on teams (owner)" \
  -c "create table audit (id int primary key, member int references members)" -c "create index on audit (member)" \
  -c "insert into teams select g, 'team ' || g, null from generate_series(1, 1000) g" \
  -c "insert into members select g, g, null from generate_series(1, 1000) g" -c "update teams set owner = id"
./cutover backup init --repo "$work/repo" --quiet
./cutover backup "$url" --repo "$work/repo" --quiet
# since: N teams made with their owners, the members in chains of 100, one of them referred to from outside
$pg -d $db -c "begin" -c "insert into teams select 1000 + g, 'added', null from generate_series(1, $n) g" \
  -c "insert into members select 1000 + g, 1000 + g, case when g % 100 = 1 then null else 999 + g end from generate_series(1, $n) g" \
  -c "update teams set owner = id where id > 1000" -c "insert into audit values (1, 1021)" -c "commit" -c "vacuum analyze"
run() { # $1: label, then options
  local s; s=$(date +%s.%N)
  local out; out=$(./cutover restore --repo "$work/repo" latest "$url" --only teams,members --delete --json --state "$work/state" "${@:2}" || true)
  local t; t=$(echo "$(date +%s.%N) - $s" | bc)
  echo "$1: $t s, $(echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("delete", d.get("deleteByTable", d.get("deletedByTable")), "kept", d.get("keptOnlyInTarget"))')"
}
run "dry run" --dry-run
run restore
echo "after: $($pg -d $db -c "select count(*) from teams") teams, $($pg -d $db -c "select count(*) from members") members (1,000 each backed up; 21 of each kept)"
