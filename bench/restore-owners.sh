#!/usr/bin/env bash
# What giving a restore's objects to their owners costs: N small tables (a row each, an index, a
# grant) and N/10 views and functions, all owned by a role other than the one restoring, restored
# whole into an empty database by a superuser, with the owners given (the default) and with
# --no-owner. Prints both times and checks the owners after.
#
#   bench/restore-owners.sh [N]     # default 1,000
#
# BENCH_PORT: the server (default 5432).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
port=${BENCH_PORT:-5432}
export PGPORT=$port CUTOVER_PASSWORD=bench-passphrase
pg="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt"
src=bench_owners_src dst=bench_owners_dst role=bench_owners_app
work=$(mktemp -d)
cleanup() {
  rm -rf "$work"
  $pg -d postgres -c "drop database if exists $src with (force)" -c "drop database if exists $dst with (force)" \
    -c "drop database if exists ${dst}_bare with (force)" -c "drop role if exists $role" >/dev/null
}
trap cleanup EXIT
cleanup; work=$(mktemp -d)
$pg -d postgres -c "create role $role" -c "create database $src"
$pg -d $src -c "do \$\$ begin for i in 1..$n loop
    execute format('create table t%s (id int primary key, v text)', i);
    execute format('insert into t%s values (1, ''x'')', i);
    execute format('create index on t%s (v)', i);
    execute format('grant select on t%s to public', i);
    execute format('alter table t%s owner to $role', i);
    if i % 10 = 0 then
      execute format('create view v%s as select * from t%s', i, i);
      execute format('alter view v%s owner to $role', i);
      execute format('create function f%s() returns int language sql as ''select %s''', i, i);
      execute format('alter function f%s() owner to $role', i);
    end if;
  end loop; end \$\$"
./cutover backup init --repo "$work/repo" --quiet
./cutover backup "postgresql://postgres@127.0.0.1:$port/$src" --repo "$work/repo" --quiet
run() { # $1: database, then options
  $pg -d postgres -c "drop database if exists $1 with (force)" -c "create database $1"
  local s; s=$(date +%s.%N)
  ./cutover restore --repo "$work/repo" latest "postgresql://postgres@127.0.0.1:$port/$1" --quiet --state "$work/state-$1" "${@:2}"
  local t; t=$(echo "$(date +%s.%N) - $s" | bc)
  local owned; owned=$($pg -d "$1" -c "select count(*) filter (where pg_get_userbyid(relowner) = '$role') from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'v')")
  printf '%-12s %6.2f s   relations owned by %s: %s\n' "${2:-owners}" "$t" "$role" "$owned"
}
run $dst
run ${dst}_bare --no-owner
