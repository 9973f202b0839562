#!/usr/bin/env bash
# What a restore's dry run costs with its trial writes (the rows that would change written in a
# transaction that is rolled back) against one that only reads (--no-trial), and against the restore
# itself. A table of N rows (default 200,000) refers to a parent table; it is backed up, restored into
# a target whose table has constraints of its own (a foreign key, a unique email, a CHECK), which
# some of the snapshot's rows break: 0.1% a CHECK, 0.1% the unique email of a row the target added,
# 0.1% refer to a team nothing holds (those the target has stay: its foreign key is NOT VALID). Two cases: 1% of the target's rows changed since (the
# trial writes 1%), and the table emptied (the trial writes every row). Each dry run's refused count
# is checked against the rows the restore then sets aside.
#
#   bench/restore-dry-run-trial.sh [N]
#
# BENCH_PORT: the server (default 5432).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200000}
port=${BENCH_PORT:-5432}
export PGPORT=$port CUTOVER_PASSWORD=bench-passphrase
pg="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt"
work=$(mktemp -d)
trap 'rm -rf "$work"; $pg -d postgres -c "drop database if exists bench_trial_src with (force)" -c "drop database if exists bench_trial_dst with (force)" >/dev/null' EXIT
seconds_since() { echo "$(date +%s.%N) - $1" | bc; }
url() { echo "postgresql://postgres@127.0.0.1:$port/$1"; }
for db in bench_trial_src bench_trial_dst; do $pg -d postgres -c "drop database if exists $db with (force)" -c "create database $db" >/dev/null; done
$pg -d bench_trial_src -c "create table teams (id int primary key, name text)" \
  -c "create table members (id int primary key, team int not null, email text not null, age int not null)" \
  -c "insert into teams select g, 'team ' || g from generate_series(1, 1000) g" \
  -c "insert into members select g, case when g % 1000 = 5 then 1001 else 1 + g % 1000 end, 'm' || g || '@example.com', case when g % 1000 = 7 then -1 else 20 + g % 50 end from generate_series(1, $n) g" \
  -c "vacuum analyze"
./cutover backup init --repo "$work/repo" --quiet
./cutover backup "$(url bench_trial_src)" --repo "$work/repo" --quiet
./cutover restore --repo "$work/repo" latest "$(url bench_trial_dst)" --state "$work/state0" --quiet
# the target's own rules, which the backed-up rows do not all meet (their rows there stay: NOT VALID)
$pg -d bench_trial_dst -c "alter table members add foreign key (team) references teams not valid" \
  -c "alter table members add constraint members_age_check check (age >= 0) not valid" \
  -c "delete from members where id % 1000 in (7, 11)" -c "create unique index on members (email)" \
  -c "insert into members select $n + g, 1, 'm' || g || '@example.com', 30 from generate_series(11, $n, 1000) g"

dry_run() { # options; prints: seconds insert update refused
  local s; s=$(date +%s.%N)
  local out; out=$(./cutover restore --repo "$work/repo" latest "$(url bench_trial_dst)" --dry-run --json --state "$work/state-dry" "$@")
  local t; t=$(seconds_since "$s")
  echo "$out" | python3 -c 'import json,sys; t=json.load(sys.stdin)["tables"]["members"]; print(sys.argv[1], t["insert"], t["update"], t["refused"])' "$t"
}
case_run() { # $1: case name
  local trial read before after
  before=$($pg -d bench_trial_dst -c "select count(*) || ' ' || md5(coalesce(string_agg(m::text, '|' order by id), '')) from members m")
  read -r trial_s trial_insert trial_update trial_refused <<<"$(dry_run)"
  read -r read_s read_insert read_update read_refused <<<"$(dry_run --no-trial)"
  after=$($pg -d bench_trial_dst -c "select count(*) || ' ' || md5(coalesce(string_agg(m::text, '|' order by id), '')) from members m")
  [ "$before" = "$after" ] || { echo "$1: the dry runs changed the target"; exit 1; }
  local s; s=$(date +%s.%N)
  local out; out=$(./cutover restore --repo "$work/repo" latest "$(url bench_trial_dst)" --json --state "$work/state-$1" || true)
  local restore_s; restore_s=$(seconds_since "$s")
  local set_aside; set_aside=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["deadLettered"])')
  echo "$1: dry run with trial $trial_s s (insert $trial_insert, update $trial_update, refused $trial_refused)" \
    "| read only $read_s s (insert $read_insert, update $read_update, refused $read_refused) | restore $restore_s s, $set_aside set aside"
  [ "$trial_refused" = "$set_aside" ] || { echo "$1: the trial foresaw $trial_refused refused, the restore set aside $set_aside"; exit 1; }
}
# 1% of the rows changed in the target since the backup (the restore would update them back)
$pg -d bench_trial_dst -c "update members set age = age + 1 where id % 100 = 3"
case_run "1% changed"
# every row gone from the target (the restore would insert them all)
$pg -d bench_trial_dst -c "truncate members"
case_run "emptied"
